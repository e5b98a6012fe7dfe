-- The categories the reviews' tickets are in (from the facts saved when each review was
-- started), for the list's category filter: only categories some review has, A to Z.
SELECT DISTINCT unnest(json_extract_string(facts, '$.categories[*]')) AS category
FROM reviews
ORDER BY category;
