-- Escalation rate (SPEC.md): of the tickets whose created_at is in the period, the share that
-- are escalated (events at any time count). escalated = at least one `escalated` event.
-- One row per week when $weekly (ISO weeks in HANDOFF_TZ), else one row for the period.
SELECT
	CASE WHEN $weekly THEN created_week END AS week,            -- ISO week in HANDOFF_TZ
	count(*)::INTEGER AS tickets_created,
	count(*) FILTER (WHERE escalated)::INTEGER AS escalated_tickets,
	escalated_tickets / nullif(tickets_created, 0) AS escalation_rate   -- 0/0 is NULL
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE created_at >= $from                                         -- created in the period [from, to)
	AND created_at < $to
GROUP BY ALL
ORDER BY week;
