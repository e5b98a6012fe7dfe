-- What moved, by category: the escalation-rate numerator and denominator per category, for
-- the period and for the previous period of the same length. The counts are exactly what the
-- escalation-rate drill-down lists with a category filter, so every sentence built from them
-- can be clicked through to the same tickets.
SELECT
	category,
	count(*) FILTER (WHERE created_at >= $from AND created_at < $to)::INTEGER AS created,              -- created in the period
	count(*) FILTER (WHERE created_at >= $from AND created_at < $to AND escalated)::INTEGER AS escalated,
	count(*) FILTER (WHERE created_at >= $prev_from AND created_at < $from)::INTEGER AS created_before, -- created in the previous period
	count(*) FILTER (WHERE created_at >= $prev_from AND created_at < $from AND escalated)::INTEGER AS escalated_before
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE created_at >= $prev_from                                    -- both periods: [prev_from, to)
	AND created_at < $to
GROUP BY category
ORDER BY category;
