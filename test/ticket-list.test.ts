// The ticket list on a small desk worked out by hand: period, filters, sorts, paging totals,
// the drill-down mode (which must list exactly what kpiTickets lists) and the CSV export.
import { describe, expect, it } from 'vitest';
import { KpiParamsError, kpiTickets, parseDrillParams } from '../src/lib/server/kpis.ts';
import {
	describePeriod,
	parseTicketList,
	ticketList,
	ticketListCsv,
	ticketListExport,
	type TicketListQuery
} from '../src/lib/server/ticket-list.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,priority,category,vip,csat_score,team,subject
T1,2026-03-02T09:00:00Z,2026-03-02T11:00:00Z,low,billing,false,5,alpha,Invoice shows the wrong address
T2,2026-03-03T09:00:00Z,,urgent,login,true,,beta,=cmd|' /C calc'!A0
T3,2026-03-04T09:00:00Z,2026-03-05T09:00:00Z,high,billing,false,2,alpha,Refund please
T4,2026-03-05T09:00:00Z,2026-03-05T10:00:00Z,normal,api,false,4,beta,"API, down"
T5,2026-03-06T09:00:00Z,,normal,billing,false,,alpha,+SUM(1)
T6,2026-03-01T09:00:00Z,2026-03-02T09:00:00Z,normal,api,false,3,beta,Created before the period
T7,2026-03-09T00:00:00Z,,low,api,false,,beta,Created at the exclusive end
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
T2,2026-03-03T10:00:00Z,escalated,1,2
T3,2026-03-04T10:00:00Z,escalated,1,2
T3,2026-03-04T12:00:00Z,de_escalated,2,1
T3,2026-03-05T09:00:00Z,resolved,,
T4,2026-03-05T09:30:00Z,reassigned,,
`;
// Period [2026-03-02, 2026-03-09), UTC. Created in it: T1..T5 (T6 is before, T7 at the end).
//   ticket  created  priority  category team   handoffs escalated csat  resolution (h)
//   T1      Mar 2    low       billing  alpha  0        no        5     2
//   T2      Mar 3    urgent    login    beta   1        yes       -     open
//   T3      Mar 4    high      billing  alpha  2        yes       2     24 (path 1->2->1)
//   T4      Mar 5    normal    api      beta   1        no        4     1
//   T5      Mar 6    normal    billing  alpha  0        no        -     open
// Resolved in the period: T1 (Mar 2), T3 (Mar 5), T4 (Mar 5) and T6 (Mar 2 09:00) = 4.

const period = { from: '2026-03-02', to: '2026-03-09' };
const ids = (r: { tickets: { ticket_id: string }[] }) => r.tickets.map((t) => t.ticket_id);
const list = (params: Record<string, string>, db: string) => ticketList(parseTicketList({ ...period, ...params }), db);

async function csvText(q: TicketListQuery, db: string): Promise<string> {
	let out = '';
	for await (const chunk of ticketListCsv(q, db)) out += chunk;
	return out;
}

describe('ticketList() on the hand-made desk', () => {
	it('lists the tickets created in [from, to), newest first by default', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await list({}, db);
			expect(r.total).toBe(5);
			expect(ids(r)).toEqual(['T5', 'T4', 'T3', 'T2', 'T1']);
			expect(r.heading).toBe('Tickets created Mar 2 – Mar 8, 2026');
			const t3 = r.tickets.find((t) => t.ticket_id === 'T3')!;
			expect(t3).toMatchObject({ tier_path: [1, 2, 1], handoffs: 2, escalated: true, reopened: false, csat_score: 2, resolution_hours: 24 });
			expect(r.tickets.find((t) => t.ticket_id === 'T4')!.subject).toBe('API, down');
		}));

	it('applies the dashboard filters, the escalated filter and the search', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			expect(ids(await list({ category: 'billing' }, db))).toEqual(['T5', 'T3', 'T1']);
			expect(ids(await list({ team: 'beta' }, db))).toEqual(['T4', 'T2']);
			expect(ids(await list({ vip: 'true' }, db))).toEqual(['T2']);
			expect(ids(await list({ escalated: 'true' }, db))).toEqual(['T3', 'T2']);
			expect(ids(await list({ escalated: 'false' }, db))).toEqual(['T5', 'T4', 'T1']);
			// Reached tier 2: T2 and T3 (T3 came back to tier 1, but it was there).
			expect(ids(await list({ tier: '2' }, db))).toEqual(['T3', 'T2']);
			// The search looks in subjects and ids, case-insensitively.
			expect(ids(await list({ q: 'REFUND' }, db))).toEqual(['T3']);
			expect(ids(await list({ q: 't2' }, db))).toEqual(['T2']);
			const none = await list({ q: 'nothing like this' }, db);
			expect([none.total, none.tickets.length, none.pages]).toEqual([0, 0, 1]);
		}));

	it('can apply the period to the resolution time instead', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await list({ on: 'resolved', sort: 'ticket_id' }, db);
			expect(ids(r)).toEqual(['T1', 'T3', 'T4', 'T6']);
			expect(r.heading).toBe('Tickets resolved Mar 2 – Mar 8, 2026');
		}));

	it('sorts by each whitelisted column, empty values last, ties by ticket id', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// priority rank urgent > high > normal > low; T4 and T5 tie on normal: ticket_id desc.
			expect(ids(await list({ sort: 'priority' }, db))).toEqual(['T2', 'T3', 'T5', 'T4', 'T1']);
			// handoffs desc: T3 2, then T2 and T4 with 1 (T4 first, desc), then T1 and T5 with 0.
			expect(ids(await list({ sort: 'handoffs' }, db))).toEqual(['T3', 'T4', 'T2', 'T5', 'T1']);
			// CSAT ascending: 2, 4, 5, then the unrated T2 and T5.
			expect(ids(await list({ sort: 'csat_score', dir: 'asc' }, db))).toEqual(['T3', 'T4', 'T1', 'T2', 'T5']);
			// Resolution time desc: 24 h, 2 h, 1 h, then the open T5 and T2.
			expect(ids(await list({ sort: 'resolution_hours' }, db))).toEqual(['T3', 'T1', 'T4', 'T5', 'T2']);
			expect(ids(await list({ sort: 'created_at', dir: 'asc' }, db))).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
		}));

	it('pages with the total of all matching tickets', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const p1 = await list({ page_size: '2' }, db);
			const p2 = await list({ page_size: '2', page: '2' }, db);
			const p3 = await list({ page_size: '2', page: '3' }, db);
			expect([p1.total, p1.pages]).toEqual([5, 3]);
			expect([ids(p1), ids(p2), ids(p3)]).toEqual([['T5', 'T4'], ['T3', 'T2'], ['T1']]);
			// Past the end: no rows, but the total is still known (the page offers a way back).
			const p4 = await list({ page_size: '2', page: '4' }, db);
			expect([p4.total, p4.tickets.length, p4.pages]).toEqual([5, 0, 3]);
		}));

	it('rejects a sort that is not on the whitelist, and ignores unknown parameters', () => {
		expect(() => parseTicketList({ ...period, sort: 'created_at; DROP TABLE tickets' })).toThrow(KpiParamsError);
		expect(() => parseTicketList({ ...period, page_size: '501' })).toThrow(KpiParamsError);
		expect(() => parseTicketList({ from: '2026-03-09', to: '2026-03-02' })).toThrow(KpiParamsError);
		const q = parseTicketList({ ...period, utm_source: 'mail' });
		expect(q.mode).toBe('list');
	});

	it('uses the given default period when the URL has none', () => {
		const q = parseTicketList({}, { from: '2026-03-02', to: '2026-03-09' });
		expect([q.filters.from, q.filters.to]).toEqual(['2026-03-02', '2026-03-09']);
	});
});

describe('ticketList() in drill-down mode', () => {
	it('lists exactly the tickets kpiTickets() counts, with the counts in words', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const url = { ...period, kpi: 'escalation_rate', part: 'numerator', sort: 'priority' };
			const r = await ticketList(parseTicketList(url), db);
			const { drill, filters } = parseDrillParams({ ...period, kpi: 'escalation_rate', part: 'numerator' });
			const expected = await kpiTickets(drill, filters, db);
			expect(ids(r)).toEqual(ids(expected));
			expect(r.total).toBe(expected.total);
			// Escalated among the 5 created: T2 and T3.
			expect(r.total).toBe(2);
			expect(r.other_total).toBe(5);
			expect(r.heading).toBe('Escalated tickets created Mar 2 – Mar 8, 2026: 2 of 5 (numerator of escalation rate)');
			// The list's own sort does not apply to a KPI's list, and the page says so.
			expect(r.query.mode === 'drill' && r.query.ignored).toEqual(['sort']);
			// Subjects come along, which kpi_tickets.sql does not carry.
			expect(r.tickets.find((t) => t.ticket_id === 'T3')!.subject).toBe('Refund please');
		}));

	it('names the denominator and keeps the filters in the heading', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await ticketList(parseTicketList({ ...period, kpi: 'fcr', part: 'denominator', team: 'alpha' }), db);
			// Resolved in the period with team alpha: T1 and T3; FCR among them (0 handoffs, not reopened): T1.
			expect(ids(r).sort()).toEqual(['T1', 'T3']);
			expect(r.heading).toBe('Tickets resolved Mar 2 – Mar 8, 2026 (team alpha): 2 (denominator of first contact resolution; 1 of them in the numerator)');
		}));

	it('narrows to one half of the CSAT card, and lists the tickets escalated in the period', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Rated and resolved in the period: T1 (5), T3 (2), T4 (4), T6 (3); escalated among them: T3,
			// which scored 2, so none of them is in the numerator (4 or 5).
			const csat = await ticketList(parseTicketList({ ...period, kpi: 'csat', part: 'denominator', escalated: 'true' }), db);
			expect(ids(csat)).toEqual(['T3']);
			expect(csat.heading).toBe('Rated tickets resolved Mar 2 – Mar 8, 2026, escalated: 1 (denominator of CSAT; 0 of them in the numerator)');
			expect(csat.query.mode === 'drill' && csat.query.ignored).toEqual([]);
			// Escalated events in the period: T2 on Mar 3 and T3 on Mar 4.
			const events = await ticketList(parseTicketList({ ...period, kpi: 'escalation_events', part: 'numerator' }), db);
			expect(ids(events).sort()).toEqual(['T2', 'T3']);
			expect(events.heading).toBe('Tickets escalated Mar 2 – Mar 8, 2026: 2');
		}));

	it('asks for the SLA tier of an SLA drill-down', () => {
		expect(() => parseTicketList({ ...period, kpi: 'sla_response', part: 'numerator' })).toThrow(/sla_tier/);
	});
});

describe('the CSV export', () => {
	it('holds every row of the list in its order, with formula-like cells neutralised', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// The page size of the URL does not limit the export.
			const { filename, chunks } = await ticketListExport(new URLSearchParams({ ...period, page_size: '2', page: '2' }), db);
			let text = '';
			for await (const c of chunks) text += c;
			const lines = text.trimEnd().split('\r\n');
			expect(filename).toBe('tickets-2026-03-02-to-2026-03-09.csv');
			expect(lines[0]).toBe(
				'ticket_id,subject,created_at,resolved_at,priority,channel,category,team,assignee,tier_path,resolving_tier,handoffs,escalated,reopened,csat_score,vip,resolution_hours'
			);
			expect(lines.length).toBe(1 + 5);
			expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['T5', 'T4', 'T3', 'T2', 'T1']);
			// "=cmd..." and "+SUM(1)" would run as formulas in a spreadsheet: prefixed with a quote.
			expect(lines.find((l) => l.startsWith('T2,'))).toContain(`,'=cmd|' /C calc'!A0,`);
			expect(lines.find((l) => l.startsWith('T5,'))).toContain(`,'+SUM(1),`);
			expect(text).not.toMatch(/,=cmd/);
			expect(lines.find((l) => l.startsWith('T4,'))).toContain(',"API, down",');
			expect(lines.find((l) => l.startsWith('T3,'))).toContain(',1>2>1,1,2,true,false,2,false,24');
		}));

	it('exports a drill-down with the same rows as kpiTickets()', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const q = parseTicketList({ ...period, kpi: 'escalation_rate', part: 'denominator' });
			const lines = (await csvText(q, db)).trimEnd().split('\r\n');
			const { drill, filters } = parseDrillParams({ ...period, kpi: 'escalation_rate', part: 'denominator' });
			const expected = await kpiTickets(drill, filters, db);
			expect(lines.length).toBe(1 + expected.total);
			expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids(expected));
		}));
});

describe('describePeriod()', () => {
	it('names the last day of [from, to), and the years only when they differ', () => {
		expect(describePeriod('2026-11-16', '2026-11-23')).toBe('Nov 16 – Nov 22, 2026');
		expect(describePeriod('2026-12-28', '2027-01-04')).toBe('Dec 28, 2026 – Jan 3, 2027');
		expect(describePeriod('2026-11-16', '2026-11-17')).toBe('Nov 16, 2026');
	});
});
