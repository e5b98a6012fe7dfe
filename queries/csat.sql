-- CSAT on escalated tickets (SPEC.md): among tickets resolved in the period that have a
-- csat_score: the share with score >= 4 ("satisfied"), the mean score and the rated count,
-- for escalated vs not escalated tickets. The CSAT of an unresolved ticket is ignored.
SELECT
	CASE WHEN $weekly THEN resolved_week END AS week,           -- ISO week in HANDOFF_TZ
	escalated,
	count(*)::INTEGER AS rated,
	count(*) FILTER (WHERE csat_score >= 4) / count(*) AS satisfied_rate,
	avg(csat_score) AS mean
FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier)
WHERE resolved_at >= $from                                        -- resolved in the period [from, to)
	AND resolved_at < $to
	AND csat_score IS NOT NULL                                      -- rated tickets only
GROUP BY ALL
ORDER BY week, escalated;
