-- Derived facts per ticket, materialized inside every import's transaction (and after demo
-- data is cleared) so each KPI query reads one row per ticket instead of replaying events.
-- Definitions (SPEC.md, "Derived per ticket"):
-- * tier path: the ticket starts at tier 1 at created_at; each escalated or de_escalated event,
--   in time order (ties: file order), closes the current tier segment and opens one at to_tier.
--   Segments are half-open [start, next tier change).
-- * handoffs = escalated + de_escalated + reassigned events; escalated = at least one
--   escalated event; reopened = at least one reopened event (all at any time).
-- * resolution time: the last resolved event that no later reopened event follows; a ticket
--   with no resolved events uses tickets.resolved_at unless a later reopened event follows it.
--   A reopened event must be strictly later than a resolution to undo it.
-- * resolving tier: the tier of the segment in which the resolution time falls.
-- The ISO week columns are local to HANDOFF_TZ (read from facts_settings, which the caller
-- fills with a bound parameter), and the SLA clocks run on the configured calendar
-- (sla_calendar); a change of either rebuilds the facts.

-- Every tier change in order, with the tier it really left (the previous change's to_tier, or
-- tier 1: from_tier as written may disagree, and to_tier wins) and the change after it.
CREATE OR REPLACE TABLE tier_changes AS
WITH c AS (
	SELECT ticket_id, occurred_at, type, to_tier, kind, trigger,
		row_number() OVER (PARTITION BY ticket_id ORDER BY occurred_at, import_id, line) AS seq
	FROM events
	WHERE type IN ('escalated', 'de_escalated')              -- only these move a ticket between tiers
)
SELECT c.ticket_id, c.seq, c.occurred_at, c.type, c.kind, c.trigger,
	coalesce(lag(c.to_tier) OVER w, 1)::TINYINT AS from_tier,    -- every ticket starts at tier 1
	c.to_tier,
	-- Bounced escalation: the next tier change is a de_escalated back to the tier it left.
	coalesce(c.type = 'escalated' AND lead(c.type) OVER w = 'de_escalated'
		AND lead(c.to_tier) OVER w = coalesce(lag(c.to_tier) OVER w, 1), false) AS bounced,
	date_trunc('week', c.occurred_at AT TIME ZONE z.tz)::DATE AS week   -- local ISO week
FROM c CROSS JOIN facts_settings z
WINDOW w AS (PARTITION BY c.ticket_id ORDER BY c.seq);

CREATE OR REPLACE TABLE tier_segments AS
WITH starts AS (
	SELECT ticket_id, created_at AS start_at, 1 AS tier, 0 AS seq FROM tickets
	UNION ALL
	SELECT ticket_id, occurred_at, to_tier, seq FROM tier_changes
)
SELECT ticket_id, seq AS segment_no, tier::TINYINT AS tier, start_at,
	lead(start_at) OVER (PARTITION BY ticket_id ORDER BY seq) AS end_at   -- NULL: the segment is still open
FROM starts;

-- For SLA response: the first `responded` event at or after each segment's start. For the
-- first segment of a ticket with no responded events at all, tickets.first_response_at
-- stands in. Whether it falls inside the segment is the SLA query's business.
CREATE OR REPLACE TABLE segment_responses AS
WITH responses AS (
	SELECT ticket_id, occurred_at FROM events WHERE type = 'responded'
),
first_after_start AS (
	SELECT s.ticket_id, s.segment_no, min(r.occurred_at) AS responded_at
	FROM tier_segments s
	JOIN responses r ON r.ticket_id = s.ticket_id AND r.occurred_at >= s.start_at   -- at or after the segment start
	GROUP BY ALL
),
stand_in AS (
	SELECT t.ticket_id, t.first_response_at
	FROM tickets t ANTI JOIN responses r USING (ticket_id)                           -- no responded events at all
	WHERE t.first_response_at IS NOT NULL
)
SELECT s.ticket_id, s.segment_no,
	coalesce(a.responded_at,
		CASE WHEN s.segment_no = 0 AND i.first_response_at >= s.start_at THEN i.first_response_at END  -- first segment only
	) AS responded_at
FROM tier_segments s
LEFT JOIN first_after_start a USING (ticket_id, segment_no)
LEFT JOIN stand_in i USING (ticket_id);

-- The data's as-of time: the latest timestamp anywhere in it (the export's snapshot). Open
-- SLA clocks are judged against it, which keeps results reproducible.
CREATE OR REPLACE TABLE data_as_of AS
SELECT greatest(
	(SELECT max(greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at))) FROM tickets),
	(SELECT max(occurred_at) FROM events)
) AS as_of;

CREATE OR REPLACE TABLE ticket_facts AS
WITH ev AS (
	SELECT ticket_id,
		count(*) FILTER (WHERE type IN ('escalated', 'de_escalated', 'reassigned')) AS handoffs,
		count(*) FILTER (WHERE type = 'escalated') AS escalations,
		count(*) FILTER (WHERE type IN ('escalated', 'de_escalated')) AS tier_changes,
		count(*) FILTER (WHERE type = 'reopened') AS reopens,
		max(occurred_at) FILTER (WHERE type = 'resolved') AS last_resolved,
		max(occurred_at) FILTER (WHERE type = 'reopened') AS last_reopened
	FROM events
	GROUP BY ticket_id
),
resolved AS (
	SELECT t.ticket_id,
		CASE
			WHEN ev.last_resolved IS NOT NULL                  -- resolved events win over tickets.resolved_at
				THEN CASE WHEN ev.last_reopened > ev.last_resolved THEN NULL ELSE ev.last_resolved END
			ELSE CASE WHEN ev.last_reopened > t.resolved_at THEN NULL ELSE t.resolved_at END
		END AS resolved_at
	FROM tickets t LEFT JOIN ev USING (ticket_id)
),
paths AS (
	SELECT ticket_id, list(tier ORDER BY segment_no) AS tier_path,
		bit_or(1::SMALLINT << (tier - 1)) AS tiers_reached        -- bit n-1 set: the ticket reached tier n (tiers 1-9)
	FROM tier_segments GROUP BY ticket_id
)
SELECT t.ticket_id, t.created_at, r.resolved_at, t.first_response_at,
	t.priority, t.channel, t.category, t.team, t.assignee, t.vip, t.customer_id, t.csat_score,
	coalesce(ev.handoffs, 0)::INTEGER AS handoffs,
	coalesce(ev.escalations, 0) > 0 AS escalated,
	coalesce(ev.reopens, 0) > 0 AS reopened,
	coalesce(ev.tier_changes, 0)::INTEGER AS tier_changes,
	p.tier_path,
	p.tiers_reached,
	-- Ping-pong: at least 3 tier changes and a tier visited twice (1->2->1 is a bounce, not ping-pong).
	coalesce(ev.tier_changes, 0) >= 3 AND len(list_distinct(p.tier_path)) < len(p.tier_path) AS ping_pong,
	s.tier AS resolving_tier,                                  -- NULL while unresolved
	s.segment_no AS resolving_segment_no,
	s.start_at AS resolving_segment_start,
	(epoch(r.resolved_at) - epoch(s.start_at)) AS tier_resolution_seconds,   -- what MTTR by tier averages
	(epoch(r.resolved_at) - epoch(t.created_at)) AS resolution_seconds,       -- end-to-end resolution time
	date_trunc('week', t.created_at AT TIME ZONE z.tz)::DATE AS created_week,   -- local Monday of the ISO week
	date_trunc('week', r.resolved_at AT TIME ZONE z.tz)::DATE AS resolved_week
FROM tickets t
CROSS JOIN facts_settings z
JOIN resolved r USING (ticket_id)
LEFT JOIN ev USING (ticket_id)
LEFT JOIN paths p USING (ticket_id)
LEFT JOIN (
	-- The segment the resolution falls in: the last one starting at or before it. Segments are
	-- half-open [start, end), so a resolution exactly at a tier change belongs to the new tier.
	SELECT s.ticket_id, max(s.segment_no) AS segment_no, arg_max(s.tier, s.segment_no) AS tier,
		arg_max(s.start_at, s.segment_no) AS start_at
	FROM tier_segments s JOIN resolved r USING (ticket_id)
	WHERE s.start_at <= r.resolved_at
	GROUP BY s.ticket_id
) s USING (ticket_id);

-- SLA clocks per tier segment, measured once here on the configured calendar (sla_calendar,
-- see sla_calendar.sql: calendar hours, or business hours); queries/sla_by_tier.sql judges
-- them against the targets. Each tier's clock runs while it holds the ticket: it stops at the
-- ticket's resolution in the segment, or when the segment hands the ticket on. An elapsed
-- time is clock(end) - clock(start); the as-of time judges segments still open.
CREATE OR REPLACE TABLE segment_sla AS
WITH points AS (                                                    -- narrow, so the ASOF joins move little
	SELECT s.ticket_id, s.segment_no, s.start_at,
		CASE WHEN r.responded_at < coalesce(s.end_at, 'infinity'::TIMESTAMPTZ)     -- a response inside the segment
			THEN r.responded_at END AS response_at,
		CASE WHEN s.segment_no = f.resolving_segment_no THEN f.resolved_at          -- resolved in it
			ELSE s.end_at                                                            -- handed on
		END AS stop_at,                                                             -- NULL: still open
		a.as_of
	FROM tier_segments s
	JOIN segment_responses r USING (ticket_id, segment_no)
	JOIN ticket_facts f USING (ticket_id)
	CROSS JOIN data_as_of a
),
clocked AS (
	SELECT p.ticket_id, p.segment_no,
		sla_clock(p.start_at, c0.open_at, c0.seconds, c0.cum_before) AS clock_start,
		sla_clock(p.response_at, c1.open_at, c1.seconds, c1.cum_before) AS clock_response,
		sla_clock(p.stop_at, c2.open_at, c2.seconds, c2.cum_before) AS clock_stop,
		sla_clock(p.as_of, c3.open_at, c3.seconds, c3.cum_before) AS clock_as_of
	FROM points p
	ASOF LEFT JOIN sla_calendar c0 ON p.start_at >= c0.open_at              -- the last interval opened by then
	ASOF LEFT JOIN sla_calendar c1 ON p.response_at >= c1.open_at
	ASOF LEFT JOIN sla_calendar c2 ON p.stop_at >= c2.open_at
	ASOF LEFT JOIN sla_calendar c3 ON p.as_of >= c3.open_at
)
SELECT s.ticket_id, s.segment_no, s.tier, s.start_at,
	date_trunc('week', s.start_at AT TIME ZONE z.tz)::DATE AS start_week,   -- local ISO week the segment starts in
	f.priority, f.team, f.channel, f.category, f.vip, f.tiers_reached,      -- the ticket's filter columns
	c.clock_response - c.clock_start AS response_seconds,                   -- NULL: no response inside
	c.clock_stop - c.clock_start AS stop_seconds,                           -- NULL: still open
	c.clock_as_of - c.clock_start AS open_seconds,                          -- how long an open segment has run
	s.end_at IS NOT NULL AND s.end_at = s.start_at AS instant                -- handed on the moment it opened
FROM tier_segments s
JOIN clocked c USING (ticket_id, segment_no)
JOIN ticket_facts f USING (ticket_id)
CROSS JOIN facts_settings z;
