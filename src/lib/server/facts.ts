// The derived per-ticket facts (queries/ticket_facts.sql) are materialized: rebuilt inside
// every import's transaction, and on open when they were built by another definition or
// for another HANDOFF_TZ.
import type { DuckDBConnection } from '@duckdb/node-api';
import { TimeZoneRules } from '../import/timestamps.ts';
import { query } from './db.ts';
import { queryDigest, runScript } from './queries.ts';

const KEY = 'ticket_facts_sha256';

/** The facts depend on their SQL and on HANDOFF_TZ (for the local ISO weeks). */
function factsVersion(): { tz: string; version: string } {
	const tz = new TimeZoneRules(process.env.HANDOFF_TZ || 'UTC').name;
	return { tz, version: `${queryDigest('ticket_facts')} ${tz}` };
}

/** Rebuilds tier_segments and ticket_facts; call inside the caller's transaction. */
export async function rebuildFacts(conn: DuckDBConnection): Promise<void> {
	const { tz, version } = factsVersion();
	await conn.run('CREATE OR REPLACE TEMP TABLE facts_settings AS SELECT $tz::VARCHAR AS tz', { tz });
	await runScript(conn, 'ticket_facts');
	await conn.run('INSERT OR REPLACE INTO app_meta VALUES ($key, $value)', { key: KEY, value: version });
}

/** Rebuilds the facts when they are missing or were made by a different ticket_facts.sql. */
export async function ensureFacts(conn: DuckDBConnection): Promise<void> {
	const [row] = await query<{ value: string }>(conn, 'SELECT value FROM app_meta WHERE key = $key', { key: KEY });
	if (row?.value === factsVersion().version) return;
	await conn.run('BEGIN TRANSACTION');
	try {
		await rebuildFacts(conn);
		await conn.run('COMMIT');
	} catch (err) {
		await conn.run('ROLLBACK');
		throw err;
	}
}
