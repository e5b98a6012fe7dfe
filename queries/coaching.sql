-- Per team or per agent ($by = 'team' or 'assignee', the agent who resolved the ticket; any
-- other value gives the whole desk as one row), for
-- coaching: volumes with the rates they produce, beside the whole desk's, never a ranking.
-- Escalation rate over the tickets created in the period; FCR, reopen rate and the median
-- end-to-end resolution time over the tickets resolved in it (the KPI definitions).
WITH scope AS (
	SELECT *, coalesce(CASE $by WHEN 'team' THEN team WHEN 'assignee' THEN assignee ELSE '(desk)' END, '(none)') AS who
	FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
),
created AS (
	SELECT who, count(*) AS created, count(*) FILTER (WHERE escalated) AS escalated
	FROM scope WHERE created_at >= $from AND created_at < $to        -- created in the period
	GROUP BY who
),
resolved AS (
	SELECT who, count(*) AS resolved,
		count(*) FILTER (WHERE handoffs = 0 AND NOT reopened) AS fcr,
		count(*) FILTER (WHERE reopened) AS reopened,
		median(resolution_seconds) / 3600 AS median_resolution_hours
	FROM scope WHERE resolved_at >= $from AND resolved_at < $to      -- resolved in the period
	GROUP BY who
)
SELECT coalesce(c.who, r.who) AS name,
	coalesce(c.created, 0)::INTEGER AS created,
	coalesce(c.escalated, 0)::INTEGER AS escalated,
	c.escalated / nullif(c.created, 0) AS escalation_rate,
	coalesce(r.resolved, 0)::INTEGER AS resolved,
	r.fcr / nullif(r.resolved, 0) AS fcr_rate,
	r.reopened / nullif(r.resolved, 0) AS reopen_rate,
	r.median_resolution_hours
FROM created c FULL JOIN resolved r USING (who)
ORDER BY name;                                                    -- alphabetical: a list, not a leaderboard
