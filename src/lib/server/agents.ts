// The people in the data (ticket assignees and event actors), for the review's blameless
// check: it flags sentences that make one of them the cause of a failure. Cached until an
// import or a demo-data removal changes the data.
import { query, withConnection } from './db.ts';

/** More names than this are not worth sending to every browser; the first ones are kept. */
export const MAX_AGENT_NAMES = 5_000;

let cached: { key: string; names: string[] } | null = null;

export async function agentNames(db?: string): Promise<string[]> {
	return withConnection(async (conn) => {
		const [k] = await query<{ key: string }>(
			conn,
			`SELECT concat_ws(':', (SELECT max(id) FROM imports), (SELECT count(*) FROM tickets), (SELECT count(*) FROM events)) AS key`
		);
		const key = `${db ?? ''}:${k.key}`;
		if (cached?.key === key) return cached.names;
		const rows = await query<{ name: string }>(
			conn,
			`SELECT DISTINCT trim(name) AS name FROM (
				SELECT assignee AS name FROM tickets
				UNION ALL SELECT actor FROM events
			)
			WHERE nullif(trim(name), '') IS NOT NULL
			ORDER BY 1
			LIMIT $limit`,
			{ limit: MAX_AGENT_NAMES }
		);
		cached = { key, names: rows.map((r) => r.name) };
		return cached.names;
	}, db);
}
