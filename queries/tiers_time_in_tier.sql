-- Time in tier: how long each tier held a ticket, per tier segment (SPEC.md tier path:
-- segments are half-open [start, next tier change)). A segment ends when it hands the ticket
-- to another tier, or when the ticket is resolved in it (the resolving segment of
-- ticket_facts.sql: the same stop as the SLA resolution clock, but in wall-clock hours).
-- * Closed segments are counted in the period in which they END, with hours = end - start,
--   in a histogram of fixed bins (lower bound inclusive) and with median and p90 per tier.
-- * Segments still open at the data's as-of time (the last segment of an unresolved ticket)
--   are not in the histogram: they are counted separately, if they started before the period
--   ends, with their median age at the as-of time.
-- One row per tier and bin (bins with no segment included); the per-tier figures repeat.
WITH seg AS (
	SELECT s.tier, s.start_at,
		CASE WHEN s.segment_no = f.resolving_segment_no THEN f.resolved_at   -- resolved in it
			ELSE s.end_at                                                     -- handed on (NULL: open)
		END AS stop_at
	FROM tier_segments s
	JOIN ticket_scope($team, $channel, $priority, $category, $vip, $tier) f USING (ticket_id)   -- the ticket's filters
	WHERE s.segment_no <= coalesce(f.resolving_segment_no, s.segment_no)     -- nothing after the final resolution
),
closed AS (
	SELECT tier, (epoch(stop_at) - epoch(start_at)) / 3600 AS hours
	FROM seg
	WHERE stop_at >= $from AND stop_at < $to                                 -- ended in the period [from, to)
),
still_open AS (
	SELECT tier, (epoch(a.as_of) - epoch(start_at)) / 3600 AS age_hours
	FROM seg CROSS JOIN data_as_of a
	WHERE stop_at IS NULL                                                    -- open at the as-of time
		AND start_at < $to                                                     -- and started before the period ends
),
bins(bin_no, label, lo, hi) AS (
	VALUES (0, '<15m', 0, 0.25), (1, '15m-1h', 0.25, 1), (2, '1-4h', 1, 4), (3, '4-8h', 4, 8),
		(4, '8-24h', 8, 24), (5, '1-3d', 24, 72), (6, '3-7d', 72, 168), (7, '7d+', 168, NULL)
),
tiers AS (
	SELECT tier FROM closed UNION SELECT tier FROM still_open
),
per_tier AS (
	SELECT t.tier,
		(SELECT count(*) FROM closed c WHERE c.tier = t.tier)::INTEGER AS closed_segments,
		(SELECT median(hours) FROM closed c WHERE c.tier = t.tier) AS median_hours,
		(SELECT quantile_cont(hours, 0.9) FROM closed c WHERE c.tier = t.tier) AS p90_hours,
		(SELECT count(*) FROM still_open o WHERE o.tier = t.tier)::INTEGER AS open_segments,
		(SELECT median(age_hours) FROM still_open o WHERE o.tier = t.tier) AS open_median_age_hours
	FROM tiers t
)
SELECT p.tier, b.bin_no, b.label AS bin, b.lo AS bin_lo_hours, b.hi AS bin_hi_hours,
	count(c.hours)::INTEGER AS segments,
	count(c.hours) / nullif(p.closed_segments, 0) AS share,                  -- of the tier's closed segments
	-- The bin that holds the tier's median, so the chart can mark it.
	coalesce(p.median_hours >= b.lo AND (b.hi IS NULL OR p.median_hours < b.hi), false) AS holds_median,
	p.closed_segments, p.median_hours, p.p90_hours, p.open_segments, p.open_median_age_hours
FROM per_tier p
CROSS JOIN bins b
LEFT JOIN closed c ON c.tier = p.tier AND c.hours >= b.lo AND (b.hi IS NULL OR c.hours < b.hi)
GROUP BY p.tier, b.bin_no, b.label, b.lo, b.hi, p.closed_segments, p.median_hours, p.p90_hours,
	p.open_segments, p.open_median_age_hours
ORDER BY p.tier, b.bin_no;
