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
	ELSE false
END
	AND ($resolving_tier IS NULL OR resolving_tier = $resolving_tier)   -- one tier's row of the MTTR tables
	AND ($escalated IS NULL OR escalated = $escalated)                  -- one half of the CSAT card
ORDER BY coalesce(resolved_at, created_at), ticket_id
LIMIT $limit OFFSET $offset;
