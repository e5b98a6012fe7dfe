// What the home page reports about the database, and clearing demo data without touching real data.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoCsv } from '../src/lib/server/demo-data.ts';
import { runImport } from '../src/lib/server/import.ts';
import { clearDemoData, dataStatus } from '../src/lib/server/status.ts';
import { withDb } from './helpers.ts';

describe('dataStatus() and clearDemoData()', () => {
	it('counts demo and real tickets, then clears only the demo ones', () =>
		withDb(async (db, dir) => {
			process.env.HANDOFF_DB = db;
			try {
				const demo = await writeDemoCsv(path.join(dir, 'demo'), { tickets: 120, seed: 5, end: new Date('2026-03-02T00:00:00Z') });
				await runImport({ ticketsFile: demo.ticketsPath, eventsFile: demo.eventsPath, source: 'demo', db });
				const real = path.join(dir, 'real.csv');
				fs.writeFileSync(real, 'ticket_id,created_at\nR1,2026-03-03T10:00:00Z\nR2,2026-03-04T10:00:00Z\n');
				await runImport({ ticketsFile: real, source: 'cli', db });

				const before = await dataStatus();
				// 120 demo tickets + 2 real ones; the demo events plus none for the real tickets.
				expect(before.tickets).toBe(122);
				expect(before.demoTickets).toBe(120);
				expect(before.events).toBe(demo.events);
				expect(before.lastCreated).toBe('2026-03-04T10:00:00Z');
				expect(before.lastImport).toMatchObject({ id: 2, source: 'cli', tickets_file: 'real.csv' });

				expect(await clearDemoData()).toEqual({ tickets: 120, events: demo.events });
				const after = await dataStatus();
				expect(after).toMatchObject({ tickets: 2, events: 0, demoTickets: 0, firstCreated: '2026-03-03T10:00:00Z' });
				expect(after.lastImport?.source).toBe('cli');
			} finally {
				delete process.env.HANDOFF_DB;
			}
		}));
});
