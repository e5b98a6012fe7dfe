-- The values the /actions filters offer: every owner, and every review that has actions.
SELECT 'owner' AS kind, owner AS value, NULL::INTEGER AS review_id
FROM review_actions
GROUP BY owner
UNION ALL
SELECT 'review', r.title, r.id
FROM reviews r
WHERE r.id IN (SELECT review_id FROM review_actions)
ORDER BY kind, value, review_id;
