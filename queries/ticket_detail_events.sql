-- The lifecycle events of one ticket ($id), in the order the facts use (time, ties in file
-- order), each with the tier lane it happened in: the tier holding the ticket at that moment
-- (segments are half-open [start, next change), so a tier change sits in the tier it opens).
-- Tier changes carry the tier they really left and whether they bounced, from tier_changes
-- (ticket_facts.sql), which numbers them in the same order.
WITH ev AS (
	SELECT e.*,
		row_number() OVER (ORDER BY e.occurred_at, e.import_id, e.line)::INTEGER AS n,
		CASE WHEN e.type IN ('escalated', 'de_escalated')             -- numbered like tier_changes.seq
			THEN row_number() OVER (PARTITION BY e.type IN ('escalated', 'de_escalated') ORDER BY e.occurred_at, e.import_id, e.line)
		END AS change_seq
	FROM events e
	WHERE e.ticket_id = $id                                          -- this ticket only
),
segments AS (
	SELECT start_at, tier FROM tier_segments WHERE ticket_id = $id
)
SELECT ev.n, ev.occurred_at, ev.type,
	c.from_tier,                                                     -- the tier it really left (to_tier wins over a wrong from_tier)
	ev.to_tier, ev.kind, ev.trigger,
	coalesce(c.bounced, false) AS bounced,                           -- escalated, then de-escalated straight back
	ev.actor, ev.team, ev.note,
	coalesce(s.tier, 1)::INTEGER AS tier                             -- before created_at (allowed with a warning): tier 1
FROM ev
LEFT JOIN tier_changes c ON c.ticket_id = $id AND c.seq = ev.change_seq
ASOF LEFT JOIN segments s ON ev.occurred_at >= s.start_at              -- the last segment started by then
ORDER BY ev.n;
