-- Top root causes: how many of the reviews in $ids (a JSON array of review ids) chose each root
-- cause in step 3, most first; reviews that have not chosen one yet are one row with a NULL
-- root_cause.
SELECT json_extract_string(r.analysis, '$.root_cause') AS root_cause, count(*)::INTEGER AS reviews
FROM reviews r
WHERE r.id IN (SELECT unnest(json_transform($ids::JSON, '["INTEGER"]')))
GROUP BY ALL
ORDER BY reviews DESC, root_cause NULLS LAST;
