-- Reopen rate (SPEC.md): tickets resolved in the period that have any `reopened` event /
-- tickets resolved in the period. A ticket reopened after its last resolution is unresolved,
-- so it is not counted here until it is resolved again.
SELECT
	CASE WHEN $weekly THEN resolved_week END AS week,           -- ISO week in HANDOFF_TZ
	count(*)::INTEGER AS tickets_resolved,
	count(*) FILTER (WHERE reopened)::INTEGER AS reopened_tickets,
	reopened_tickets / nullif(tickets_resolved, 0) AS reopen_rate     -- 0/0 is NULL
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to)
	AND resolved_at < $to
GROUP BY ALL
ORDER BY week;
