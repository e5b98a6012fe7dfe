// Every adapter through the whole pipeline on a real database: auto-detection picks the right
// one for each fixture, and the real ServiceNow audit sample imports with no rejected row.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectAdapter } from '../src/lib/import/adapters/index.ts';
import { readExportHeader } from '../src/lib/import/adapters/source.ts';
import { importExport, setMapping } from '../src/lib/server/adapter-import.ts';
import { computeKpis, parseKpiParams } from '../src/lib/server/kpis.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { withDb } from './helpers.ts';

const FIX = path.join(import.meta.dirname, 'fixtures', 'adapters');
// The first 300 incidents of the UCI "Incident management process enriched event log" (CC BY 4.0).
const SAMPLE = path.join(FIX, 'servicenow-audit-uci-sample.csv');

describe('detectAdapter() on every fixture', () => {
	it('picks the adapter each export was written for', async () => {
		const expected: Record<string, string> = {
			'zendesk-tickets.csv': 'zendesk',
			'freshdesk-tickets.csv': 'freshdesk',
			'jsm-issues.csv': 'jsm',
			'servicenow-list-small.csv': 'servicenow'
		};
		for (const [file, id] of Object.entries(expected)) {
			const d = detectAdapter(await readExportHeader(path.join(FIX, file)));
			expect('adapter' in d ? d.adapter.id : d.error, file).toBe(id);
		}
		const d = detectAdapter(await readExportHeader(SAMPLE));
		expect('adapter' in d ? d.adapter.id : d.error).toBe('servicenow-audit');
	});

	it('refuses an unknown export, listing the formats it knows', () => {
		const d = detectAdapter(['Foo', 'Bar', 'Baz']);
		expect('error' in d && d.error).toContain('Zendesk');
		expect('error' in d && d.error).toContain('ServiceNow');
	});
});

describe('the real ServiceNow audit sample', () => {
	it('imports with zero rejected rows, and the KPIs follow a group -> tier mapping', () =>
		withDb(async (db) => {
			const first = await importExport({ file: SAMPLE, source: 'cli', db });
			expect(first.adapter).toBe('servicenow-audit');
			expect(first.tickets.rejected).toBe(0);
			expect(first.events.rejected).toBe(0);
			expect(first.tickets.inserted).toBe(300); // the first 300 incidents of the dataset
			expect(first.unmappedGroups.length).toBeGreaterThan(5);
			const period = parseKpiParams({ from: '2016-02-29', to: '2016-04-04' });
			// With no tier for any group, every group change is a reassignment: nothing escalates.
			expect((await computeKpis(period, db)).escalated_tickets).toBe(0);
			// The most common group as tier 2: moves into it from elsewhere become escalations.
			const [top] = await withConnection(
				(c) => query<{ team: string }>(c, `SELECT team FROM events WHERE team IS NOT NULL GROUP BY team ORDER BY count(*) DESC, team LIMIT 1`),
				db
			);
			await setMapping('group_tier', top.team, 2, db);
			const again = await importExport({ file: SAMPLE, source: 'cli', db });
			expect(again.tickets.rejected + again.events.rejected).toBe(0);
			expect((await computeKpis(period, db)).escalated_tickets).toBeGreaterThan(0);
		}));
});
