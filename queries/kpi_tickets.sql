-- Drill-down: the exact tickets a KPI counts, in its numerator or its denominator, with the
-- same period and filters. Each branch restates the condition of queries/<kpi>.sql; a test
-- checks that the counts here equal the KPI's own numbers.
SELECT ticket_id, created_at, resolved_at, priority, channel, category, team, assignee, vip,
	csat_score, escalated, reopened, handoffs, resolving_tier, tier_path,
	count(*) OVER ()::INTEGER AS total                            -- all matching rows, for paging
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE CASE $kpi
	WHEN 'escalation_rate' THEN created_at >= $from AND created_at < $to      -- created in the period
		AND ($part = 'denominator' OR escalated)                                -- numerator: escalated
	WHEN 'fcr' THEN resolved_at >= $from AND resolved_at < $to                -- resolved in the period
		AND ($part = 'denominator' OR (handoffs = 0 AND NOT reopened))          -- numerator: no handoff, never reopened
	WHEN 'reopen_rate' THEN resolved_at >= $from AND resolved_at < $to
		AND ($part = 'denominator' OR reopened)                                 -- numerator: reopened at any time
	WHEN 'mttr_by_tier' THEN resolved_at >= $from AND resolved_at < $to       -- the tickets the statistics are over
		AND resolving_tier IS NOT NULL
	WHEN 'resolution_time_by_tier' THEN resolved_at >= $from AND resolved_at < $to
		AND resolving_tier IS NOT NULL
	WHEN 'csat' THEN resolved_at >= $from AND resolved_at < $to
		AND csat_score IS NOT NULL                                              -- rated tickets
		AND ($part = 'denominator' OR csat_score >= 4)                          -- numerator: satisfied
	-- Not KPIs, but counts the dashboard shows; numerator and denominator list the same tickets.
	WHEN 'escalation_events' THEN ticket_id IN (                              -- the escalation mix, trends and spikes:
		SELECT c.ticket_id FROM tier_changes c                                  -- an escalated event that occurred in the period
		WHERE c.type = 'escalated' AND c.occurred_at >= $from AND c.occurred_at < $to)
	WHEN 'bounced' THEN created_at >= $from AND created_at < $to              -- queries/handoffs.sql: created in the period,
		AND ticket_id IN (SELECT c.ticket_id FROM tier_changes c WHERE c.bounced) -- with a bounced escalation at any time
	WHEN 'ping_pong' THEN created_at >= $from AND created_at < $to            -- queries/handoffs.sql: created in the period,
		AND ping_pong                                                           -- tier path revisits a tier after 3+ changes
	ELSE false
END
	AND ($resolving_tier IS NULL OR resolving_tier = $resolving_tier)   -- one tier's row of the MTTR tables
	AND ($escalated IS NULL OR escalated = $escalated)                  -- one half of the CSAT card
ORDER BY coalesce(resolved_at, created_at), ticket_id
LIMIT $limit OFFSET $offset;
