-- SLA compliance by tier and priority (SPEC.md "SLA compliance by tier"): the segments judged in
-- sla_judged.sql (whose header states the rules: response and resolution met, open segments
-- inside the target left out, a segment counted in the period in which it starts), counted per
-- tier and the ticket's priority, plus one row per tier over all priorities (priority NULL),
-- which equals that tier's row of sla_by_tier.sql.
SELECT j.tier, f.priority,
	count(j.response_met)::INTEGER AS response_judged,                       -- NULL (left out) is not counted
	count(*) FILTER (WHERE j.response_met)::INTEGER AS response_met_count,
	response_met_count / nullif(response_judged, 0) AS response_met_rate,    -- 0/0 is NULL
	count(j.resolution_met)::INTEGER AS resolution_judged,
	count(*) FILTER (WHERE j.resolution_met)::INTEGER AS resolution_met_count,
	resolution_met_count / nullif(resolution_judged, 0) AS resolution_met_rate,
	count(*)::INTEGER AS segments
FROM sla_judged($from, $to, $team, $channel, $priority, $category, $vip, $tier) j
JOIN ticket_facts f USING (ticket_id)                                        -- for the ticket's priority
GROUP BY GROUPING SETS ((j.tier, f.priority), (j.tier))
ORDER BY j.tier, f.priority NULLS LAST;
