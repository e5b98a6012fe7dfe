-- Contributing-factor categories over time: for each calendar month in which reviews of $ids
-- (a JSON array of review ids) were started (created_at, local to HANDOFF_TZ: $tz), how many of
-- those reviews name each factor category in step 3. A review naming a category twice counts
-- once: the chart asks how often a kind of condition contributes, not how many lines were written.
WITH factors AS (
	SELECT r.id,
		date_trunc('month', timezone($tz, r.created_at))::DATE AS month,  -- local month of creation
		unnest(json_transform(json_extract(r.analysis, '$.factors'), '[{"category":"VARCHAR"}]'), recursive := true)
	FROM reviews r
	WHERE r.id IN (SELECT unnest(json_transform($ids::JSON, '["INTEGER"]')))
)
SELECT strftime(month, '%Y-%m-%d') AS month, category, count(DISTINCT id)::INTEGER AS reviews
FROM factors
WHERE category IS NOT NULL
GROUP BY ALL
ORDER BY month, reviews DESC, category;
