-- Every action item across reviews, for /actions, its CSV and /api/actions: the action, its
-- review (title, status and version, which a status change must name), the finding it
-- addresses, and whether it is overdue or due soon on $today (a date in HANDOFF_TZ).
-- Not finished = open or in progress. Overdue: not finished and due before $today. Due soon:
-- not finished and due from $today through $today + 7 days.
WITH actions AS (
	SELECT a.*,
		r.title AS review_title, r.status AS review_status, r.version AS review_version,
		f.title AS finding_title,
		a.status IN ('open', 'in_progress') AND a.due_date < $today::DATE AS overdue,
		a.status IN ('open', 'in_progress') AND a.due_date >= $today::DATE
			AND a.due_date <= $today::DATE + INTERVAL 7 DAY AS due_soon
	FROM review_actions a
	JOIN reviews r ON r.id = a.review_id
	LEFT JOIN review_findings f ON f.id = a.finding_id AND f.review_id = a.review_id
)
SELECT *
FROM actions
WHERE ($owner IS NULL OR owner = $owner)                          -- exactly this owner
	AND ($status IS NULL OR status = $status                        -- one status, or
		OR ($status = 'active' AND status IN ('open', 'in_progress'))) -- 'active': not finished
	AND ($type IS NULL OR type = $type)                             -- prevent, mitigate, detect, ...
	AND ($review_id IS NULL OR review_id = $review_id)              -- one review's actions
	AND ($due IS NULL OR ($due = 'overdue' AND overdue) OR ($due = 'soon' AND due_soon))
ORDER BY
	CASE WHEN $dir = 'asc' THEN due_date END ASC,                  -- by due date, either way;
	CASE WHEN $dir = 'desc' THEN due_date END DESC,
	review_id, id;                                                  -- then as they were filed
