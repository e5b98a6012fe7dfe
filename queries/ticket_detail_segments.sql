-- The tier segments of one ticket ($id) with their SLA clocks: how long each tier took to
-- respond and how long it held the ticket, on the configured calendar (segment_sla,
-- ticket_facts.sql), the tier's targets for the ticket's priority (sla_targets, from
-- handoff.config.json), and the judgement of sla_judged.sql (true met, false missed, NULL
-- left out: still open and inside the target). Nothing is judged here.
-- A tier without a target has NULL targets and judgements.
SELECT s.segment_no, s.tier, s.start_at,
	s.end_at,                                                        -- NULL: the ticket is still in this tier
	s.segment_no = f.resolving_segment_no AS resolved_in,            -- the ticket was resolved in this segment
	x.response_seconds / 3600 AS response_hours,                     -- NULL: no response inside the segment
	x.stop_seconds / 3600 AS held_hours,                             -- until resolved or handed on; NULL while open
	x.open_seconds / 3600 AS open_hours,                             -- from the start to the data's as-of time
	g.response_hours AS response_target_hours,
	g.resolution_hours AS resolution_target_hours,
	j.response_met, j.resolution_met
FROM tier_segments s
JOIN ticket_facts f USING (ticket_id)
JOIN segment_sla x USING (ticket_id, segment_no)
LEFT JOIN sla_targets g ON g.tier = s.tier AND g.priority = f.priority       -- the tier's target for this priority
LEFT JOIN (
	SELECT ticket_id, segment_no, response_met, resolution_met
	FROM sla_judged('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ, NULL, NULL, NULL, NULL, NULL, NULL)   -- every segment, no filters
	WHERE ticket_id = $id
) j USING (ticket_id, segment_no)
WHERE s.ticket_id = $id                                              -- this ticket only
ORDER BY s.segment_no;
