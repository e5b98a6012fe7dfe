// The Trends page's data on desks small enough to count by hand: escalation events by week and
// month, the share toggle, filters, months in HANDOFF_TZ, spikes, and the escalation-rate
// series taken from the KPI engine with its rolling average.
import { afterEach, describe, expect, it } from 'vitest';
import { computeKpis, KpiParamsError, parseKpiParams } from '../src/lib/server/kpis.ts';
import { computeTrends, parseTrendParams, type BucketCount } from '../src/lib/server/trends.ts';
import { importCsv, withDb } from './helpers.ts';

// ISO weeks of 2026: W09 Feb 23, W10 Mar 2, W11 Mar 9, W12 Mar 16, W13 Mar 23, W14 Mar 30.
const TICKETS = `ticket_id,created_at,category,team,csat_score
X1,2026-02-23T09:00:00Z,billing,alpha,
B1,2026-03-02T09:00:00Z,billing,alpha,5
B2,2026-03-03T09:00:00Z,billing,alpha,
L1,2026-03-09T09:00:00Z,login,alpha,
L2,2026-03-10T09:00:00Z,login,alpha,2
B3,2026-03-16T09:00:00Z,billing,alpha,
L3,2026-03-24T09:00:00Z,login,beta,
L4,2026-03-25T09:00:00Z,login,alpha,
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger
X1,2026-02-27T10:00:00Z,escalated,1,2,functional,technical_complexity
B1,2026-03-02T10:00:00Z,escalated,1,2,functional,technical_complexity
B1,2026-03-02T12:00:00Z,resolved,,,,
B2,2026-03-10T10:00:00Z,escalated,1,2,hierarchical,sla_breach
L1,2026-03-09T10:00:00Z,escalated,1,2,,customer_sentiment
L2,2026-03-10T11:00:00Z,resolved,,,,
B3,2026-03-16T10:00:00Z,escalated,1,2,functional,technical_complexity
B3,2026-03-16T12:00:00Z,escalated,2,3,hierarchical,customer_request
L3,2026-03-24T10:00:00Z,escalated,1,2,functional,other
L4,2026-03-31T10:00:00Z,escalated,1,2,functional,other
`;

/** key -> [events per bucket, in bucket order] */
function byKey(rows: BucketCount[], pick: (r: BucketCount) => number | null = (r) => r.events) {
	const out: Record<string, (number | null)[]> = {};
	for (const r of rows) (out[r.key] ??= []).push(pick(r));
	return out;
}

const savedTz = process.env.HANDOFF_TZ;
const savedDb = process.env.HANDOFF_DB;
afterEach(() => {
	if (savedTz === undefined) delete process.env.HANDOFF_TZ;
	else process.env.HANDOFF_TZ = savedTz;
	if (savedDb === undefined) delete process.env.HANDOFF_DB;
	else process.env.HANDOFF_DB = savedDb;
});

const query = (from: string, to: string, extra: Record<string, string> = {}, grain: 'week' | 'month' = 'week', share = false) => ({
	filters: parseKpiParams({ from, to, ...extra }),
	grain,
	share
});

describe('computeTrends(): escalations over time', () => {
	it('counts escalation events by the ISO week they occurred in, per category, trigger and kind', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await computeTrends(query('2026-03-02', '2026-03-30'), db);
			// Events in [Mar 2, Mar 30): X1's (Feb 27) and L4's (Mar 31) are outside.
			// W10: B1.  W11: B2 (created in W10, escalated in W11), L1.  W12: B3 twice (1->2, 2->3).  W13: L3.
			// billing 1, 1, 2, 0; login 0, 1, 0, 1 (zero-filled).
			expect(byKey(r.escalations.category)).toEqual({ billing: [1, 1, 2, 0], login: [0, 1, 0, 1] });
			// All escalations per week: 1, 2, 2, 1, the same for every category and for the triggers.
			expect(byKey(r.escalations.category, (x) => x.bucket_total).login).toEqual([1, 2, 2, 1]);
			expect(byKey(r.escalations.trigger, (x) => x.bucket_total).other).toEqual([1, 2, 2, 1]);
			expect(r.escalations.category.filter((x) => x.key === 'billing').map((x) => [x.bucket, x.bucket_end, x.partial])).toEqual([
				['2026-03-02', '2026-03-09', false],
				['2026-03-09', '2026-03-16', false],
				['2026-03-16', '2026-03-23', false],
				['2026-03-23', '2026-03-30', false]
			]);
			// Triggers: technical_complexity B1 (W10), B3's first (W12); sla_breach B2 (W11);
			// customer_sentiment L1 (W11); customer_request B3's second (W12); other L3 (W13).
			expect(byKey(r.escalations.trigger)).toEqual({
				customer_request: [0, 0, 1, 0],
				customer_sentiment: [0, 1, 0, 0],
				other: [0, 0, 0, 1],
				sla_breach: [0, 1, 0, 0],
				technical_complexity: [1, 0, 1, 0]
			});
			// Kinds: functional B1, B3's first, L3; hierarchical B2, B3's second; L1 has none: unknown.
			expect(byKey(r.escalations.kind)).toEqual({ functional: [1, 0, 1, 1], hierarchical: [0, 1, 1, 0], unknown: [0, 1, 0, 0] });
		}));

	it('gives shares that sum to 1 in every week with escalations, and null in a week without', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Mar 30 - Apr 6 adds W14, whose only escalation (L4, Mar 31) is login's.
			const r = await computeTrends(query('2026-03-02', '2026-04-06', {}, 'week', true), db);
			// billing 1/1, 1/2, 2/2, 0/1, 0/1; login 0/1, 1/2, 0/2, 1/1, 1/1.
			expect(byKey(r.escalations.category, (x) => x.share)).toEqual({ billing: [1, 0.5, 1, 0, 0], login: [0, 0.5, 0, 1, 1] });
			for (const dim of ['category', 'trigger', 'kind'] as const) {
				const sums = new Map<string, number>();
				for (const x of r.escalations[dim]) sums.set(x.bucket, (sums.get(x.bucket) ?? 0) + (x.share ?? 0));
				for (const [bucket, sum] of sums) expect(sum, `${dim} ${bucket}`).toBeCloseTo(1, 12);
			}
			// Weeks before the first escalation (X1, Feb 27) have none, so no share: 0 of 0 is not 0%.
			// Only billing escalated in Feb 2 - Mar 9 (X1, B1), so only billing is listed.
			const quiet = await computeTrends(query('2026-02-02', '2026-03-09', {}, 'week', true), db);
			expect(quiet.escalations.category.map((x) => [x.key, x.bucket, x.events, x.share])).toEqual([
				['billing', '2026-02-02', 0, null],
				['billing', '2026-02-09', 0, null],
				['billing', '2026-02-16', 0, null],
				['billing', '2026-02-23', 1, 1],
				['billing', '2026-03-02', 1, 1]
			]);
		}));

	it('applies the filters to the ticket behind each escalation', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Team beta owns L3 alone: login 1 in W13, and no other category appears.
			const beta = await computeTrends(query('2026-03-02', '2026-03-30', { team: 'beta' }), db);
			expect(byKey(beta.escalations.category)).toEqual({ login: [0, 0, 0, 1] });
			expect(byKey(beta.escalations.trigger)).toEqual({ other: [0, 0, 0, 1] });
			// Reached tier 3: only B3 did, and both its escalations count (W12).
			const tier3 = await computeTrends(query('2026-03-02', '2026-03-30', { tier: '3' }), db);
			expect(byKey(tier3.escalations.category)).toEqual({ billing: [0, 0, 2, 0] });
			// The KPI series are filtered the same way: team beta created 1 ticket (L3, W13), escalated.
			expect(beta.rate.series.map((w) => [w.week, w.tickets_created, w.escalated_tickets])).toEqual([
				['2026-W10', 0, 0],
				['2026-W11', 0, 0],
				['2026-W12', 0, 0],
				['2026-W13', 1, 1]
			]);
		}));

	it('buckets months in HANDOFF_TZ, and marks a month only partly in the period', () =>
		withDb(async (db, dir) => {
			process.env.HANDOFF_TZ = 'America/New_York';
			await importCsv(
				db,
				dir,
				`ticket_id,created_at,category
M1,2026-03-01T02:00:00Z,billing
M2,2026-03-31T23:00:00Z,billing
M3,2026-04-01T04:00:00Z,billing
`,
				// M1 escalated Mar 1 03:00 UTC = Feb 28 22:00 EST: February in New York (March in UTC).
				// M2 escalated Apr 1 02:00 UTC = Mar 31 22:00 EDT: March in New York (April in UTC).
				// M3 escalated Apr 1 05:00 UTC = Apr 1 01:00 EDT: April either way.
				`ticket_id,occurred_at,type,from_tier,to_tier
M1,2026-03-01T03:00:00Z,escalated,1,2
M2,2026-04-01T02:00:00Z,escalated,1,2
M3,2026-04-01T05:00:00Z,escalated,1,2
`,
				'America/New_York'
			);
			const r = await computeTrends(query('2026-02-01', '2026-05-01', {}, 'month'), db);
			expect(r.escalations.category.map((x) => [x.bucket, x.bucket_end, x.partial, x.events])).toEqual([
				['2026-02-01', '2026-03-01', false, 1],
				['2026-03-01', '2026-04-01', false, 1],
				['2026-04-01', '2026-05-01', false, 1]
			]);
			// From Feb 15 to Apr 1 (local): February and March are both cut by the period; M1
			// (Feb 28 local) and M2 (Mar 31 local) are inside it, M3 is not.
			const cut = await computeTrends(query('2026-02-15', '2026-04-01', {}, 'month'), db);
			expect(cut.escalations.category.map((x) => [x.bucket, x.partial, x.events])).toEqual([
				['2026-02-01', true, 1],
				['2026-03-01', false, 1]
			]);
		}));

	it('sums the weeks into months: the March total is the weeks of March', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Mar 2 - Mar 30 at month grain: one bucket, March, partial (Mar 1 and Mar 30-31 are outside).
			// billing 1 + 1 + 2 + 0 = 4, login 0 + 1 + 0 + 1 = 2; shares 4/6 and 2/6.
			const r = await computeTrends(query('2026-03-02', '2026-03-30', {}, 'month', true), db);
			expect(r.escalations.category.map((x) => [x.key, x.bucket, x.partial, x.events])).toEqual([
				['billing', '2026-03-01', true, 4],
				['login', '2026-03-01', true, 2]
			]);
			expect(r.escalations.category[0].share).toBeCloseTo(4 / 6, 12);
			expect(r.escalations.category[1].share).toBeCloseTo(2 / 6, 12);
		}));
});

describe('computeTrends(): the KPI series', () => {
	it("takes the escalation rate from the KPI engine's weekly series, with a 4-week rolling rate", () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await computeTrends(query('2026-03-02', '2026-03-30'), db);
			// 4 weeks in the period + 3 run-up weeks for the rolling window.
			expect(r.rate.kpi_weeks).toBe(7);
			// Created (escalated at any time): W09 X1 (1/1); W10 B1, B2 (2/2, B2's escalation is in W11);
			// W11 L1, L2 (1/2); W12 B3 (1/1); W13 L3, L4 (2/2, L4's escalation is after the period).
			// Rolling, escalated / created over 4 weeks: W10 (W07-W10) 3/3; W11 (W08-W11) 4/5;
			// W12 (W09-W12) 5/6; W13 (W10-W13) 6/7.
			expect(r.rate.series.map((w) => [w.week, w.tickets_created, w.escalated_tickets, w.escalation_rate])).toEqual([
				['2026-W10', 2, 2, 1],
				['2026-W11', 2, 1, 0.5],
				['2026-W12', 1, 1, 1],
				['2026-W13', 2, 2, 1]
			]);
			const rolling = r.rate.series.map((w) => w.rolling_rate);
			expect(rolling[0]).toBe(1);
			expect(rolling[1]).toBeCloseTo(4 / 5, 12);
			expect(rolling[2]).toBeCloseTo(5 / 6, 12);
			expect(rolling[3]).toBeCloseTo(6 / 7, 12);
			// The rolling rate is the engine's own escalation rate over those 4 weeks.
			const w13 = await computeKpis(parseKpiParams({ from: '2026-03-02', to: '2026-03-30' }), db);
			expect(rolling[3]).toBe(w13.escalation_rate);
			// And each weekly value is the engine's, for the same weeks.
			const engine = await computeKpis(parseKpiParams({ from: '2026-03-02', to: '2026-03-30', weeks: '7' }), db);
			expect(r.rate.series).toEqual(
				engine.weekly.slice(3).map((w, i) => ({
					week: w.week,
					week_start: w.week_start,
					tickets_created: w.tickets_created,
					escalated_tickets: w.escalated_tickets,
					escalation_rate: w.escalation_rate,
					rolling_rate: rolling[i]
				}))
			);
		}));

	it('lists MTTR by tier and CSAT escalated vs not per week, as the engine measures them', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const r = await computeTrends(query('2026-03-02', '2026-03-30'), db);
			// Resolved: B1 on Mar 2 12:00 at tier 2 (escalated 10:00): 2 h; L2 on Mar 10 11:00 at tier 1
			// (created 09:00): 2 h. Both rated: B1 5 (escalated, satisfied), L2 2 (not escalated, not satisfied).
			expect(r.mttr).toEqual([
				{ week: '2026-W10', week_start: '2026-03-02', tier: 2, median: 2, count: 1 },
				{ week: '2026-W11', week_start: '2026-03-09', tier: 1, median: 2, count: 1 }
			]);
			expect(r.csat.filter((c) => c.rated > 0)).toEqual([
				{ week: '2026-W10', week_start: '2026-03-02', group: 'escalated', satisfied_rate: 1, rated: 1 },
				{ week: '2026-W11', week_start: '2026-03-09', group: 'not escalated', satisfied_rate: 0, rated: 1 }
			]);
			expect(r.csat).toHaveLength(8); // both groups in each of the 4 weeks, unrated ones with null
		}));
});

describe('computeTrends(): category spikes', () => {
	it('names the category and the week of every spike that starts in the period (SPEC.md rule)', () =>
		withDb(async (db, dir) => {
			// billing: 1 escalation in each of the weeks of Feb 2, 9, 16, 23, then 5 in the week of
			// Mar 2: baseline 1, 5 >= 2 x 1 and 5 >= 5: a spike. login: 4 in the week of Mar 2: not.
			const weeks = ['2026-02-03', '2026-02-10', '2026-02-17', '2026-02-24', '2026-03-03'];
			const plan: Record<string, number[]> = { billing: [1, 1, 1, 1, 5], login: [0, 0, 0, 0, 4] };
			let tickets = 'ticket_id,created_at,category\n';
			let events = 'ticket_id,occurred_at,type,from_tier,to_tier\n';
			for (const [category, counts] of Object.entries(plan)) {
				counts.forEach((n, w) => {
					for (let i = 0; i < n; i++) {
						const id = `${category}-${w}-${i}`;
						tickets += `${id},${weeks[w]}T09:00:00Z,${category}\n`;
						events += `${id},${weeks[w]}T10:00:00Z,escalated,1,2\n`;
					}
				});
			}
			await importCsv(db, dir, tickets, events);
			const r = await computeTrends(query('2026-02-02', '2026-03-09'), db);
			expect(r.spikes).toEqual([{ category: 'billing', week_start: '2026-03-02', week_end: '2026-03-09', escalations: 5, baseline: 1, ratio: 5 }]);
			// The chart's own count for that week is the spike's count.
			expect(r.escalations.category.find((x) => x.key === 'billing' && x.bucket === '2026-03-02')?.events).toBe(5);
			// A period that ends before the spike's week does not list it.
			expect((await computeTrends(query('2026-02-02', '2026-03-02'), db)).spikes).toEqual([]);
		}));
});

describe('parseTrendParams()', () => {
	it('defaults to the 26 ISO weeks ending with the last complete week, weekly counts', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			process.env.HANDOFF_DB = db;
			// The data ends on Tue Mar 31 (L4's escalation), so the last complete week is Mar 23-29;
			// 26 weeks back from Mar 30 is Sep 29, 2025.
			const q = await parseTrendParams({});
			expect(q?.filters).toMatchObject({ from: '2025-09-29', to: '2026-03-30' });
			expect(q?.grain).toBe('week');
			expect(q?.share).toBe(false);
			const m = await parseTrendParams({ grain: 'month', share: '1', category: 'login' });
			expect(m).toMatchObject({ grain: 'month', share: true, filters: { category: 'login', to: '2026-03-30' } });
		}));

	it('rejects an unknown grain, a share that is not 0 or 1, weeks, and an over-long period', async () => {
		const bad = [
			{ from: '2026-03-02', to: '2026-03-30', grain: 'year' },
			{ from: '2026-03-02', to: '2026-03-30', share: 'yes' },
			{ from: '2026-03-02', to: '2026-03-30', weeks: '4' },
			{ from: '2023-01-02', to: '2026-03-30' },
			{ from: '2026-03-30', to: '2026-03-02' }
		];
		for (const input of bad) await expect(parseTrendParams(input), JSON.stringify(input)).rejects.toBeInstanceOf(KpiParamsError);
	});
});
