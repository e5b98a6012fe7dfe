-- The tickets a KPI looks at: the dashboard's filters, each one NULL when it is not set.
-- Every KPI file reads FROM ticket_scope(...), so a filter means the same thing everywhere.
CREATE OR REPLACE TEMP MACRO ticket_scope(p_team, p_channel, p_priority, p_category, p_vip, p_tier) AS TABLE
SELECT *
FROM ticket_facts
WHERE (p_team IS NULL OR team = p_team)                         -- owning team
	AND (p_channel IS NULL OR channel = p_channel)                -- channel the ticket came in by
	AND (p_priority IS NULL OR priority = p_priority)             -- low, normal, high, urgent
	AND (p_category IS NULL OR category = p_category)             -- case-sensitive, '(none)' when empty
	AND (p_vip IS NULL OR vip = p_vip)                            -- high-value customer
	AND (p_tier IS NULL OR list_contains(tier_path, p_tier));     -- the ticket reached this tier at some point
