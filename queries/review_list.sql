-- The reviews list (/reviews): every review, newest first (created_at, then id), with its
-- status, root cause (step 3, NULL until chosen), the categories of its tickets (the facts saved
-- when it was started), how many tickets it covers, its action items done / won't do / in all,
-- and who signed it off. Each filter is optional: NULL means "all".
WITH tickets AS (
	SELECT review_id, count(*)::INTEGER AS tickets FROM review_tickets GROUP BY review_id
),
actions AS (
	SELECT review_id,
		count(*)::INTEGER AS actions_total,
		count(*) FILTER (WHERE status = 'done')::INTEGER AS actions_done,
		count(*) FILTER (WHERE status = 'wont_do')::INTEGER AS actions_wont_do
	FROM review_actions GROUP BY review_id
),
listed AS (
	SELECT r.id, r.title, r.status, r.created_at, r.published_at, r.signed_off_by,
		json_extract_string(r.analysis, '$.root_cause') AS root_cause,
		json_extract_string(r.facts, '$.categories[*]') AS categories,
		coalesce(json_extract_string(r.summary, '$.summary'), '') AS summary
	FROM reviews r
)
SELECT l.id, l.title, l.status, l.root_cause, l.categories, l.created_at, l.published_at, l.signed_off_by,
	coalesce(t.tickets, 0) AS tickets,
	coalesce(a.actions_total, 0) AS actions_total,
	coalesce(a.actions_done, 0) AS actions_done,
	coalesce(a.actions_wont_do, 0) AS actions_wont_do
FROM listed l
LEFT JOIN tickets t ON t.review_id = l.id
LEFT JOIN actions a ON a.review_id = l.id
WHERE true
	AND ($status IS NULL OR l.status = $status)                        -- draft, in_review or published
	AND ($root_cause IS NULL OR l.root_cause = $root_cause)            -- the root cause chosen in step 3
	AND ($category IS NULL OR list_contains(l.categories, $category))  -- one of its tickets is in the category
	AND ($q IS NULL                                                    -- search: part of the title or of the summary, any case
		OR contains(lower(l.title), lower($q))
		OR contains(lower(l.summary), lower($q)))
ORDER BY l.created_at DESC, l.id DESC;
