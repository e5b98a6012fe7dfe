-- Leadership's numbers for a set of reviews ($ids, a JSON array of review ids: the reviews the
-- list shows with its current search and filters):
--   time to publish     the median, over the reviews that were published (published_at is
--                       stamped the first time a review is published and kept after), of the
--                       days from created_at to published_at (the average of the two middle
--                       values when the count is even); NULL when none was published
--   completion rate     action items done / (all action items - those marked won't do); NULL
--                       when that is 0
--   overdue actions     action items still open or in progress whose due date is before $today
--                       (the date today in HANDOFF_TZ: an action due today is not overdue yet)
WITH chosen AS (
	SELECT unnest(json_transform($ids::JSON, '["INTEGER"]')) AS id
),
r AS (SELECT * FROM reviews WHERE id IN (SELECT id FROM chosen)),
a AS (SELECT * FROM review_actions WHERE review_id IN (SELECT id FROM chosen))
SELECT
	(SELECT count(*)::INTEGER FROM r) AS reviews,
	(SELECT count(*)::INTEGER FROM r WHERE published_at IS NOT NULL) AS published,
	(SELECT median((epoch(published_at) - epoch(created_at)) / 86400.0)
		FROM r WHERE published_at IS NOT NULL) AS median_days_to_publish,
	(SELECT count(*)::INTEGER FROM a) AS actions,
	(SELECT count(*)::INTEGER FROM a WHERE status = 'done') AS actions_done,
	(SELECT count(*)::INTEGER FROM a WHERE status = 'wont_do') AS actions_wont_do,
	(SELECT count(*)::INTEGER FROM a
		WHERE status IN ('open', 'in_progress')                          -- not finished, not dropped
			AND due_date < $today::DATE) AS actions_overdue;               -- and its due date has passed
