-- Escalations over time, the trend view of SPEC.md's escalation mix: escalation events (one per
-- `escalated` event, so a ticket escalated twice counts twice) whose event time is in the period
-- [from, to), by the ticket's category, by trigger and by kind (empty = unknown), in buckets
-- of the ISO week ($grain = 'week', Monday start) or the calendar month ($grain = 'month') in
-- which the event occurred, both local to HANDOFF_TZ ($tz). Every bucket that overlaps the
-- period is listed for every key seen in the period, 0 when quiet; a bucket that reaches
-- outside the period is `partial` (only its days inside the period are counted). `share` is
-- the key's part of all escalations in that bucket, so a dimension's shares sum to 1 in every
-- bucket that has escalations (NULL in a bucket without any).
WITH escalations AS (
	SELECT f.category, coalesce(c.trigger, 'unknown') AS trigger, coalesce(c.kind, 'unknown') AS kind,
		date_trunc($grain, timezone($tz, c.occurred_at))::DATE AS bucket   -- local week or month
	FROM tier_changes c
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)
	WHERE c.type = 'escalated'                                        -- escalation events only
		AND c.occurred_at >= $from                                      -- the event time is in the period [from, to)
		AND c.occurred_at < $to
),
counted AS (
	SELECT 'category' AS dimension, category AS key, bucket, count(*) AS n FROM escalations GROUP BY ALL
	UNION ALL
	SELECT 'trigger', trigger, bucket, count(*) FROM escalations GROUP BY ALL
	UNION ALL
	SELECT 'kind', kind, bucket, count(*) FROM escalations GROUP BY ALL
),
step AS (
	SELECT CASE WHEN $grain = 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 7 DAY END AS size
),
buckets AS (                                                        -- every bucket overlapping [from_day, to_day)
	SELECT unnest(generate_series(date_trunc($grain, $from_day::DATE)::TIMESTAMP, ($to_day::DATE - 1)::TIMESTAMP, step.size))::DATE AS bucket
	FROM step
),
grid AS (
	SELECT k.dimension, k.key, b.bucket, coalesce(c.n, 0)::INTEGER AS events
	FROM (SELECT DISTINCT dimension, key FROM counted) k
	CROSS JOIN buckets b
	LEFT JOIN counted c USING (dimension, key, bucket)
)
SELECT dimension, key, bucket,
	(bucket + step.size)::DATE AS bucket_end,                       -- the next bucket's start (excluded)
	bucket < $from_day::DATE OR (bucket + step.size)::DATE > $to_day::DATE AS partial,
	events,
	sum(events) OVER (PARTITION BY dimension, bucket)::INTEGER AS bucket_total,   -- all escalations in the bucket
	events / nullif(bucket_total, 0) AS share
FROM grid CROSS JOIN step
ORDER BY dimension, bucket, key;
