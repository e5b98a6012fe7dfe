-- Done actions whose completion falls in the period [$from, $to), for marking trend charts:
-- optionally only those about $category, where an action is about a category when its target
-- metric is filtered to it, or (without a target category) its review was about it (the
-- review's category filter, or the category of the spike it reviewed).
SELECT a.id, a.review_id, a.title, a.completed_at,
	json_extract_string(a.target, '$.metric') AS metric
FROM review_actions a
JOIN reviews r ON r.id = a.review_id
WHERE a.status = 'done'                                           -- done, and stamped when it was marked so
	AND a.completed_at >= $from
	AND a.completed_at < $to
	AND ($category IS NULL OR coalesce(
		json_extract_string(a.target, '$.category'),                  -- the target's own category wins
		json_extract_string(r.scope, '$.filters.category'),
		json_extract_string(r.scope, '$.spike.category')) = $category)
ORDER BY a.completed_at, a.id;
