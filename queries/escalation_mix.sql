-- Escalation mix (SPEC.md): escalations (events) in the period by the ticket's category, by
-- trigger, by kind (functional or hierarchical; empty = unknown), and the from->to tier
-- transition matrix (which also counts de_escalated changes, so a bounce shows as 2->1).
-- `bounced` counts escalations whose next tier change is a de_escalated back to the tier
-- they left. from_tier is the tier the ticket was really in (see tier_changes).
WITH changes AS (
	SELECT c.*, f.category
	FROM tier_changes c
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)
	WHERE c.occurred_at >= $from                                    -- the event time is in the period [from, to)
		AND c.occurred_at < $to
)
SELECT 'category' AS dimension, category AS key, NULL::TINYINT AS from_tier, NULL::TINYINT AS to_tier,
	count(*)::INTEGER AS events, count(*) FILTER (WHERE bounced)::INTEGER AS bounced
FROM changes WHERE type = 'escalated' GROUP BY category
UNION ALL
SELECT 'trigger', coalesce(trigger, 'unknown'), NULL, NULL, count(*)::INTEGER, count(*) FILTER (WHERE bounced)::INTEGER
FROM changes WHERE type = 'escalated' GROUP BY ALL
UNION ALL
SELECT 'kind', coalesce(kind, 'unknown'), NULL, NULL, count(*)::INTEGER, count(*) FILTER (WHERE bounced)::INTEGER
FROM changes WHERE type = 'escalated' GROUP BY ALL
UNION ALL
SELECT 'transition', type, from_tier, to_tier, count(*)::INTEGER, count(*) FILTER (WHERE bounced)::INTEGER
FROM changes GROUP BY ALL                                         -- escalated and de_escalated
ORDER BY dimension, events DESC, key, from_tier, to_tier;
