-- A review's timeline, built from the data: each saved ticket's creation and every event on
-- it (responded, escalated with trigger and kind, de_escalated, reassigned, sla_breached,
-- resolved, reopened, ...), oldest first; ties keep the file order. The reviewers' own
-- moments (detection, diagnosis, repair, key decision) are merged in by server/reviews.ts.
SELECT * FROM (
	SELECT f.ticket_id, f.created_at AS occurred_at, 'created' AS type, NULL::TINYINT AS from_tier, NULL::TINYINT AS to_tier,
		NULL AS kind, NULL AS trigger, NULL AS actor, NULL AS team, NULL AS note, 0 AS import_id, 0 AS line
	FROM ticket_facts f
	WHERE f.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id)
	UNION ALL
	SELECT e.ticket_id, e.occurred_at, e.type, e.from_tier, e.to_tier, e.kind, e.trigger, e.actor, e.team, e.note, e.import_id, e.line
	FROM events e
	WHERE e.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id)
		AND e.type <> 'created'                                       -- the ticket row gives the creation
)
ORDER BY occurred_at, import_id, line, ticket_id
LIMIT $limit;
