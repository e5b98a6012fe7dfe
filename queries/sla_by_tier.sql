-- SLA compliance by tier (SPEC.md): counts of the segments judged in queries/sla_judged.sql
-- (whose header states the rules), by tier, for the period or by ISO week when $weekly.
-- A segment is counted in the period (or week) in which it starts.
SELECT CASE WHEN $weekly THEN week END AS week, tier,
	count(response_met)::INTEGER AS response_judged,                         -- NULL (left out) is not counted
	count(*) FILTER (WHERE response_met)::INTEGER AS response_met_count,
	response_met_count / nullif(response_judged, 0) AS response_met_rate,   -- 0/0 is NULL
	count(resolution_met)::INTEGER AS resolution_judged,
	count(*) FILTER (WHERE resolution_met)::INTEGER AS resolution_met_count,
	resolution_met_count / nullif(resolution_judged, 0) AS resolution_met_rate,
	count(*)::INTEGER AS segments
FROM sla_judged($from, $to, $team, $channel, $priority, $category, $vip, $tier)
GROUP BY ALL
ORDER BY ALL;
