// The values each filter can take, read from the loaded tickets, for the filter controls and
// for the category colour scale (every page colours a category the same way because every
// page gets the same sorted list from here).
import { query, withConnection } from './db.ts';
import { PRIORITIES } from '../import/canonical.ts';
import type { FilterOptions } from '../filters.ts';

export type { FilterOptions };

export async function filterOptions(db?: string): Promise<FilterOptions> {
	return withConnection(async (conn) => {
		const rows = await query<{ dim: string; value: string }>(
			conn,
			`SELECT DISTINCT 'team' AS dim, team AS value FROM ticket_facts WHERE team IS NOT NULL
			UNION ALL SELECT DISTINCT 'channel', channel FROM ticket_facts WHERE channel IS NOT NULL
			UNION ALL SELECT DISTINCT 'category', category FROM ticket_facts
			UNION ALL SELECT DISTINCT 'tier', tier::VARCHAR FROM tier_segments
			ORDER BY 1, 2`
		);
		const pick = (dim: string) => rows.filter((r) => r.dim === dim).map((r) => r.value);
		return {
			teams: pick('team'),
			channels: pick('channel'),
			categories: pick('category'),
			priorities: PRIORITIES,
			tiers: pick('tier')
				.map(Number)
				.sort((a, b) => a - b)
		};
	}, db);
}
