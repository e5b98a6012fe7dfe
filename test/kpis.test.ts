// Every KPI against a small desk worked out by hand. Each ticket is one edge case of SPEC.md;
// the expected numbers are derived in the comments, never taken from the program's output.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImport } from '../src/lib/server/import.ts';
import { computeKpis, kpiTickets, parseDrillParams, parseKpiParams, KpiParamsError, KPI_NAMES } from '../src/lib/server/kpis.ts';
import { writeDemoCsv } from '../src/lib/server/demo-data.ts';
import { withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,category,vip,csat_score,team
A,2026-03-02T09:00:00Z,,billing,false,5,alpha
B,2026-03-02T09:00:00Z,,billing,true,2,alpha
C,2026-03-03T08:00:00Z,,login,false,4,alpha
D,2026-03-03T08:00:00Z,,login,false,1,beta
E,2026-03-04T09:00:00Z,,login,true,4,beta
F,2026-03-04T09:00:00Z,2026-03-04T11:00:00Z,login,false,3,beta
G,2026-03-05T09:00:00Z,,api,false,,beta
H,2026-03-01T20:00:00Z,,api,false,,beta
I,2026-03-06T09:00:00Z,,api,false,,beta
J,2026-03-06T09:00:00Z,,api,false,,beta
K,2026-03-09T00:00:00Z,,api,false,,beta
`;

const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger
A,2026-03-02T10:00:00Z,resolved,,,,
B,2026-03-02T11:00:00Z,escalated,1,2,functional,technical_complexity
B,2026-03-02T15:00:00Z,resolved,,,,
C,2026-03-03T09:00:00Z,resolved,,,,
C,2026-03-03T12:00:00Z,reopened,,,,
C,2026-03-03T14:00:00Z,resolved,,,,
D,2026-03-03T10:00:00Z,resolved,,,,
D,2026-03-03T11:00:00Z,reopened,,,,
E,2026-03-04T10:00:00Z,escalated,1,2,functional,technical_complexity
E,2026-03-04T12:00:00Z,de_escalated,2,1,,
E,2026-03-04T13:00:00Z,resolved,,,,
G,2026-03-05T10:00:00Z,reassigned,,,,
G,2026-03-05T12:00:00Z,resolved,,,,
H,2026-03-01T22:00:00Z,escalated,1,2,functional,sla_breach
H,2026-03-02T01:00:00Z,resolved,,,,
I,2026-03-06T10:00:00Z,escalated,1,3,hierarchical,high_value_impact
J,2026-03-06T11:00:00Z,escalated,1,2,functional,other
J,2026-03-06T11:00:00Z,resolved,,,,
K,2026-03-09T01:00:00Z,escalated,1,2,functional,other
`;
// The desk, ticket by ticket (period [2026-03-02, 2026-03-09) in UTC):
// A  no events but resolved 10:00                 -> FCR, tier 1, MTTR 1 h, end-to-end 1 h, CSAT 5
// B  escalated 1->2 at 11:00, resolved 15:00       -> escalated, tier 2, MTTR 15-11 = 4 h, e2e 6 h, CSAT 2
// C  resolved, reopened, resolved again at 14:00   -> the last resolution counts: tier 1, MTTR 14-8 = 6 h, reopened, CSAT 4
// D  resolved, then reopened and left open         -> unresolved: not in resolved KPIs, its CSAT 1 ignored
// E  bounce 1->2->1, resolved 13:00 at tier 1      -> escalated, handoffs 2, tier 1 segment from 12:00: MTTR 1 h, e2e 4 h, CSAT 4
// F  no events, tickets.resolved_at 11:00          -> FCR, tier 1, MTTR 2 h, e2e 2 h, CSAT 3
// G  reassigned only, resolved 12:00               -> not FCR (1 handoff), not escalated, tier 1, MTTR 3 h, e2e 3 h
// H  created before the period, escalated before it, resolved 01:00 Mar 2 -> in resolved KPIs only: tier 2, MTTR 3 h, e2e 5 h
// I  escalated 1->3, unresolved                    -> escalated, in created KPIs only
// J  escalated 1->2 at 11:00 and resolved at 11:00 -> the resolution belongs to the new tier 2: MTTR 0 h, e2e 2 h
// K  created at 2026-03-09 00:00                   -> outside [from, to)

async function load(db: string, dir: string, tickets = TICKETS, events = EVENTS, timeZone = 'UTC') {
	const t = path.join(dir, 'tickets.csv');
	const e = path.join(dir, 'events.csv');
	fs.writeFileSync(t, tickets);
	fs.writeFileSync(e, events);
	const s = await runImport({ ticketsFile: t, eventsFile: e, source: 'cli', db, timeZone });
	expect(s.tickets.rejected + s.events.rejected).toBe(0);
}

const week = { from: '2026-03-02', to: '2026-03-09' };

describe('computeKpis() on the hand-made desk', () => {
	it('escalation rate counts tickets created in the period, escalations at any time', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// Created in the period: A B C D E F G I J = 9 (H is before it, K at its exclusive end).
			// Escalated among them: B, E (bounced, still escalated), I, J = 4.
			expect(k.tickets_created).toBe(9);
			expect(k.escalated_tickets).toBe(4);
			expect(k.escalation_rate).toBeCloseTo(4 / 9, 12);
		}));

	it('FCR and reopen rate use the tickets resolved in the period', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// Resolved in the period: A B C E F G H J = 8 (D was reopened after its resolution, I is open).
			// 0 handoffs and not reopened: A, F = 2 (C was reopened; G was reassigned) -> 2/8.
			// Reopened among the resolved: C -> 1/8.
			expect(k.tickets_resolved).toBe(8);
			expect(k.fcr_tickets).toBe(2);
			expect(k.fcr_rate).toBe(0.25);
			expect(k.reopened_tickets).toBe(1);
			expect(k.reopen_rate).toBe(0.125);
		}));

	it('MTTR by tier runs from the start of the resolving segment', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// Tier 1: A 1, C 6, E 1, F 2, G 3 -> sorted 1 1 2 3 6: mean 13/5 = 2.6, median 2,
			//   p90 at (5-1)*0.9 = 3.6 -> 3 + 0.6*(6-3) = 4.8.
			// Tier 2: B 4, H 3, J 0 -> sorted 0 3 4: mean 7/3, median 3, p90 at 1.8 -> 3 + 0.8*(4-3) = 3.8.
			expect(Object.keys(k.mttr_hours_by_tier)).toEqual(['1', '2']);
			const t1 = k.mttr_hours_by_tier['1'];
			expect(t1.count).toBe(5);
			expect(t1.mean).toBeCloseTo(2.6, 12);
			expect(t1.median).toBeCloseTo(2, 12);
			expect(t1.p90).toBeCloseTo(4.8, 12);
			const t2 = k.mttr_hours_by_tier['2'];
			expect(t2.count).toBe(3);
			expect(t2.mean).toBeCloseTo(7 / 3, 12);
			expect(t2.median).toBeCloseTo(3, 12);
			expect(t2.p90).toBeCloseTo(3.8, 12);
		}));

	it('end-to-end resolution time runs from created_at, grouped the same way', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// Tier 1: A 1, C 6, E 4, F 2, G 3 -> 1 2 3 4 6: mean 3.2, median 3, p90 at 3.6 -> 4 + 0.6*2 = 5.2.
			// Tier 2: B 6, H 5, J 2 -> 2 5 6: mean 13/3, median 5, p90 at 1.8 -> 5 + 0.8*1 = 5.8.
			const t1 = k.resolution_hours_by_tier['1'];
			expect([t1.count, t1.mean, t1.median]).toEqual([5, 3.2, 3]);
			expect(t1.p90).toBeCloseTo(5.2, 12);
			const t2 = k.resolution_hours_by_tier['2'];
			expect(t2.count).toBe(3);
			expect(t2.mean).toBeCloseTo(13 / 3, 12);
			expect(t2.median).toBe(5);
			expect(t2.p90).toBeCloseTo(5.8, 12);
		}));

	it('CSAT compares escalated and not escalated resolved tickets, ignoring unresolved ones', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// Rated and resolved: A 5, B 2 (esc), C 4, E 4 (esc), F 3. D's 1 is ignored (unresolved).
			// Escalated: 2 and 4 -> rated 2, satisfied (>= 4) 1/2, mean 3.
			// Not escalated: 5, 4, 3 -> rated 3, satisfied 2/3, mean 4.
			expect(k.csat.escalated).toEqual({ rated: 2, satisfied_rate: 0.5, mean: 3 });
			expect(k.csat.not_escalated.rated).toBe(3);
			expect(k.csat.not_escalated.satisfied_rate).toBeCloseTo(2 / 3, 12);
			expect(k.csat.not_escalated.mean).toBe(4);
		}));

	it('gives the previous period of the same length, with 0/0 as null', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams(week), db);
			// [2026-02-23, 2026-03-02): only H was created (and escalated); nothing was resolved.
			expect(k.previous.period).toEqual({ from: '2026-02-23', to: '2026-03-02' });
			expect(k.previous.tickets_created).toBe(1);
			expect(k.previous.escalation_rate).toBe(1);
			expect(k.previous.tickets_resolved).toBe(0);
			expect(k.previous.fcr_rate).toBeNull();
			expect(k.previous.reopen_rate).toBeNull();
			expect(k.previous.mttr_hours_by_tier).toEqual({});
			expect(k.previous.csat.escalated).toEqual({ rated: 0, satisfied_rate: null, mean: null });
		}));

	it('applies each filter to every KPI', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			// category billing: A and B created; B escalated -> 1/2. Both resolved, A is FCR -> 1/2.
			const billing = await computeKpis(parseKpiParams({ ...week, category: 'billing' }), db);
			expect([billing.tickets_created, billing.escalation_rate, billing.tickets_resolved, billing.fcr_rate]).toEqual([2, 0.5, 2, 0.5]);
			// vip: B and E, both escalated -> 2/2.
			const vip = await computeKpis(parseKpiParams({ ...week, vip: 'true' }), db);
			expect([vip.tickets_created, vip.escalation_rate]).toEqual([2, 1]);
			// tier 2 (reached it at some point): created B, E, J -> 3; resolved B, E, H, J -> 4, none FCR.
			const tier2 = await computeKpis(parseKpiParams({ ...week, tier: '2' }), db);
			expect([tier2.tickets_created, tier2.tickets_resolved, tier2.fcr_rate]).toEqual([3, 4, 0]);
			// team beta: D E F G I J created (6); escalated E I J -> 3/6.
			const beta = await computeKpis(parseKpiParams({ ...week, team: 'beta' }), db);
			expect([beta.tickets_created, beta.escalation_rate]).toEqual([6, 0.5]);
			// A team with no tickets: every rate is 0/0 = null, no tiers appear.
			const none = await computeKpis(parseKpiParams({ ...week, team: 'nobody' }), db);
			expect([none.tickets_created, none.escalation_rate, none.fcr_rate, none.reopen_rate]).toEqual([0, null, null, null]);
			expect(none.mttr_hours_by_tier).toEqual({});
		}));

	it('gives a weekly series in ISO weeks', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const k = await computeKpis(parseKpiParams({ from: '2026-03-02', to: '2026-03-16' }), db);
			// Week 2026-W10 (Mar 2-8) holds everything above; W11 starts with K (created Mar 9, escalated).
			expect(k.weekly.map((w) => [w.week, w.week_start, w.tickets_created, w.escalated_tickets])).toEqual([
				['2026-W10', '2026-03-02', 9, 4],
				['2026-W11', '2026-03-09', 1, 1]
			]);
			// weeks=3 ending with W10: W08 is empty but listed (0 created, rate null); W09 holds H
			// (created Mar 1); W10 as above.
			const three = await computeKpis(parseKpiParams({ ...week, weeks: '3' }), db);
			expect(three.weekly.map((w) => [w.week, w.tickets_created, w.escalation_rate])).toEqual([
				['2026-W08', 0, null],
				['2026-W09', 1, 1],
				['2026-W10', 9, 4 / 9]
			]);
		}));

	it('gives a period that is a week of the series the same KPIs as the queries for the period', async () => {
		// W10 holds the DST change of America/New_York (Sunday Mar 8): still one week of 6 days 23 hours.
		for (const zone of ['UTC', 'America/New_York']) {
			process.env.HANDOFF_TZ = zone;
			try {
				await withDb(async (db, dir) => {
					await load(db, dir, TICKETS, EVENTS, zone);
					for (const filter of [{}, { tier: '2' }, { team: 'beta' }]) {
						// weeks=2: W10 and the previous week W09 are both read from the series.
						const fromSeries = await computeKpis(parseKpiParams({ ...week, ...filter, weeks: '2' }), db);
						// The same weeks queried as periods: W10 as the previous period of W11, and W09
						// as the previous period of a series of one week.
						const w11 = await computeKpis(parseKpiParams({ from: '2026-03-09', to: '2026-03-16', ...filter }), db);
						const w10 = await computeKpis(parseKpiParams({ ...week, ...filter }), db);
						const { period: _p, filters: _f, previous, weekly: _w, ...current } = fromSeries;
						const { period: _q, ...queried } = w11.previous;
						expect(current).toEqual(queried);
						expect(previous).toEqual(w10.previous);
					}
				});
			} finally {
				delete process.env.HANDOFF_TZ;
			}
		}
	});
});

describe('periods in HANDOFF_TZ', () => {
	it('reads period bounds and naive timestamps in the zone (Europe/Berlin)', () =>
		withDb(async (db, dir) => {
			process.env.HANDOFF_TZ = 'Europe/Berlin';
			try {
				// N1 is naive 23:30 Berlin on Mar 1 (= 22:30Z): before the period, which starts at
				// Mar 2 00:00 Berlin = Mar 1 23:00Z. N2 is 00:30+01:00 on Mar 2 (= 23:30Z Mar 1): inside.
				await load(
					db,
					dir,
					'ticket_id,created_at\nN1,2026-03-01 23:30\nN2,2026-03-02T00:30:00+01:00\n',
					'ticket_id,occurred_at,type\n',
					'Europe/Berlin'
				);
				const k = await computeKpis(parseKpiParams({ from: '2026-03-02', to: '2026-03-03' }), db);
				expect(k.tickets_created).toBe(1);
				expect(k.period.time_zone).toBe('Europe/Berlin');
			} finally {
				delete process.env.HANDOFF_TZ;
			}
		}));

	it('handles the 23-hour day of a DST change (America/New_York, 2026-03-08)', () =>
		withDb(async (db, dir) => {
			process.env.HANDOFF_TZ = 'America/New_York';
			try {
				// The day is [Mar 8 00:00 EST, Mar 9 00:00 EDT) = [05:00Z Mar 8, 04:00Z Mar 9): 23 hours.
				// S1 04:30Z Mar 8 = 23:30 EST Mar 7: out. S2 03:30Z Mar 9 = 23:30 EDT Mar 8: in.
				// S3 04:30Z Mar 9 = 00:30 EDT Mar 9: out. S4 created 01:30 EST (06:30Z), resolved
				// 03:30 EDT (07:30Z): in, and its resolution took 1 hour, not 2.
				await load(
					db,
					dir,
					'ticket_id,created_at,resolved_at\nS1,2026-03-08T04:30:00Z,\nS2,2026-03-09T03:30:00Z,\nS3,2026-03-09T04:30:00Z,\nS4,2026-03-08 01:30,2026-03-08 03:30\n',
					'ticket_id,occurred_at,type\n',
					'America/New_York'
				);
				const k = await computeKpis(parseKpiParams({ from: '2026-03-08', to: '2026-03-09' }), db);
				expect(k.tickets_created).toBe(2);
				expect(k.mttr_hours_by_tier['1']).toEqual({ count: 1, mean: 1, median: 1, p90: 1 });
				// Sunday Mar 8 belongs to the ISO week that began Monday Mar 2.
				expect(k.weekly.map((w) => w.week)).toEqual(['2026-W10']);
			} finally {
				delete process.env.HANDOFF_TZ;
			}
		}));
});

describe('parseKpiParams()', () => {
	it('refuses bad periods, unknown filters and SQL in a value with a clear message', () => {
		expect(() => parseKpiParams({ from: '2026-03-09', to: '2026-03-02' })).toThrow('from must be before to');
		expect(() => parseKpiParams({ from: '2026-02-30', to: '2026-03-02' })).toThrow('from is not a real date');
		expect(() => parseKpiParams({ from: '2026-03-02', to: '2026-03-09', priority: 'asap' })).toThrow(KpiParamsError);
		expect(() => parseKpiParams({ from: '2026-03-02', to: '2026-03-09', tier: "1 OR 1=1" })).toThrow(/tier/);
		expect(() => parseKpiParams({ from: "2026-03-02'; DROP TABLE tickets; --", to: '2026-03-09' })).toThrow(/from/);
		expect(() => parseKpiParams({ from: '2026-03-02', to: '2026-03-09', colour: 'red' })).toThrow('unknown parameter colour');
	});

	it('refuses SQL in a filter value, and binds a value that gets past the parser as data', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			expect(() => parseKpiParams({ ...week, team: "alpha' OR '1'='1" })).toThrow(/^team may only hold letters/);
			// The second wall: the query binds the value, so even unchecked text matches no team.
			const k = await computeKpis({ ...parseKpiParams(week), team: "alpha' OR '1'='1" }, db);
			expect(k.tickets_created).toBe(0);
		}));
});

describe('kpiTickets(): the drill-down', () => {
	it('lists exactly the tickets of each numerator and denominator on the hand-made desk', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const ids = async (kpi: string, part: string) =>
				(await kpiTickets(parseDrillParams({ ...week, kpi, part }).drill, parseKpiParams(week), db)).tickets.map((t) => t.ticket_id).sort();
			// From the table at the top of this file.
			expect(await ids('escalation_rate', 'numerator')).toEqual(['B', 'E', 'I', 'J']);
			expect(await ids('escalation_rate', 'denominator')).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'J']);
			expect(await ids('fcr', 'numerator')).toEqual(['A', 'F']);
			expect(await ids('fcr', 'denominator')).toEqual(['A', 'B', 'C', 'E', 'F', 'G', 'H', 'J']);
			expect(await ids('reopen_rate', 'numerator')).toEqual(['C']);
			expect(await ids('csat', 'numerator')).toEqual(['A', 'C', 'E']);
			expect(await ids('csat', 'denominator')).toEqual(['A', 'B', 'C', 'E', 'F']);
		}));

	it('agrees with every KPI on demo data, with a filter, and pages through the list', () =>
		withDb(async (db, dir) => {
			const demo = await writeDemoCsv(path.join(dir, 'demo'), { tickets: 1500, seed: 11, end: new Date('2026-03-30T00:00:00Z') });
			await runImport({ ticketsFile: demo.ticketsPath, eventsFile: demo.eventsPath, source: 'demo', db });
			const period = { from: '2026-01-05', to: '2026-03-30', priority: 'high' };
			const k = await computeKpis(parseKpiParams(period), db);
			const total = async (kpi: string, part: string) =>
				(await kpiTickets(parseDrillParams({ ...period, kpi, part, page_size: '1' }).drill, parseKpiParams(period), db)).total;
			const sumCounts = (m: Record<string, { count: number }>) => Object.values(m).reduce((n, s) => n + s.count, 0);
			const satisfied = Math.round((k.csat.escalated.satisfied_rate ?? 0) * k.csat.escalated.rated + (k.csat.not_escalated.satisfied_rate ?? 0) * k.csat.not_escalated.rated);
			const expected: Record<(typeof KPI_NAMES)[number], [number, number]> = {
				escalation_rate: [k.escalated_tickets, k.tickets_created],
				fcr: [k.fcr_tickets, k.tickets_resolved],
				reopen_rate: [k.reopened_tickets, k.tickets_resolved],
				mttr_by_tier: [sumCounts(k.mttr_hours_by_tier), sumCounts(k.mttr_hours_by_tier)],
				resolution_time_by_tier: [sumCounts(k.resolution_hours_by_tier), sumCounts(k.resolution_hours_by_tier)],
				csat: [satisfied, k.csat.escalated.rated + k.csat.not_escalated.rated]
			};
			for (const kpi of KPI_NAMES) {
				expect([await total(kpi, 'numerator'), await total(kpi, 'denominator')], kpi).toEqual(expected[kpi]);
			}
			// SLA, per tier: met segments are the numerator, judged ones the denominator.
			const slaTotal = async (kpi: string, part: string, tier: string) =>
				(await kpiTickets(parseDrillParams({ ...period, kpi, part, sla_tier: tier, page_size: '1' }).drill, parseKpiParams(period), db)).total;
			expect(Object.keys(k.sla_by_tier ?? {})).toEqual(['1', '2', '3']);
			for (const [tier, x] of Object.entries(k.sla_by_tier ?? {})) {
				expect([await slaTotal('sla_response', 'numerator', tier), await slaTotal('sla_response', 'denominator', tier)]).toEqual([x.response_met_count, x.response_judged]);
				expect([await slaTotal('sla_resolution', 'numerator', tier), await slaTotal('sla_resolution', 'denominator', tier)]).toEqual([
					x.resolution_met_count,
					x.resolution_judged
				]);
			}
			// One row of the MTTR table, and one half of the CSAT card.
			const narrowed = async (kpi: string, part: string, extra: Record<string, string>) =>
				(await kpiTickets(parseDrillParams({ ...period, kpi, part, page_size: '1', ...extra }).drill, parseKpiParams(period), db)).total;
			for (const [tier, m] of Object.entries(k.mttr_hours_by_tier)) {
				expect(await narrowed('mttr_by_tier', 'denominator', { resolving_tier: tier }), `tier ${tier}`).toBe(m.count);
			}
			expect(await narrowed('csat', 'denominator', { escalated: 'true' })).toBe(k.csat.escalated.rated);
			expect(await narrowed('csat', 'denominator', { escalated: 'false' })).toBe(k.csat.not_escalated.rated);
			expect(await narrowed('csat', 'numerator', { escalated: 'true' })).toBe(
				Math.round((k.csat.escalated.satisfied_rate ?? 0) * k.csat.escalated.rated)
			);
			expect(k.tickets_created).toBeGreaterThan(20);

			// Pages of 10 cover the denominator exactly once.
			const seen: string[] = [];
			for (let page = 1; seen.length < k.tickets_created; page++) {
				const p = await kpiTickets(parseDrillParams({ ...period, kpi: 'escalation_rate', part: 'denominator', page: String(page), page_size: '10' }).drill, parseKpiParams(period), db);
				expect(p.tickets.length).toBeGreaterThan(0);
				seen.push(...p.tickets.map((t) => t.ticket_id));
			}
			expect(new Set(seen).size).toBe(k.tickets_created);
		}));

	it('refuses an unknown KPI or part', () => {
		expect(() => parseDrillParams({ ...week, kpi: 'happiness', part: 'numerator' })).toThrow(/kpi/);
		expect(() => parseDrillParams({ ...week, kpi: 'fcr', part: 'half' })).toThrow(/part/);
	});
});
