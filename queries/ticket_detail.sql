-- One or more tickets as they were exported, with their derived facts (ticket_facts.sql): the
-- header of the ticket detail page, and the subjects of a page of drill-down tickets (the
-- drill-down rows come from kpi_tickets.sql, which does not carry them).
-- $ids is a JSON array of ticket ids, bound as one parameter.
SELECT f.ticket_id, t.subject, t.description, t.status, t.customer_id,
	t.extra,                                                         -- unknown columns as JSON text (a CSAT comment, if the export has one)
	f.created_at, f.first_response_at, f.resolved_at, f.priority, f.channel, f.category, f.team, f.assignee,
	f.vip, f.csat_score, f.escalated, f.reopened, f.handoffs, f.tier_changes, f.ping_pong,
	f.resolving_tier, f.tier_path,
	f.resolution_seconds / 3600 AS resolution_hours,                -- end-to-end; NULL while unresolved
	f.tier_resolution_seconds / 3600 AS tier_resolution_hours,      -- from the start of the resolving tier segment
	a.as_of                                                          -- the data's as-of time (open SLA clocks run to it)
FROM ticket_facts f
JOIN tickets t USING (ticket_id)
CROSS JOIN data_as_of a
WHERE f.ticket_id IN (SELECT unnest(json_transform($ids::JSON, '["VARCHAR"]')));   -- the tickets asked for
