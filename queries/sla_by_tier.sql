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
-- Elapsed time is measured on sla_calendar: the intervals in which the clock runs, each with
-- the clock time before it (cum_before). Calendar hours are one interval that never closes;
-- a business calendar has one per working day (its hours in its time zone, DST included,
-- holidays left out). clock(t) = cum_before + the part of t's interval already past; an
-- elapsed time is clock(end) - clock(start). Clock points are found in ticket_facts.sql.
WITH seg AS (
	SELECT CASE WHEN $weekly THEN x.start_week END AS week,             -- ISO week in HANDOFF_TZ
		x.tier, x.start_at, x.response_at, x.stop_at, (SELECT as_of FROM data_as_of) AS as_of,
		g.response_hours * 3600 AS response_target, g.resolution_hours * 3600 AS resolution_target
	FROM segment_sla x
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)
	JOIN sla_targets g ON g.tier = x.tier AND g.priority = f.priority          -- the tier's target for this priority
	WHERE x.start_at >= $from AND x.start_at < $to                          -- counted where the segment starts
),
clocked AS (
	SELECT seg.*,
		sla_clock(start_at, c0.open_at, c0.seconds, c0.cum_before) AS clock_start,
		sla_clock(response_at, c1.open_at, c1.seconds, c1.cum_before) AS clock_response,
		sla_clock(stop_at, c2.open_at, c2.seconds, c2.cum_before) AS clock_stop,
		sla_clock(as_of, c3.open_at, c3.seconds, c3.cum_before) AS clock_as_of
	FROM seg
	ASOF LEFT JOIN sla_calendar c0 ON seg.start_at >= c0.open_at              -- the last interval opened by then
	ASOF LEFT JOIN sla_calendar c1 ON seg.response_at >= c1.open_at
	ASOF LEFT JOIN sla_calendar c2 ON seg.stop_at >= c2.open_at
	ASOF LEFT JOIN sla_calendar c3 ON seg.as_of >= c3.open_at
),
measured AS (
	SELECT week, tier, response_target, resolution_target,
		clock_response - clock_start AS response_seconds,                       -- NULL: no response inside
		clock_stop - clock_start AS stop_seconds,                               -- NULL: still open
		clock_as_of - clock_start AS open_seconds
	FROM clocked
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
	FROM measured
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
