-- The rows a KPI looks at: the dashboard's filters, each one NULL when it is not set.
-- scoped() applies them to any table that carries the ticket's filter columns (ticket_facts,
-- and segment_sla, which copies them so SLA queries need no join); every KPI file reads
-- FROM ticket_scope(...) or scoped('segment_sla', ...), so a filter means the same everywhere.
CREATE OR REPLACE TEMP MACRO scoped(tbl, p_team, p_channel, p_priority, p_category, p_vip, p_tier) AS TABLE
SELECT *
FROM query_table(tbl)
WHERE (p_team IS NULL OR team = p_team)                         -- owning team
	AND (p_channel IS NULL OR channel = p_channel)                -- channel the ticket came in by
	AND (p_priority IS NULL OR priority = p_priority)             -- low, normal, high, urgent
	AND (p_category IS NULL OR category = p_category)             -- case-sensitive, '(none)' when empty
	AND (p_vip IS NULL OR vip = p_vip)                            -- high-value customer
	AND (p_tier IS NULL OR (tiers_reached >> (p_tier - 1)) & 1 = 1); -- the ticket reached this tier at some point

CREATE OR REPLACE TEMP MACRO ticket_scope(p_team, p_channel, p_priority, p_category, p_vip, p_tier) AS TABLE
SELECT * FROM scoped('ticket_facts', p_team, p_channel, p_priority, p_category, p_vip, p_tier);
