-- SLA judgement per tier segment (SPEC.md), in calendar or business hours. Per segment:
-- * response met if a `responded` event falls inside the segment within the tier's response
--   target from the segment start (inclusive); for the first segment of a ticket with no
--   responded events at all, tickets.first_response_at stands in. A closed segment without a
--   response inside it is a miss.
-- * resolution met if the segment ends (the ticket is resolved in it, or handed to another
--   tier) within the tier's resolution target: each tier's clock runs while it holds the ticket.
-- * "Still open" (the last segment of an unresolved ticket) is judged against the data's
--   as-of time: open and inside the target, left out; open and past it, a miss.
-- * Business hours, when configured: elapsed business time <= target (not a "due instant").
-- A segment belongs to the period in which it starts. A segment handed on at the instant it
-- opened (a ticket routed straight to a higher tier on creation) is not judged: its tier never
-- held the ticket. Targets come from sla_targets
-- (handoff.config.json, per tier and priority); tiers without a target are left out.
-- The clocks (response_seconds, stop_seconds, open_seconds, in calendar or business seconds)
-- are measured once in ticket_facts.sql.
-- sla_judged() returns one row per judged or left-out segment: response_met and resolution_met
-- are true (met), false (miss) or NULL (still open and inside the target: left out).
-- queries/sla_by_tier.sql counts them; the drill-down (sla_segments.sql) lists them.
CREATE OR REPLACE TEMP MACRO sla_judged(p_from, p_to, p_team, p_channel, p_priority, p_category, p_vip, p_tier) AS TABLE
WITH seg AS (
	SELECT x.ticket_id, x.segment_no, x.start_at, x.start_week AS week,   -- ISO week in HANDOFF_TZ
		x.tier, x.response_seconds, x.stop_seconds, x.open_seconds,
		g.response_hours * 3600 AS response_target, g.resolution_hours * 3600 AS resolution_target
	FROM scoped('segment_sla', p_team, p_channel, p_priority, p_category, p_vip, p_tier) x   -- the ticket's filters
	JOIN sla_targets g ON g.tier = x.tier AND g.priority = x.priority          -- the tier's target for this priority
	WHERE x.start_at >= p_from AND x.start_at < p_to                          -- counted where the segment starts
		AND NOT x.instant                                                       -- a segment that lasted no time is not judged
),
judged AS (
	SELECT ticket_id, segment_no, start_at, week, tier,
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
SELECT * FROM judged;
