-- Derived facts per ticket, materialized by every import (and after demo data is cleared) so
-- each KPI query reads one row per ticket instead of replaying events. This file computes them
-- into temp tables; ticket_facts_write.sql stores them, inside the caller's transaction.
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
-- The ISO week columns are local to HANDOFF_TZ (the bound parameter $tz), and the SLA clocks
-- run on the configured calendar (sla_calendar); a change of either rebuilds the facts.
--
-- How it is built, for speed on millions of events: events are read by one window (the tier
-- changes) and one GROUP BY (every per-ticket count); each per-ticket fact is computed once,
-- in the temp table facts_tickets, and each fact of a segment that starts at a tier change
-- once, in facts_changes. A ticket's tier changes travel as one sorted list (no ordered
-- aggregate, no window over all segments); a range join finds responses only for segments
-- that start at a tier change (or at a creation that a response precedes). The SLA clocks
-- look the calendar up by day (an equi-join) instead of four ASOF joins.
--
-- DuckDB scans a table that a transaction made or wrote itself on one thread. So an import
-- runs this file before its transaction begins, and reads the tickets and events through the
-- temp views facts_src_tickets and facts_src_events (facts.ts): the stored rows it keeps plus
-- the rows it is about to write. Every scan then reads committed tables, on every thread. The
-- other callers, in their own transaction, read the stored tables through the same views.

-- The local ISO week (its Monday) of instant t in time zone tz: ICU's conversion, except in
-- UTC, which has no offset and no transitions ever, where the instant's own date is its local
-- date (DuckDB's ICU calendar is proleptic Gregorian, as DuckDB's own dates are) and a cheap
-- computation gives the same week.
CREATE OR REPLACE TEMP MACRO facts_week(t, tz) AS
	CASE WHEN tz IN ('UTC', 'Etc/UTC') THEN date_trunc('week', make_timestamp(epoch_us(t)))::DATE
		ELSE date_trunc('week', t AT TIME ZONE tz)::DATE
	END;

-- Every tier change in order, with the tier it really left (the previous change's to_tier, or
-- tier 1: from_tier as written may disagree, and to_tier wins) and the change after it. One
-- window (one sort) numbers the changes and looks at their neighbours.
CREATE OR REPLACE TEMP TABLE facts_tier_changes AS
SELECT ticket_id,
	row_number() OVER w AS seq,
	occurred_at, type, kind, trigger,
	coalesce(lag(to_tier) OVER w, 1)::TINYINT AS from_tier,      -- every ticket starts at tier 1
	to_tier,
	-- Bounced escalation: the next tier change is a de_escalated back to the tier it left.
	coalesce(type = 'escalated' AND lead(type) OVER w = 'de_escalated'
		AND lead(to_tier) OVER w = coalesce(lag(to_tier) OVER w, 1), false) AS bounced,
	facts_week(occurred_at, $tz) AS week                          -- local ISO week
FROM facts_src_events
WHERE type IN ('escalated', 'de_escalated')                      -- only these move a ticket between tiers
WINDOW w AS (PARTITION BY ticket_id ORDER BY occurred_at, import_id, line);

-- One row per ticket: everything ticket_facts and the ticket's segments need, the ticket's own
-- filter columns included, so nothing below joins the tickets again.
CREATE OR REPLACE TEMP TABLE facts_tickets AS
WITH ev AS (
	-- Escalated and de_escalated events are counted from facts_tier_changes, which holds each of them once.
	SELECT ticket_id,
		count(*) FILTER (WHERE type = 'reassigned') AS reassigned,
		count(*) FILTER (WHERE type = 'reopened') AS reopens,
		max(occurred_at) FILTER (WHERE type = 'resolved') AS last_resolved,
		max(occurred_at) FILTER (WHERE type = 'reopened') AS last_reopened,
		count(*) FILTER (WHERE type = 'responded') AS responses,
		min(occurred_at) FILTER (WHERE type = 'responded') AS first_responded
	FROM facts_src_events
	WHERE type IN ('reassigned', 'reopened', 'resolved', 'responded')   -- the ones counted here
	GROUP BY ticket_id
),
changes AS (
	-- The tier changes in seq order: element n is change n (segment n), at its start.
	SELECT ticket_id, count(*) AS tier_changes, count(*) FILTER (WHERE type = 'escalated') AS escalations,
		list_sort(list({'seq': seq, 'at': occurred_at, 'tier': to_tier})) AS changes,
		bit_or(1::SMALLINT << (to_tier - 1)) AS reached           -- as tiers_reached, below (tiers 1..9: 9 bits)
	FROM facts_tier_changes
	GROUP BY ticket_id
),
resolved AS (
	SELECT t.ticket_id, t.created_at, t.first_response_at,
		t.priority, t.channel, t.category, t.team, t.assignee, t.vip, t.customer_id, t.csat_score,
		ev.reassigned, c.escalations, ev.reopens,
		ev.responses, ev.first_responded, c.tier_changes, c.changes, c.reached,
		CASE
			WHEN ev.last_resolved IS NOT NULL                  -- resolved events win over tickets.resolved_at
				THEN CASE WHEN ev.last_reopened > ev.last_resolved THEN NULL ELSE ev.last_resolved END
			ELSE CASE WHEN ev.last_reopened > t.resolved_at THEN NULL ELSE t.resolved_at END
		END AS resolved_at
	FROM facts_src_tickets t
	LEFT JOIN ev USING (ticket_id)
	LEFT JOIN changes c USING (ticket_id)
),
paths AS (
	SELECT *,
		CASE WHEN changes IS NULL THEN [1::TINYINT]                   -- most tickets never change tier
			ELSE list_concat([1::TINYINT], list_transform(changes, c -> c.tier)) END AS tier_path,
		-- The segment the resolution falls in: the last one starting at or before it. Segments
		-- are half-open [start, end), so a resolution exactly at a tier change belongs to the new
		-- tier. Changes are in time order, so the ones at or before it are the first k.
		CASE WHEN changes IS NULL THEN 0 ELSE len(list_filter(changes, c -> c.at <= resolved_at)) END AS k
	FROM resolved
)
SELECT ticket_id, created_at, resolved_at, first_response_at,
	priority, channel, category, team, assignee, vip, customer_id, csat_score,
	(coalesce(reassigned, 0) + coalesce(tier_changes, 0))::INTEGER AS handoffs,   -- escalated + de_escalated + reassigned
	coalesce(escalations, 0) > 0 AS escalated,
	coalesce(reopens, 0) > 0 AS reopened,
	coalesce(tier_changes, 0)::INTEGER AS tier_changes,
	tier_path,
	-- bit n-1 set: the ticket reached tier n (tier 1 at its start, then each change's to_tier)
	(coalesce(reached, 0) | 1)::SMALLINT AS tiers_reached,
	-- Ping-pong: at least 3 tier changes and a tier visited twice (1->2->1 is a bounce, not ping-pong).
	CASE WHEN coalesce(tier_changes, 0) >= 3 THEN len(list_distinct(tier_path)) < len(tier_path) ELSE false END AS ping_pong,
	CASE WHEN k > 0 THEN changes[k].tier WHEN created_at <= resolved_at THEN 1 END::TINYINT AS resolving_tier,   -- NULL while unresolved
	CASE WHEN k > 0 THEN k WHEN created_at <= resolved_at THEN 0 END AS resolving_segment_no,
	CASE WHEN k > 0 THEN changes[k].at WHEN created_at <= resolved_at THEN created_at END AS resolving_segment_start,
	(epoch(resolved_at) - epoch(resolving_segment_start)) AS tier_resolution_seconds,   -- what MTTR by tier averages
	(epoch(resolved_at) - epoch(created_at)) AS resolution_seconds,                    -- end-to-end resolution time
	facts_week(created_at, $tz) AS created_week,                                       -- local Monday of the ISO week
	facts_week(resolved_at, $tz) AS resolved_week,
	-- Segment 0: it ends at the first tier change. Its response (see segment_responses) is the
	-- first responded event at or after created_at; with no responded events at all,
	-- tickets.first_response_at stands in. early: a responded event precedes created_at, so the
	-- first one after it is looked up in facts_early.
	changes[1].at AS first_change_at,
	CASE WHEN coalesce(responses, 0) = 0 THEN
			CASE WHEN first_response_at >= created_at THEN first_response_at END
		WHEN first_responded >= created_at THEN first_responded
	END AS first_responded,
	coalesce(first_responded < created_at, false) AS early
FROM paths;

CREATE OR REPLACE TEMP TABLE facts_early AS
SELECT f.ticket_id, min(r.occurred_at) AS responded_at
FROM facts_tickets f
JOIN facts_src_events r ON r.ticket_id = f.ticket_id AND r.occurred_at >= f.created_at
WHERE f.early AND r.type = 'responded'
GROUP BY f.ticket_id;

-- One row per tier change: its segment (segment n for change n), with what the segment tables
-- need (is_ticket: the ticket is in tickets; events of a ticket that is not still have segments,
-- as they always had). A segment's response is the first responded event at or after its start.
CREATE OR REPLACE TEMP TABLE facts_changes AS
WITH change_responses AS (
	SELECT c.ticket_id, c.seq, min(r.occurred_at) AS responded_at
	FROM facts_tier_changes c
	JOIN facts_src_events r ON r.ticket_id = c.ticket_id AND r.type = 'responded' AND r.occurred_at >= c.occurred_at
	GROUP BY ALL
)
SELECT c.ticket_id, c.seq AS segment_no, c.to_tier AS tier, c.occurred_at AS start_at,
	n.occurred_at AS end_at,                                        -- the next change ends it; NULL: still open
	r.responded_at, c.week AS start_week,
	f.ticket_id IS NOT NULL AS is_ticket, f.resolving_segment_no, f.resolved_at, f.tiers_reached,
	f.priority, f.team, f.channel, f.category, f.vip
FROM facts_tier_changes c
LEFT JOIN facts_tier_changes n ON n.ticket_id = c.ticket_id AND n.seq = c.seq + 1
LEFT JOIN change_responses r ON r.ticket_id = c.ticket_id AND r.seq = c.seq
LEFT JOIN (SELECT * FROM facts_tickets WHERE tier_changes > 0) f ON f.ticket_id = c.ticket_id;   -- a ticket's change: it has changes

-- The data's as-of time: the latest timestamp anywhere in it (the export's snapshot). Open
-- SLA clocks are judged against it, which keeps results reproducible.
CREATE OR REPLACE TEMP TABLE facts_as_of AS
SELECT greatest(
	(SELECT max(greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at))) FROM facts_src_tickets),
	(SELECT max(occurred_at) FROM facts_src_events)
) AS as_of;

-- The SLA calendar keyed by UTC day (epoch_us // 86400000000): for each day an instant to
-- clock may fall on (a segment's start, end, response or resolution), the intervals whose
-- reach [open_at, close_at) meets it (close_at: the next interval's opening). The one that
-- holds an instant is the last interval opened at or before it, as an ASOF join would find,
-- found by an equi-join on the day instead.
CREATE OR REPLACE TEMP TABLE sla_lookup AS
WITH intervals AS (
	SELECT open_at, seconds, cum_before, lead(open_at) OVER (ORDER BY open_at) AS next_open
	FROM sla_calendar
),
days AS (
	SELECT DISTINCT epoch_us(unnest([created_at, first_change_at, resolved_at, first_responded])) // 86400000000 AS day FROM facts_tickets
	UNION SELECT epoch_us(responded_at) // 86400000000 FROM facts_early
	UNION SELECT DISTINCT epoch_us(unnest([start_at, end_at, responded_at, resolved_at])) // 86400000000 FROM facts_changes
)
SELECT d.day, i.open_at, coalesce(i.next_open, 'infinity'::TIMESTAMPTZ) AS close_at, i.seconds, i.cum_before
FROM days d
JOIN intervals i ON epoch_us(i.open_at) // 86400000000 <= d.day
	AND (i.next_open IS NULL OR epoch_us(i.next_open) // 86400000000 >= d.day);
