-- Tier transition matrix (SPEC.md "escalation mix", from->to tier): tier changes (escalated and
-- de_escalated events) whose event time is in the period, by the tier the ticket really left
-- and the tier it went to. The conditions are those of escalation_mix.sql's transition rows, so
-- the counts equal /api/escalations' mix.transitions. `bounced` counts escalations whose next
-- tier change is a de_escalated back to the tier they left (see tier_changes in ticket_facts.sql);
-- `bounced_share` is bounced / events (a de-escalation never bounces: 0).
WITH changes AS (
	SELECT c.*
	FROM tier_changes c
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)   -- the ticket's filters
	WHERE c.occurred_at >= $from                                    -- the event time is in the period [from, to)
		AND c.occurred_at < $to
)
SELECT type, from_tier, to_tier,
	count(*)::INTEGER AS events,
	count(*) FILTER (WHERE bounced)::INTEGER AS bounced,
	count(*) FILTER (WHERE bounced) / count(*) AS bounced_share,
	count(DISTINCT ticket_id)::INTEGER AS tickets
FROM changes
GROUP BY ALL
ORDER BY from_tier, to_tier, type;
