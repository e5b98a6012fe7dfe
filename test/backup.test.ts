// `handoff backup` and `handoff restore`: a restored copy answers every KPI exactly as the
// original and holds the same rows and sequences; a backup taken while the server imports is
// the database before or after that import, never between; and a restore that should not
// happen is refused with a message, leaving the target as it was. Needs `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { backupFile } from '../src/lib/server/backup.ts';
import { closeInstance, query, withConnection } from '../src/lib/server/db.ts';
import { computeKpis, parseKpiParams } from '../src/lib/server/kpis.ts';
import { addAction, addFinding, startReview } from '../src/lib/server/reviews.ts';
import { exited, fingerprint, importCsv, runCli, startCli, startServer, tempDir, writeBulkCsv } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,category
A,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,billing
B,2026-03-03T09:00:00Z,,login
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
A,2026-03-02T10:00:00Z,escalated,1,2
A,2026-03-02T19:00:00Z,resolved,,
`;

/** A fingerprint that is closed again, so a CLI child can open the file next. */
async function fingerprintAll(db: string) {
	try {
		return await fingerprint(db, 'all');
	} finally {
		await closeInstance(db);
	}
}

/** The schema as DuckDB stores it: every table's SQL and every sequence's next value. */
async function schema(db: string) {
	try {
		return await withConnection(async (conn) => ({
			tables: await query(conn, `SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`),
			sequences: await query(conn, `SELECT sequence_name, last_value::VARCHAR AS next FROM duckdb_sequences() WHERE database_name = current_database() ORDER BY 1`)
		}), db);
	} finally {
		await closeInstance(db);
	}
}

describe('handoff backup, then handoff restore into a new path', () => {
	it('gives a database with identical rows, schema, sequences and KPIs', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'original.duckdb');
		const copy = path.join(dir, 'restored.duckdb');
		const backup = path.join(dir, 'nightly.duckdb');
		expect((await runCli(['demo', '--tickets', '300', '--db', db])).code).toBe(0);
		const [range] = await withConnection(
			(conn) => query<{ from: string; to: string; category: string }>(conn, `SELECT min(created_at)::DATE::VARCHAR AS from, (max(created_at)::DATE + 1)::VARCHAR AS to, min(category) AS category FROM tickets`),
			db
		);
		const id = await startReview({ scope: { source: 'range', from: range.from, to: range.to, filters: {} } }, db);
		const finding = await addFinding(id, { version: 1, title: 'Billing sync lag', detail: 'Escalated before the nightly sync' }, db);
		await addAction(id, { version: 2, finding_id: String(finding), title: 'Alert on sync lag', type: 'detect', owner: 'Dana', due_date: '2026-12-01', status: 'open' }, db);
		await closeInstance(db);

		const b = await runCli(['backup', '--db', db, '--out', backup]);
		expect(b.stderr).toBe('');
		expect(b.code).toBe(0);
		expect(b.stdout).toMatch(new RegExp(`to ${backup}: [\\d.]+ MB, schema version \\d+, in [\\d.]+ s`));
		expect(b.stdout).toMatch(/^ {2}tickets +300$/m);
		expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
		const r = await runCli(['restore', backup, '--db', copy]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain(`Restored ${backup} into ${copy}`);

		expect(await fingerprintAll(copy)).toEqual(await fingerprintAll(db));
		expect(await schema(copy)).toEqual(await schema(db));
		const periods = [
			{ from: range.from, to: range.to },
			{ from: range.from, to: range.to, weeks: '8' },
			{ from: range.from, to: range.to, priority: 'high' },
			{ from: range.from, to: range.to, vip: 'true', tier: '2' },
			{ from: range.from, to: range.to, category: range.category }
		];
		for (const p of periods) {
			const [a, c] = [await computeKpis(parseKpiParams(p), db), await computeKpis(parseKpiParams(p), copy)];
			expect(a.tickets_created).toBeGreaterThan(0);
			expect(c).toEqual(a);
		}
		await closeInstance(db);
		await closeInstance(copy);
		const kpis = (file: string) => runCli(['kpis', '--from', range.from, '--to', range.to, '--db', file, '--json']);
		const [ka, kc] = await Promise.all([kpis(db), kpis(copy)]);
		expect(ka.code).toBe(0);
		expect(kc.stdout).toBe(ka.stdout);

		// The sequences carried over: the next review and audit entry get the same ids in both.
		const next = async (file: string) => {
			const n = await startReview({ scope: { source: 'range', from: range.from, to: range.to, filters: {} } }, file);
			const audit = await withConnection((conn) => query<{ id: number }>(conn, 'SELECT max(id) AS id FROM audit_log'), file);
			await closeInstance(file);
			return [n, audit[0].id];
		};
		expect(await next(copy)).toEqual(await next(db));
		fs.rmSync(dir, { recursive: true, force: true });
	}, 60_000);
});

describe('handoff backup while the server imports', () => {
	it('asks the server, which copies between two imports; a restore onto the served file is refused', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'served.duckdb');
		const backup = path.join(dir, 'during-import.duckdb');
		try {
			await importCsv(db, dir, TICKETS, EVENTS);
			await closeInstance(db);
			const before = await fingerprintAll(db);
			const bulk = await writeBulkCsv(dir, 20_000);
			const server = await startServer(db);
			let after;
			try {
				// Asked for while the import runs (its first progress line is the running job's).
				const importing = await startCli(['import', '--tickets', bulk.tickets, '--events', bulk.events, '--db', db, '--progress'], /progress reading/);
				const b = await runCli(['backup', '--db', db, '--out', backup, '--json']);
				expect(b.stderr).toBe('');
				expect(b.code).toBe(0);
				expect((await exited(importing.child)).code).toBe(0);
				const summary = JSON.parse(b.stdout);
				expect(summary).toMatchObject({ file: backup, bytes: fs.statSync(backup).size });
				// The import runs in the write queue, so the backup waited for it to commit.
				expect([summary.tables.imports, summary.tables.tickets, summary.tables.events]).toEqual([2, 20_002, 60_002]);

				const refused = await runCli(['restore', backup, '--db', db, '--force']);
				expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('stop the server first')]);
			} finally {
				server.child.kill('SIGTERM');
				await exited(server.child);
			}
			after = await fingerprintAll(db);
			expect(after).not.toEqual(before);
			expect(await fingerprintAll(backup)).toEqual(after);
			expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore') || f.includes('partial'))).toEqual([]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});

describe('handoff restore', () => {
	it('refuses a file that is not a Handoff database, a newer one, and replacing data without --force; then restores undoably', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'target.duckdb');
		const other = path.join(dir, 'other.duckdb');
		const good = path.join(dir, 'good.duckdb');
		const newer = path.join(dir, 'newer.duckdb');
		const text = path.join(dir, 'tickets.csv');
		const plain = path.join(dir, 'plain.duckdb');
		try {
			await importCsv(db, dir, TICKETS, EVENTS);
			await closeInstance(db);
			const target = await fingerprintAll(db);
			await importCsv(other, dir, TICKETS.replaceAll('A,', 'X,'), EVENTS.replaceAll('A,', 'X,'));
			await closeInstance(other);
			await backupFile(good, other);
			await backupFile(newer, other);
			const edit = await DuckDBInstance.create(newer);
			const conn = await edit.connect();
			await conn.run(`INSERT INTO schema_migrations VALUES (999, 'from the future', now())`);
			conn.closeSync();
			edit.closeSync();
			const raw = await DuckDBInstance.create(plain);
			(await raw.connect()).closeSync();
			raw.closeSync();
			fs.writeFileSync(text, TICKETS);

			const restore = (file: string) => runCli(['restore', file, '--db', db]);
			const results = await Promise.all([restore(text), restore(plain), restore(newer), restore(good)]);
			expect(results.map((r) => [r.code, r.stderr.trim()])).toEqual([
				[1, `handoff: ${text} is not a Handoff database (not a DuckDB file)`],
				[1, `handoff: ${plain} is not a Handoff database (it has no schema_migrations table)`],
				[1, expect.stringContaining(`${newer} was made by a newer Handoff (schema version 999`)],
				[1, expect.stringContaining(`${db} already holds data: add --force to replace it`)]
			]);
			expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
			expect(await fingerprintAll(db)).toEqual(target);

			const forced = await runCli(['restore', good, '--db', db, '--force']);
			expect(forced.code).toBe(0);
			const aside = fs.readdirSync(dir).filter((f) => /^target\.duckdb\.before-restore-\d{8}-\d{6}$/.test(f));
			expect(aside).toHaveLength(1);
			expect(forced.stdout).toContain(`kept as ${path.join(dir, aside[0])}`);
			expect(await fingerprintAll(db)).toEqual(await fingerprintAll(good));
			// Undoable: the database it replaced is intact under its new name.
			expect(await fingerprintAll(path.join(dir, aside[0]))).toEqual(target);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 60_000);
});

describe('handoff backup --out with a quote in the path', () => {
	it('is refused before anything is written (DuckDB takes the path as SQL text, not as a parameter)', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'h.duckdb');
		try {
			await importCsv(db, dir, TICKETS, EVENTS);
			await closeInstance(db);
			const out = path.join(dir, "it's'; DROP TABLE tickets; --.duckdb");
			const r = await runCli(['backup', '--db', db, '--out', out]);
			expect(r.code).toBe(1);
			expect(r.stderr).toContain('a backup path may not hold a quote');
			expect(fs.readdirSync(dir).filter((f) => f.startsWith('it'))).toEqual([]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
