-- The ticket list (/tickets and its CSV export): the tickets created in the period [from, to)
-- ($on = 'created', the default) or resolved in it ($on = 'resolved': the resolution time of
-- ticket_facts.sql, so a ticket reopened and left open is not listed), with the dashboard's
-- filters (ticket_scope.sql), the escalated filter and a search in ticket ids and subjects.
-- Returns one page ($limit rows from $offset; a NULL $limit means all rows, for the export),
-- each row carrying the number of all matching tickets; a page past the end returns one row
-- with that number and NULLs.
-- {{order_by}} stands for one of the fixed ORDER BY fragments in src/lib/server/ticket-list.ts
-- (a whitelist keyed by the sort the URL names, always ending with ticket_id so that pages
-- never overlap); it is never text from the request.
-- Counting and paging read the matching rows separately (NOT MATERIALIZED): a count and a
-- top-N each scan only the columns they need, which on 1M tickets is several times faster
-- than count(*) OVER () over every matching row.
WITH matching AS NOT MATERIALIZED (
	SELECT f.ticket_id, f.created_at, f.resolved_at, f.priority, f.channel, f.category, f.team, f.assignee,
		f.vip, f.csat_score, f.escalated, f.reopened, f.handoffs, f.resolving_tier, f.tier_path,
		f.resolution_seconds / 3600 AS resolution_hours,                -- end-to-end; NULL while unresolved
		CASE f.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END AS priority_rank
	FROM ticket_scope($team, $channel, $priority, $category, $vip, $tier) f
	WHERE true
		AND ($on <> 'created' OR (f.created_at >= $from AND f.created_at < $to))     -- created in the period
		AND ($on <> 'resolved' OR (f.resolved_at >= $from AND f.resolved_at < $to))  -- or resolved in it
		AND ($escalated IS NULL OR f.escalated = $escalated)           -- at least one escalated event, at any time
		AND ($q IS NULL                                                -- search: part of the id, or of the subject
			OR contains(lower(f.ticket_id), lower($q))
			OR f.ticket_id IN (SELECT ticket_id FROM tickets WHERE contains(lower(subject), lower($q))))
)
SELECT n.total, p.*, s.subject
FROM (SELECT count(*)::INTEGER AS total FROM matching) n
LEFT JOIN (
	SELECT * FROM matching
	ORDER BY {{order_by}}
	LIMIT $limit OFFSET $offset
) p ON true
LEFT JOIN (SELECT ticket_id AS subject_of, subject FROM tickets) s ON s.subject_of = p.ticket_id   -- the page's subjects only
ORDER BY {{order_by}};
