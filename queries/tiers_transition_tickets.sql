-- The tier changes behind one cell of the transition matrix (tiers_transitions.sql, whose
-- conditions these restate): the $type events (escalated or de_escalated) from $from_tier to
-- $to_tier whose event time is in the period, for the tickets the filters keep. `total` equals
-- the cell's events. Oldest first, at most $limit.
SELECT c.ticket_id, c.occurred_at, c.bounced, c.kind, c.trigger,
	f.category, f.priority, f.tier_path, f.resolved_at,
	count(*) OVER ()::INTEGER AS total                              -- all matching events, for the count
FROM tier_changes c
JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)   -- the ticket's filters
WHERE c.occurred_at >= $from                                      -- the event time is in the period [from, to)
	AND c.occurred_at < $to
	AND c.type = $type                                              -- the cell: escalated or de_escalated,
	AND c.from_tier = $from_tier                                    -- from the tier the ticket really left
	AND c.to_tier = $to_tier                                        -- to this tier
ORDER BY c.occurred_at, c.ticket_id
LIMIT $limit;
