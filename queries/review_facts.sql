-- A review's summary and impact, over exactly the tickets saved with it (review_tickets), so
-- the numbers are reproducible after later imports: tickets, customers and VIPs affected,
-- escalation events, SLA breaches (tier segments judged as missed, for response or
-- resolution, by queries/sla_judged.sql), CSAT, and the median end-to-end resolution time
-- against the normal for the same categories: tickets created in the 8 weeks before the
-- review's period, the review's own tickets left out. Needs ticket_scope.sql, sla_judged.sql
-- and the sla_targets table loaded.
WITH mine AS (
	SELECT f.* FROM ticket_facts f
	WHERE f.ticket_id IN (SELECT ticket_id FROM review_tickets WHERE review_id = $review_id)
),
raw AS (                                                          -- customer ids live on the raw rows
	SELECT t.ticket_id, t.customer_id FROM tickets t WHERE t.ticket_id IN (SELECT ticket_id FROM mine)
),
esc AS (
	SELECT count(*) AS escalations FROM tier_changes c
	WHERE c.type = 'escalated' AND c.ticket_id IN (SELECT ticket_id FROM mine)   -- at any time
),
breaches AS (
	SELECT count(*) FILTER (WHERE j.response_met = false) AS response_missed,
		count(*) FILTER (WHERE j.resolution_met = false) AS resolution_missed,
		count(DISTINCT j.ticket_id) FILTER (WHERE j.response_met = false OR j.resolution_met = false) AS tickets_breached
	FROM sla_judged('1970-01-01'::TIMESTAMPTZ, '9999-01-01'::TIMESTAMPTZ, NULL, NULL, NULL, NULL, NULL, NULL) j
	WHERE j.ticket_id IN (SELECT ticket_id FROM mine)
),
normal AS (                                                       -- the same categories, the 8 weeks before
	SELECT median(f.resolution_seconds) / 3600 AS median_hours, count(*) AS tickets
	FROM ticket_facts f
	WHERE f.category IN (SELECT DISTINCT category FROM mine)
		AND f.created_at >= $from::TIMESTAMPTZ - INTERVAL 56 DAY AND f.created_at < $from::TIMESTAMPTZ
		AND f.resolved_at IS NOT NULL
		AND f.ticket_id NOT IN (SELECT ticket_id FROM mine)
)
SELECT
	(SELECT count(*) FROM mine)::INTEGER AS tickets,
	(SELECT count(DISTINCT customer_id) FROM raw)::INTEGER AS customers,         -- tickets without a customer id are not counted
	(SELECT count(*) FROM mine WHERE vip)::INTEGER AS vip_tickets,
	(SELECT count(*) FROM mine WHERE escalated)::INTEGER AS escalated_tickets,
	(SELECT escalations FROM esc)::INTEGER AS escalations,
	(SELECT count(*) FROM mine WHERE reopened)::INTEGER AS reopened_tickets,
	(SELECT count(*) FROM mine WHERE resolved_at IS NOT NULL)::INTEGER AS resolved_tickets,
	(SELECT response_missed FROM breaches)::INTEGER AS sla_response_missed,
	(SELECT resolution_missed FROM breaches)::INTEGER AS sla_resolution_missed,
	(SELECT tickets_breached FROM breaches)::INTEGER AS sla_breached_tickets,
	(SELECT count(*) FROM mine WHERE csat_score IS NOT NULL)::INTEGER AS csat_rated,
	(SELECT count(*) FROM mine WHERE csat_score >= 4)::INTEGER AS csat_satisfied,     -- 4 or 5 is satisfied
	(SELECT avg(csat_score) FROM mine) AS csat_mean,
	(SELECT median(resolution_seconds) / 3600 FROM mine WHERE resolved_at IS NOT NULL) AS median_resolution_hours,
	(SELECT median_hours FROM normal) AS normal_resolution_hours,
	(SELECT tickets FROM normal)::INTEGER AS normal_tickets,
	(SELECT list(DISTINCT category ORDER BY category) FROM mine) AS categories,
	(SELECT min(created_at) FROM mine) AS first_created,
	(SELECT max(coalesce(resolved_at, created_at)) FROM mine) AS last_activity;
