-- The derived facts' tables (see ticket_facts.sql, which computes them into temp tables): written
-- by the caller's transaction. In an import, ticket_facts.sql runs before that transaction
-- begins, so its scans read committed tables on every thread (DuckDB scans what a
-- transaction wrote itself on one thread), and only these writes are inside it.

CREATE OR REPLACE TABLE tier_changes AS
SELECT * FROM facts_tier_changes;

CREATE OR REPLACE TABLE ticket_facts AS
SELECT ticket_id, created_at, resolved_at, first_response_at,
	priority, channel, category, team, assignee, vip, customer_id, csat_score,
	handoffs, escalated, reopened, tier_changes, tier_path, tiers_reached, ping_pong,
	resolving_tier, resolving_segment_no, resolving_segment_start,
	tier_resolution_seconds, resolution_seconds, created_week, resolved_week
FROM facts_tickets;

CREATE OR REPLACE TABLE tier_segments AS
SELECT ticket_id, 0::BIGINT AS segment_no, 1::TINYINT AS tier, created_at AS start_at,
	first_change_at AS end_at                                       -- the first change ends segment 0
FROM facts_tickets
UNION ALL
SELECT ticket_id, segment_no, tier, start_at, end_at FROM facts_changes;

-- For SLA response: the first `responded` event at or after each segment's start. For the
-- first segment of a ticket with no responded events at all, tickets.first_response_at
-- stands in. Whether it falls inside the segment is the SLA query's business.
CREATE OR REPLACE TABLE segment_responses AS
SELECT f.ticket_id, 0::BIGINT AS segment_no, CASE WHEN f.early THEN e.responded_at ELSE f.first_responded END AS responded_at
FROM facts_tickets f
LEFT JOIN facts_early e USING (ticket_id)
UNION ALL
SELECT ticket_id, segment_no, responded_at FROM facts_changes;

-- The data's as-of time (see facts_as_of).
CREATE OR REPLACE TABLE data_as_of AS
SELECT * FROM facts_as_of;

-- SLA clocks per tier segment, measured once here on the configured calendar (sla_calendar,
-- see sla_calendar.sql: calendar hours, or business hours); queries/sla_by_tier.sql judges
-- them against the targets. Each tier's clock runs while it holds the ticket: it stops at the
-- ticket's resolution in the segment, or when the segment hands the ticket on. An elapsed
-- time is clock(end) - clock(start); the as-of time judges segments still open.
CREATE OR REPLACE TABLE segment_sla AS
WITH as_of AS (
	SELECT sla_clock(a.as_of, c.open_at, c.seconds, c.cum_before) AS clock_as_of
	FROM facts_as_of a
	ASOF LEFT JOIN sla_calendar c ON a.as_of >= c.open_at                -- the last interval opened by then
),
segments AS (
	SELECT f.ticket_id, 0::BIGINT AS segment_no, 1::TINYINT AS tier, f.created_at AS start_at,
		f.created_week AS start_week,                                 -- the same local week of the same instant
		f.priority, f.team, f.channel, f.category, f.vip, f.tiers_reached,
		f.first_change_at AS end_at,
		CASE WHEN f.early THEN e.responded_at ELSE f.first_responded END AS responded_at,
		f.resolving_segment_no, f.resolved_at
	FROM facts_tickets f
	LEFT JOIN facts_early e USING (ticket_id)
	UNION ALL
	SELECT ticket_id, segment_no, tier, start_at, start_week, priority, team, channel, category, vip, tiers_reached,
		end_at, responded_at, resolving_segment_no, resolved_at
	FROM facts_changes
	WHERE is_ticket
),
points AS (
	SELECT *,
		CASE WHEN responded_at < coalesce(end_at, 'infinity'::TIMESTAMPTZ)     -- a response inside the segment
			THEN responded_at END AS response_at,
		CASE WHEN segment_no = resolving_segment_no THEN resolved_at            -- resolved in it
			ELSE end_at                                                          -- handed on
		END AS stop_at                                                          -- NULL: still open
	FROM segments
)
SELECT s.ticket_id, s.segment_no, s.tier, s.start_at,
	s.start_week,                                                           -- local ISO week the segment starts in
	s.priority, s.team, s.channel, s.category, s.vip, s.tiers_reached,      -- the ticket's filter columns
	sla_clock(s.response_at, c1.open_at, c1.seconds, c1.cum_before)
		- sla_clock(s.start_at, c0.open_at, c0.seconds, c0.cum_before) AS response_seconds,   -- NULL: no response inside
	sla_clock(s.stop_at, c2.open_at, c2.seconds, c2.cum_before)
		- sla_clock(s.start_at, c0.open_at, c0.seconds, c0.cum_before) AS stop_seconds,       -- NULL: still open
	a.clock_as_of
		- sla_clock(s.start_at, c0.open_at, c0.seconds, c0.cum_before) AS open_seconds,       -- how long an open segment has run
	s.end_at IS NOT NULL AND s.end_at = s.start_at AS instant                -- handed on the moment it opened
FROM points s
CROSS JOIN as_of a
LEFT JOIN sla_lookup c0 ON c0.day = epoch_us(s.start_at) // 86400000000
	AND s.start_at >= c0.open_at AND s.start_at < c0.close_at
LEFT JOIN sla_lookup c1 ON c1.day = epoch_us(s.response_at) // 86400000000
	AND s.response_at >= c1.open_at AND s.response_at < c1.close_at
LEFT JOIN sla_lookup c2 ON c2.day = epoch_us(s.stop_at) // 86400000000
	AND s.stop_at >= c2.open_at AND s.stop_at < c2.close_at;

DROP TABLE facts_tier_changes;
DROP TABLE facts_tickets;
DROP TABLE facts_early;
DROP TABLE facts_changes;
DROP TABLE facts_as_of;
DROP TABLE sla_lookup;
