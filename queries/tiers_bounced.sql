-- Bounced escalations (SPEC.md: an escalation whose next tier change is a de_escalated back to
-- the tier it left), for the tickets created in the period: the population of handoffs.sql, so
-- `total` equals its bounced_escalations and `tickets` its bounced_tickets. The escalations may
-- happen at any time. One row per bounced escalation, oldest first, at most $limit.
WITH created AS (
	SELECT ticket_id FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
	WHERE created_at >= $from AND created_at < $to                 -- created in the period [from, to)
),
bounces AS (
	SELECT c.ticket_id, c.occurred_at AS escalated_at, c.from_tier, c.to_tier,
		n.occurred_at AS back_at                                     -- the de-escalation back
	FROM tier_changes c
	JOIN tier_changes n ON n.ticket_id = c.ticket_id AND n.seq = c.seq + 1
	WHERE c.bounced                                                 -- next change goes back where it came from
		AND c.ticket_id IN (SELECT ticket_id FROM created)
)
SELECT ticket_id, escalated_at, from_tier, to_tier, back_at,
	(epoch(back_at) - epoch(escalated_at)) / 3600 AS hours_before_back,
	count(*) OVER ()::INTEGER AS total,
	(SELECT count(DISTINCT ticket_id) FROM bounces)::INTEGER AS tickets
FROM bounces
ORDER BY escalated_at, ticket_id
LIMIT $limit;
