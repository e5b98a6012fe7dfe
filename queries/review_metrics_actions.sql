-- The action items of the reviews in $ids (a JSON array of review ids), each with its review's
-- title and whether it is overdue: still open or in progress and due before $today (the date
-- today in HANDOFF_TZ). Counted by status in server/review-list.ts; the overdue ones are listed
-- on the page, the most overdue first.
SELECT a.id, a.review_id, r.title AS review_title, a.title, a.owner, a.status,
	strftime(a.due_date, '%Y-%m-%d') AS due_date,
	(a.status IN ('open', 'in_progress') AND a.due_date < $today::DATE) AS overdue
FROM review_actions a
JOIN reviews r ON r.id = a.review_id
WHERE a.review_id IN (SELECT unnest(json_transform($ids::JSON, '["INTEGER"]')))
ORDER BY a.due_date, a.id;
