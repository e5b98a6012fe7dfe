// The result cache behind /api/kpis and the overview: identical requests share one
// computation, and a committed import, clearing the demo data or another configuration
// starts over, so a cached answer is never older than the data it is asked about.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readThrough } from '../src/lib/server/cache.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { runImport } from '../src/lib/server/import.ts';
import type { KpiReport } from '../src/lib/server/kpis.ts';
import { clearDemoData } from '../src/lib/server/status.ts';
import { GET } from '../src/routes/api/kpis/+server.ts';
import { importCsv, tempDir, withDb } from './helpers.ts';

// Mar 2, 2026 is a Monday: A and B are created that week, C joins with the second import.
const TICKETS = `ticket_id,created_at,first_response_at,resolved_at,priority
A,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T12:00:00Z,normal
B,2026-03-03T09:00:00Z,2026-03-03T12:00:00Z,2026-03-04T09:00:00Z,normal
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
A,2026-03-02T09:00:00Z,created,,1
B,2026-03-03T09:00:00Z,created,,1
`;
const WEEK = 'from=2026-03-02&to=2026-03-09';

async function apiKpis(search = WEEK): Promise<KpiReport> {
	const res = await GET({ url: new URL(`http://localhost/api/kpis?${search}`) } as Parameters<typeof GET>[0]);
	expect(res.status).toBe(200);
	return (await res.json()) as KpiReport;
}

/** `fn` with the server's database (HANDOFF_DB) on a fresh file holding A and B. */
function withServedDb(fn: (db: string, dir: string) => Promise<void>) {
	return withDb(async (db, dir) => {
		process.env.HANDOFF_DB = db;
		try {
			await importCsv(db, dir, TICKETS, EVENTS);
			await fn(db, dir);
		} finally {
			delete process.env.HANDOFF_DB;
		}
	});
}

describe('readThrough(name, params, compute)', () => {
	const db = path.join(tempDir(), 'never-opened.duckdb');

	it('runs one computation for identical requests made at the same time, and keeps its result', async () => {
		let runs = 0;
		const compute = async () => {
			runs++;
			await new Promise((r) => setTimeout(r, 20));
			return { runs };
		};
		const [a, b] = await Promise.all([readThrough('t1', { x: 1, y: 2 }, compute, db), readThrough('t1', { y: 2, x: 1 }, compute, db)]);
		expect(runs).toBe(1);
		expect(b).toBe(a);
		expect(await readThrough('t1', { x: 1, y: 2 }, compute, db)).toBe(a);
		expect(runs).toBe(1);
		await readThrough('t1', { x: 2, y: 2 }, compute, db);
		expect(runs).toBe(2);
	});

	it('passes a failure on to everyone waiting and does not keep it', async () => {
		let runs = 0;
		const failing = async () => {
			runs++;
			throw new Error(`failure ${runs}`);
		};
		const both = await Promise.allSettled([readThrough('t2', {}, failing, db), readThrough('t2', {}, failing, db)]);
		expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(runs).toBe(1);
		await expect(readThrough('t2', {}, failing, db)).rejects.toThrow('failure 2');
	});
});

describe('GET /api/kpis with the cache', () => {
	it('answers from the cache until an import commits, then from the new data', () =>
		withServedDb(async (db, dir) => {
			expect((await apiKpis()).tickets_created).toBe(2);
			// A change that bypasses the import (never done by Handoff itself) shows the answer is kept…
			await withConnection((conn) => query(conn, "DELETE FROM ticket_facts WHERE ticket_id = 'B'"), db);
			expect((await apiKpis()).tickets_created).toBe(2);
			// …and a committed import replaces it: C is new, and the facts are rebuilt with B.
			await importCsv(db, dir, 'ticket_id,created_at\nC,2026-03-04T09:00:00Z\n', 'ticket_id,occurred_at,type,from_tier,to_tier\nC,2026-03-04T09:00:00Z,created,,1\n');
			expect((await apiKpis()).tickets_created).toBe(3);
		}));

	it('does not take the result of a failed import for a change', () =>
		withServedDb(async (db, dir) => {
			expect((await apiKpis()).tickets_created).toBe(2);
			await withConnection((conn) => query(conn, "DELETE FROM ticket_facts WHERE ticket_id = 'B'"), db);
			const missing = path.join(dir, 'missing.csv');
			await expect(runImport({ ticketsFile: missing, source: 'cli', db })).rejects.toThrow();
			expect((await apiKpis()).tickets_created).toBe(2);
		}));

	it('starts over when the demo data is cleared', () =>
		withServedDb(async (db, dir) => {
			const demo = path.join(dir, 'demo.csv');
			fs.writeFileSync(demo, 'ticket_id,created_at\nD1,2026-03-05T09:00:00Z\n');
			await runImport({ ticketsFile: demo, source: 'demo', db });
			expect((await apiKpis()).tickets_created).toBe(3);
			await clearDemoData();
			expect((await apiKpis()).tickets_created).toBe(2);
		}));

	it('starts over when the SLA targets in the configuration change', () =>
		withServedDb(async (_db, dir) => {
			const config = path.join(dir, 'handoff.config.json');
			const targets = (responseHours: number) => JSON.stringify({ sla: { targets: { '1': { response_hours: responseHours, resolution_hours: 24 } } } });
			process.env.HANDOFF_CONFIG = config;
			try {
				// A responded after 0.5 h and B after 3 h.
				fs.writeFileSync(config, targets(1));
				expect((await apiKpis()).sla_by_tier?.['1']).toMatchObject({ response_met_count: 1, response_judged: 2 });
				fs.writeFileSync(config, targets(4));
				expect((await apiKpis()).sla_by_tier?.['1']).toMatchObject({ response_met_count: 2, response_judged: 2 });
			} finally {
				delete process.env.HANDOFF_CONFIG;
			}
		}));
});
