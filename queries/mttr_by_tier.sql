-- MTTR by tier (SPEC.md): for tickets resolved in the period, grouped by resolving tier (the
-- tier of the segment the resolution falls in): resolution time minus the start of that tier
-- segment. Mean, median (average of the two middle values when n is even) and p90 (linear
-- interpolation, quantile_cont) in hours = seconds / 3600, and the count. Only tiers that
-- have tickets appear.
SELECT
	CASE WHEN $weekly THEN resolved_week END AS week,           -- ISO week in HANDOFF_TZ
	resolving_tier AS tier,
	count(*)::INTEGER AS count,
	avg(tier_resolution_seconds) / 3600 AS mean,      -- resolution time minus the start of its tier segment
	quantile_cont(tier_resolution_seconds, [0.5, 0.9]) AS q,   -- median (middle pair averaged), p90
	q[1] / 3600 AS median,
	q[2] / 3600 AS p90
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to)
	AND resolved_at < $to
	AND resolving_tier IS NOT NULL                                  -- a resolution before created_at has no segment
GROUP BY ALL
ORDER BY week, tier;
