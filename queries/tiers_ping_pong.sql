-- Ping-pong tickets (SPEC.md: a tier path with at least 3 tier changes that revisits a tier,
-- e.g. 1->2->1->2; 1->2->1 is a bounce, not ping-pong; ping_pong in ticket_facts.sql), for
-- the tickets created in the period: the population of handoffs.sql, so `total` equals its
-- ping_pong_tickets. Oldest first, at most $limit.
SELECT ticket_id, created_at, resolved_at, tier_path, tier_changes, handoffs,
	count(*) OVER ()::INTEGER AS total
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE created_at >= $from AND created_at < $to                   -- created in the period [from, to)
	AND ping_pong                                                   -- >= 3 tier changes, a tier revisited
ORDER BY created_at, ticket_id
LIMIT $limit;
