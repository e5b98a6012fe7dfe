-- The action items still to do, for the overview: not finished (open or in progress), of
-- those the overdue ones (due before $today, a date in HANDOFF_TZ) and the ones due soon
-- (from $today through $today + 7 days). The same conditions as queries/actions_list.sql.
SELECT
	count(*)::INTEGER AS open,
	count(*) FILTER (WHERE due_date < $today::DATE)::INTEGER AS overdue,
	count(*) FILTER (WHERE due_date >= $today::DATE AND due_date <= $today::DATE + INTERVAL 7 DAY)::INTEGER AS due_soon
FROM review_actions
WHERE status IN ('open', 'in_progress');                          -- not finished
