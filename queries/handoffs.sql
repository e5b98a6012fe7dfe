-- Handoffs per ticket (SPEC.md: handoffs = escalated + de_escalated + reassigned events, at
-- any time), bounced escalations and ping-pong tickets, for the tickets created in the period
-- (the escalation rate's population). Ping-pong: a tier path with at least 3 tier changes that
-- revisits a tier (1->2->1->2); 1->2->1 is a bounce, not ping-pong.
WITH created AS (
	SELECT * FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
	WHERE created_at >= $from AND created_at < $to                 -- created in the period [from, to)
),
bounces AS (
	SELECT count(*) AS escalations, count(DISTINCT ticket_id) AS tickets
	FROM tier_changes WHERE bounced AND ticket_id IN (SELECT ticket_id FROM created)
)
SELECT
	count(*)::INTEGER AS tickets,
	avg(handoffs) AS mean_handoffs,
	count(*) FILTER (WHERE handoffs = 0)::INTEGER AS with_0,
	count(*) FILTER (WHERE handoffs = 1)::INTEGER AS with_1,
	count(*) FILTER (WHERE handoffs = 2)::INTEGER AS with_2,
	count(*) FILTER (WHERE handoffs >= 3)::INTEGER AS with_3_or_more,
	count(*) FILTER (WHERE ping_pong)::INTEGER AS ping_pong_tickets,
	(list(ticket_id ORDER BY ticket_id) FILTER (WHERE ping_pong))[1:50] AS ping_pong_ids,
	count(*) FILTER (WHERE escalated)::INTEGER AS escalated_tickets,
	any_value(b.escalations)::INTEGER AS bounced_escalations,
	any_value(b.tickets)::INTEGER AS bounced_tickets
FROM created CROSS JOIN bounces b;
