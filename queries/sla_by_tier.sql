-- SLA compliance by tier (SPEC.md), in calendar or business hours. Per tier segment:
-- * response met if a `responded` event falls inside the segment within the tier's response
--   target from the segment start (inclusive); for the first segment of a ticket with no
--   responded events at all, tickets.first_response_at stands in. A closed segment without a
--   response inside it is a miss.
-- * resolution met if the segment ends (the ticket is resolved in it, or handed to another
--   tier) within the tier's resolution target: each tier's clock runs while it holds the ticket.
-- * "Still open" (the last segment of an unresolved ticket) is judged against the data's
--   as-of time: open and inside the target, left out; open and past it, a miss.
-- * Business hours, when configured: elapsed business time <= target (not a "due instant").
-- A segment is counted in the period (or ISO week, when $weekly) in which it starts. Targets come from sla_targets
-- (handoff.config.json, per tier and priority); tiers without a target are left out.
-- The clocks (response_seconds, stop_seconds, open_seconds, in calendar or business seconds)
-- are measured once in ticket_facts.sql.
WITH seg AS (
	SELECT CASE WHEN $weekly THEN x.start_week END AS week,             -- ISO week in HANDOFF_TZ
		x.tier, x.response_seconds, x.stop_seconds, x.open_seconds,
		g.response_hours * 3600 AS response_target, g.resolution_hours * 3600 AS resolution_target
	FROM scoped('segment_sla', $team, $channel, $priority, $category, $vip, $tier) x   -- the ticket's filters
	JOIN sla_targets g ON g.tier = x.tier AND g.priority = x.priority          -- the tier's target for this priority
	WHERE x.start_at >= $from AND x.start_at < $to                          -- counted where the segment starts
),
judged AS (
	SELECT week, tier,
		CASE
			WHEN response_seconds IS NOT NULL THEN response_seconds <= response_target   -- responded inside it
			WHEN stop_seconds IS NOT NULL THEN false                                     -- closed without a response
			WHEN open_seconds > response_target THEN false                               -- open, past the target
			ELSE NULL                                                                    -- open, inside it: left out
		END AS response_met,
		CASE
			WHEN stop_seconds IS NOT NULL THEN stop_seconds <= resolution_target          -- the clock stopped in time
			WHEN open_seconds > resolution_target THEN false
			ELSE NULL
		END AS resolution_met
	FROM seg
)
SELECT week, tier,
	count(response_met)::INTEGER AS response_judged,                         -- NULL (left out) is not counted
	count(*) FILTER (WHERE response_met)::INTEGER AS response_met_count,
	response_met_count / nullif(response_judged, 0) AS response_met_rate,   -- 0/0 is NULL
	count(resolution_met)::INTEGER AS resolution_judged,
	count(*) FILTER (WHERE resolution_met)::INTEGER AS resolution_met_count,
	resolution_met_count / nullif(resolution_judged, 0) AS resolution_met_rate,
	count(*)::INTEGER AS segments
FROM judged
GROUP BY week, tier
ORDER BY week, tier;
