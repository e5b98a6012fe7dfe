-- The SLA clock: clock(t) is the calendar time that has run from the start of sla_calendar
-- up to instant t. sla_calendar holds the intervals in which the clock runs (open_at, their
-- length in seconds, and cum_before: the clock time of all earlier intervals), filled from
-- handoff.config.json: one endless interval for calendar hours, or one per working day.
-- The row passed in is the last interval that opened at or before t (ticket_facts.sql finds
-- it by a day-keyed lookup, sla_lookup, or an ASOF join); a t before the first interval is 0,
-- and inside a gap (night, weekend, holiday) the clock stands.
CREATE OR REPLACE TEMP MACRO sla_clock(t, open_at, seconds, cum_before) AS
	CASE
		WHEN t IS NULL THEN NULL
		WHEN open_at IS NULL THEN 0
		ELSE cum_before + least(greatest(epoch(t) - epoch(open_at), 0), seconds)
	END;
