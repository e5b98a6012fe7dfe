-- End-to-end resolution time (SPEC.md): resolution time minus created_at, for tickets resolved
-- in the period, grouped by resolving tier; mean, median and p90 in hours, and the count.
SELECT
	CASE WHEN $weekly THEN resolved_week END AS week,           -- ISO week in HANDOFF_TZ
	resolving_tier AS tier,
	count(*)::INTEGER AS count,
	avg(resolution_seconds) / 3600 AS mean,           -- resolution time minus created_at
	quantile_cont(resolution_seconds, [0.5, 0.9]) AS q,   -- median (middle pair averaged), p90
	q[1] / 3600 AS median,
	q[2] / 3600 AS p90
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to)
	AND resolved_at < $to
	AND resolving_tier IS NOT NULL
GROUP BY ALL
ORDER BY week, tier;
