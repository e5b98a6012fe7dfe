-- Whether the period [$from, $to) is exactly one ISO week as the facts' week columns count it
-- (created_week, resolved_week, segment_sla.start_week: local ISO weeks in HANDOFF_TZ, $tz).
-- If so, every KPI of the period equals that week's row of the weekly series: the same rows,
-- the same aggregates. That holds when both bounds are local Mondays 00:00, seven days apart,
-- and the clock does not change within three hours of either bound (DST shifts are at most
-- two hours): then an instant lies in [$from, $to) exactly when its local week starts at $from.
-- One row holding that Monday (YYYY-MM-DD), or none.
WITH b AS (
	SELECT $from::TIMESTAMPTZ AS f, $to::TIMESTAMPTZ AS t
),
l AS (
	SELECT f, t, f AT TIME ZONE $tz AS lf, t AT TIME ZONE $tz AS lt FROM b
)
SELECT strftime(lf, '%Y-%m-%d') AS week
FROM l
WHERE lf = date_trunc('week', lf)                                               -- a local Monday 00:00
	AND lt = lf + INTERVAL 7 DAY                                                -- the next one
	AND (f - INTERVAL 3 HOUR) AT TIME ZONE $tz = lf - INTERVAL 3 HOUR         -- no clock change near from
	AND (f + INTERVAL 3 HOUR) AT TIME ZONE $tz = lf + INTERVAL 3 HOUR
	AND (t - INTERVAL 3 HOUR) AT TIME ZONE $tz = lt - INTERVAL 3 HOUR         -- nor near to
	AND (t + INTERVAL 3 HOUR) AT TIME ZONE $tz = lt + INTERVAL 3 HOUR;
