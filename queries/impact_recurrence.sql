-- Recurrence after a published review: tickets with an `escalated` event in [$from, $to)
-- (from the start of the day the review was published) that match the review's scope (its
-- filters, and the category of a reviewed spike, bound into ticket_scope), split into the
-- tickets that are not part of the review (new: did it happen again?) and the review's own
-- tickets escalating again. The same tickets as /tickets?kpi=escalation_events&part=numerator
-- with that period and those filters (queries/kpi_tickets.sql).
WITH escalated AS (
	SELECT c.ticket_id, min(c.occurred_at) AS first_escalated_at
	FROM tier_changes c
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)
	WHERE c.type = 'escalated'                                      -- escalations, not de-escalations
		AND c.occurred_at >= $from                                    -- in the period [from, to)
		AND c.occurred_at < $to
	GROUP BY c.ticket_id
),
marked AS (
	SELECT e.*, e.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id) AS in_review
	FROM escalated e
)
SELECT ticket_id, first_escalated_at, in_review,
	count(*) FILTER (WHERE NOT in_review) OVER ()::INTEGER AS new_tickets,
	count(*) FILTER (WHERE in_review) OVER ()::INTEGER AS review_tickets
FROM marked
ORDER BY in_review, first_escalated_at, ticket_id                 -- the new ones first, oldest first
LIMIT $limit;                                                     -- the counts are over every row
