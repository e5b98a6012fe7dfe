-- End-to-end resolution time (SPEC.md): resolution time minus created_at, for tickets resolved
-- in the period, grouped by resolving tier; mean, median and p90 in hours, and the count.
SELECT
	CASE WHEN $weekly THEN date_trunc('week', resolved_at AT TIME ZONE $tz) END AS week,
	resolving_tier AS tier,
	count(*)::INTEGER AS count,
	avg(epoch(resolved_at - created_at)) / 3600 AS mean,
	median(epoch(resolved_at - created_at)) / 3600 AS median,
	quantile_cont(epoch(resolved_at - created_at), 0.9) / 3600 AS p90
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to)
	AND resolved_at < $to
	AND resolving_tier IS NOT NULL
GROUP BY ALL
ORDER BY week, tier;
