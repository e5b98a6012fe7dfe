// The derived per-ticket facts (queries/ticket_facts.sql) are materialized: rebuilt inside
// every import's transaction, and on open when the file was built by another definition.
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from './db.ts';
import { queryDigest, runScript } from './queries.ts';

const KEY = 'ticket_facts_sha256';

/** Rebuilds tier_segments and ticket_facts; call inside the caller's transaction. */
export async function rebuildFacts(conn: DuckDBConnection): Promise<void> {
	await runScript(conn, 'ticket_facts');
	await conn.run('INSERT OR REPLACE INTO app_meta VALUES ($key, $value)', { key: KEY, value: queryDigest('ticket_facts') });
}

/** Rebuilds the facts when they are missing or were made by a different ticket_facts.sql. */
export async function ensureFacts(conn: DuckDBConnection): Promise<void> {
	const [row] = await query<{ value: string }>(conn, 'SELECT value FROM app_meta WHERE key = $key', { key: KEY });
	if (row?.value === queryDigest('ticket_facts')) return;
	await conn.run('BEGIN TRANSACTION');
	try {
		await rebuildFacts(conn);
		await conn.run('COMMIT');
	} catch (err) {
		await conn.run('ROLLBACK');
		throw err;
	}
}
