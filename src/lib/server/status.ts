// What the database holds, for the home page and the CLI: counts, the date range, the last
// import and whether it is demo data; and removing demo data again.
import { dataChanged } from './cache.ts';
import { query, withConnection } from './db.ts';
import { audit } from './audit.ts';
import { discardFacts, rebuildFacts, serializeFactsWrite } from './facts.ts';

export const DEMO_DEFAULT_TICKETS = 20_000;

export interface ImportRecord {
	id: number;
	source: string;
	format: string;
	tickets_file: string;
	tickets_sha256: string;
	events_file: string | null;
	events_sha256: string | null;
	started_at: string;
	finished_at: string;
	status: string;
	tickets_read: number;
	tickets_inserted: number;
	tickets_updated: number;
	tickets_unchanged: number;
	tickets_rejected: number;
	events_read: number;
	events_inserted: number;
	events_updated: number;
	events_unchanged: number;
	events_rejected: number;
	warnings: number;
	/** Who ran it: an account, 'cli', or 'local' on the open server (null before accounts existed). */
	imported_by: string | null;
}

export interface DataStatus {
	tickets: number;
	events: number;
	demoTickets: number;
	firstCreated: string | null;
	lastCreated: string | null;
	lastImport: ImportRecord | null;
}

const IMPORT_COLUMNS = `id, source, format, tickets_file, tickets_sha256, events_file, events_sha256,
	strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS started_at,
	strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS finished_at, status,
	tickets_read, tickets_inserted, tickets_updated, tickets_unchanged, tickets_rejected,
	events_read, events_inserted, events_updated, events_unchanged, events_rejected, warnings, imported_by`;

export function databaseIsEmpty(): Promise<boolean> {
	return withConnection(async (conn) => {
		const [r] = await query<{ n: number }>(conn, 'SELECT ((SELECT count(*) FROM tickets) + (SELECT count(*) FROM imports))::INTEGER AS n');
		return Number(r.n) === 0;
	});
}

export function importHistory(limit = 50): Promise<ImportRecord[]> {
	return withConnection((conn) =>
		query<ImportRecord>(conn, `SELECT ${IMPORT_COLUMNS} FROM imports ORDER BY id DESC LIMIT $limit`, { limit })
	);
}

export function dataStatus(): Promise<DataStatus> {
	return withConnection(async (conn) => {
		const [r] = await query<{
			tickets: number;
			events: number;
			demo: number;
			first: string | null;
			last: string | null;
		}>(
			conn,
			`SELECT (SELECT count(*) FROM tickets)::INTEGER AS tickets,
				(SELECT count(*) FROM events)::INTEGER AS events,
				(SELECT count(*) FROM tickets WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo'))::INTEGER AS demo,
				(SELECT strftime(min(created_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') FROM tickets) AS first,
				(SELECT strftime(max(created_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') FROM tickets) AS last`
		);
		const [lastImport] = await query<ImportRecord>(conn, `SELECT ${IMPORT_COLUMNS} FROM imports ORDER BY id DESC LIMIT 1`);
		return {
			tickets: Number(r.tickets),
			events: Number(r.events),
			demoTickets: Number(r.demo),
			firstCreated: r.first,
			lastCreated: r.last,
			lastImport: lastImport ?? null
		};
	});
}

/** Deletes every row that came from a demo import, in one transaction. */
export function clearDemoData(): Promise<{ tickets: number; events: number }> {
	return withConnection(async (conn) => {
		return serializeFactsWrite(async () => {
			await conn.run('BEGIN TRANSACTION');
			try {
				const [{ t, e }] = await query<{ t: number; e: number }>(
					conn,
					`SELECT (SELECT count(*) FROM tickets WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo'))::INTEGER AS t,
						(SELECT count(*) FROM events WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo'))::INTEGER AS e`
				);
				await conn.run("DELETE FROM events WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo')");
				await conn.run("DELETE FROM tickets WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo')");
				await conn.run("DELETE FROM import_rejects WHERE import_id IN (SELECT id FROM imports WHERE source = 'demo')");
				await conn.run("DELETE FROM imports WHERE source = 'demo'");
				await rebuildFacts(conn);
				await audit(conn, 'demo', null, null, 'cleared', { tickets: Number(t), events: Number(e) });
				await conn.run('COMMIT');
				dataChanged();
				return { tickets: Number(t), events: Number(e) };
			} catch (err) {
				await conn.run('ROLLBACK');
				await discardFacts(conn);
				throw err;
			}
		});
	});
}

/** Every rejected row and warning of one import, in file and line order. */
export function importIssues(importId: number) {
	return withConnection((conn) =>
		query<{ severity: string; file: string; line: number; field: string; reason: string; record_id: string | null }>(
			conn,
			`SELECT severity, file, line, field, reason, record_id FROM import_rejects WHERE import_id = $id
			ORDER BY severity = 'warning', file, line, field`,
			{ id: importId }
		)
	);
}
