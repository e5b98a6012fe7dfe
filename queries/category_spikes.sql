-- Category spike (SPEC.md): a category whose escalations in a week are >= 2x the mean of its
-- previous 4 weeks and >= 5. Weeks are full ISO weeks (in HANDOFF_TZ) of escalation events by
-- the ticket's category; the baseline is the 4 previous weeks, zero-filled; a week is judged
-- only once 4 weeks of history exist (counted from the first week with any escalation); both
-- thresholds are inclusive; a zero baseline with >= 5 escalations is a spike.
WITH weekly AS (
	SELECT f.category, c.week, count(*) AS n
	FROM tier_changes c
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)
	WHERE c.type = 'escalated'                                       -- escalation events only
	GROUP BY ALL
),
weeks AS (
	SELECT unnest(generate_series(min(week), max(week), INTERVAL 7 DAY))::DATE AS week FROM weekly
),
grid AS (                                                         -- every category in every week, 0 when quiet
	SELECT k.category, w.week, coalesce(x.n, 0) AS n
	FROM (SELECT DISTINCT category FROM weekly) k
	CROSS JOIN weeks w
	LEFT JOIN weekly x USING (category, week)
),
judged AS (
	SELECT category, week, n,
		avg(n) OVER prior4 AS baseline,
		count(*) OVER prior4 AS history
	FROM grid
	WINDOW prior4 AS (PARTITION BY category ORDER BY week ROWS BETWEEN 4 PRECEDING AND 1 PRECEDING)
)
SELECT category, week, n::INTEGER AS escalations, baseline, n / nullif(baseline, 0) AS ratio
FROM judged
WHERE history = 4                                                 -- 4 weeks of history exist
	AND n >= 2 * baseline                                           -- at least twice the baseline
	AND n >= 5                                                      -- and at least 5
	AND week >= $from_day::DATE AND week < $to_day::DATE            -- weeks starting in the period
ORDER BY week, category;
