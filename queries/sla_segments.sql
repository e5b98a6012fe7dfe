-- Drill-down for SLA compliance: the tier segments sla_by_tier.sql counts, for one measure
-- ($measure: response or resolution) at one tier ($sla_tier). Judged segments are the
-- denominator, met ones the numerator; segments left out (open, inside the target) are in
-- neither. The rules are in sla_judged.sql.
WITH judged AS (
	SELECT j.*, CASE WHEN $measure = 'response' THEN j.response_met ELSE j.resolution_met END AS met
	FROM sla_judged($from, $to, $team, $channel, $priority, $category, $vip, $tier) j
	WHERE j.tier = $sla_tier                                          -- the tier the figure is for
)
SELECT f.ticket_id, f.created_at, f.resolved_at, f.priority, f.channel, f.category, f.team, f.assignee, f.vip,
	f.csat_score, f.escalated, f.reopened, f.handoffs, f.resolving_tier, f.tier_path,
	j.segment_no, j.start_at AS segment_start, j.met,
	count(*) OVER ()::INTEGER AS total                            -- all matching rows, for paging
FROM judged j
JOIN ticket_facts f USING (ticket_id)
WHERE j.met IS NOT NULL                                           -- judged (met or missed)
	AND ($part = 'denominator' OR j.met)                            -- numerator: met
ORDER BY j.start_at, f.ticket_id, j.segment_no
LIMIT $limit OFFSET $offset;
