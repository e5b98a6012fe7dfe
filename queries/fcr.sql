-- First contact resolution (SPEC.md): tickets resolved in the period with 0 handoffs and not
-- reopened / tickets resolved in the period. handoffs = escalated + de_escalated + reassigned
-- events, at any time; the resolution time is the last resolution no later reopen undid.
SELECT
	CASE WHEN $weekly THEN resolved_week END AS week,           -- ISO week in HANDOFF_TZ
	count(*)::INTEGER AS tickets_resolved,
	count(*) FILTER (WHERE handoffs = 0 AND NOT reopened)::INTEGER AS fcr_tickets,
	fcr_tickets / nullif(tickets_resolved, 0) AS fcr_rate            -- 0/0 is NULL
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to);
	AND resolved_at < $to                                           -- unresolved tickets have no resolved_at
GROUP BY ALL
ORDER BY week;
