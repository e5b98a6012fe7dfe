// Every adapter through the whole pipeline on a real database: auto-detection picks the right
// one for each fixture, and the real ServiceNow audit sample imports with no rejected row.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectAdapter } from '../src/lib/import/adapters/index.ts';
import { readExportHeader } from '../src/lib/import/adapters/source.ts';
import { importExport, keptExports, reapplyMappings, setMapping } from '../src/lib/server/adapter-import.ts';
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

describe('three real ServiceNow incidents, by hand', () => {
	it('give the escalation, FCR, reopen and MTTR figures worked out from their rows', () =>
		withDb(async (db, dir) => {
			// INC0000102, INC0000130 and INC0000458, every row of each, as exported.
			const lines = fs.readFileSync(SAMPLE, 'utf8').split('\n');
			const picked = [lines[0], ...lines.filter((l) => /^INC0000(102|130|458),/.test(l))];
			const file = path.join(dir, 'three.csv');
			fs.writeFileSync(file, picked.join('\n') + '\n');
			for (const [group, tier] of [['Group 70', 1], ['Group 25', 2], ['Group 73', 2], ['Group 23', 3], ['Group 29', 3]] as const) {
				await setMapping('group_tier', group, tier, db);
			}
			const s = await importExport({ file, source: 'cli', db });
			expect([s.tickets.inserted, s.tickets.rejected, s.events.rejected]).toEqual([3, 0, 0]);
			// The derived paths (times as exported, read in UTC):
			// 102: opened Feb 29 09:06 in Group 70 (tier 1); Group 50, back to 70 (reassigned twice,
			//      unmapped is tier 1); Mar 4 14:08 to Group 29: escalated 1 -> 3; Group 23 (tier 3):
			//      reassigned; resolved Mar 14 08:13, reopened Mar 17 16:27, resolved 16:28.
			// 130: opened Feb 29 09:41 in Group 72 (tier 1); 09:59 Group 73: escalated 1 -> 2;
			//      resolved Mar 3 10:16.
			// 458: opened Feb 29 23:53 in Group 25: escalated 1 -> 2 at creation; Mar 2 14:26 back to
			//      Group 70 (de-escalated), 18:24 to 25 again (escalated), Mar 10 22:09 back to 70;
			//      resolved Mar 18 13:48.
			const k = await computeKpis(parseKpiParams({ from: '2016-02-29', to: '2016-03-21' }), db);
			// All three created and escalated in the period: 3 / 3.
			expect([k.escalated_tickets, k.tickets_created]).toEqual([3, 3]);
			// All three resolved in it; every one was handed off (102: 4, 130: 1, 458: 4): FCR 0 / 3.
			expect([k.fcr_tickets, k.tickets_resolved]).toEqual([0, 3]);
			// 102 was reopened: 1 / 3.
			expect(k.reopened_tickets).toBe(1);
			// MTTR from the start of the resolving tier's segment:
			// 102 at tier 3: Mar 4 14:08 -> Mar 17 16:28 = 13 d 2 h 20 min = 314.33 h;
			// 130 at tier 2: Feb 29 09:59 -> Mar 3 10:16 = 3 d 17 min = 72.28 h (2016 is a leap year);
			// 458 at tier 1: Mar 10 22:09 -> Mar 18 13:48 = 7 d 15 h 39 min = 183.65 h.
			expect(k.mttr_hours_by_tier['3'].median).toBeCloseTo(314 + 20 / 60, 6);
			expect(k.mttr_hours_by_tier['2'].median).toBeCloseTo(72 + 17 / 60, 6);
			expect(k.mttr_hours_by_tier['1'].median).toBeCloseTo(183 + 39 / 60, 6);
			expect(Object.values(k.mttr_hours_by_tier).map((m) => m.count)).toEqual([1, 1, 1]);
		}));
});

describe('a Zendesk export with its audits and metric events', () => {
	it('dates the group changes and SLA breaches the CSV cannot, replacing the CSV\'s routing guess', () =>
		withDb(async (db, dir) => {
			const groups = path.join(dir, 'groups.json');
			fs.writeFileSync(groups, JSON.stringify({ groups: [{ id: 11, name: 'Support L1' }, { id: 22, name: 'Tech L2' }] }));
			await setMapping('group_tier', 'Tech L2', 2, db);
			const s = await importExport({
				file: path.join(FIX, 'zendesk-tickets.csv'),
				source: 'cli',
				db,
				extras: [
					{ kind: 'zendesk-groups', file: groups },
					{ kind: 'zendesk-audits', file: path.join(FIX, 'zendesk-audits.json') },
					{ kind: 'zendesk-metric-events', file: path.join(FIX, 'zendesk-metric-events.json') }
				]
			});
			expect(s.tickets.rejected).toBe(0);
			const events = await withConnection(
				(c) => query<{ event_id: string; type: string }>(c, `SELECT event_id, type FROM events WHERE ticket_id = '102' ORDER BY occurred_at, event_id`),
				db
			);
			const ids = events.map((e) => `${e.event_id} ${e.type}`);
			// Ticket 102 was created in Support L1 (tier 1): the audit's note replaces the CSV's guess
			// (routed to its final group, Tech L2); the move to Tech L2 on Feb 26 11:00 is the escalation.
			expect(ids).toContain('102:group note');
			expect(ids).toContain('102:audit:5002:5 escalated');
			expect(ids.filter((i) => i.startsWith('102:group'))).toHaveLength(1);
			expect(events.some((e) => e.type === 'sla_breached')).toBe(true);
			// The kept files let a mapping change be applied again with the audits.
			const [kept] = await keptExports(db);
			expect((kept.options.extras ?? []).map((x) => x.kind)).toEqual(['zendesk-groups', 'zendesk-audits', 'zendesk-metric-events']);
			await setMapping('group_tier', 'Tech L2', 3, db);
			await reapplyMappings(db);
			const [esc] = await withConnection((c) => query<{ to_tier: number }>(c, `SELECT to_tier FROM events WHERE event_id = '102:audit:5002:5'`), db);
			expect(Number(esc.to_tier)).toBe(3);
		}));
});
