-- A review's escalation events (at any time) on its saved tickets, by trigger and by kind;
-- an empty trigger or kind is 'unknown', as in queries/escalation_mix.sql.
SELECT dimension, key, count(*)::INTEGER AS events
FROM (
	SELECT 'trigger' AS dimension, coalesce(c.trigger, 'unknown') AS key FROM tier_changes c
	WHERE c.type = 'escalated' AND c.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id)
	UNION ALL
	SELECT 'kind', coalesce(c.kind, 'unknown') FROM tier_changes c
	WHERE c.type = 'escalated' AND c.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id)
)
GROUP BY ALL
ORDER BY dimension, events DESC, key;
