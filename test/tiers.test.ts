// The tiers view on a desk worked out by hand: the transition matrix, time in tier, SLA by tier
// and priority (whose per-tier totals must equal the KPI engine's sla_by_tier), and the bounced
// escalations and ping-pong tickets (whose counts must equal the escalation analysis').
import { describe, expect, it } from 'vitest';
import { computeEscalations } from '../src/lib/server/escalations.ts';
import { computeKpis, KpiParamsError, parseKpiParams } from '../src/lib/server/kpis.ts';
import { computeTiers, parseTiersParams } from '../src/lib/server/tiers.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,priority
A,2026-03-02T09:00:00Z,normal
B,2026-03-03T08:00:00Z,high
P,2026-03-04T09:00:00Z,urgent
C,2026-03-06T09:00:00Z,normal
D,2026-03-01T10:00:00Z,low
E,2026-03-08T22:00:00Z,normal
F,2026-03-08T20:00:00Z,normal
Z,2026-03-09T12:00:00Z,normal
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger
A,2026-03-02T09:30:00Z,responded,,,,
A,2026-03-02T11:00:00Z,escalated,1,2,functional,technical_complexity
A,2026-03-02T12:00:00Z,responded,,,,
A,2026-03-02T15:00:00Z,resolved,,,,
B,2026-03-03T10:00:00Z,escalated,1,2,functional,customer_request
B,2026-03-03T10:30:00Z,de_escalated,2,1,,
B,2026-03-03T11:00:00Z,responded,,,,
B,2026-03-03T20:00:00Z,resolved,,,,
P,2026-03-04T10:00:00Z,escalated,1,2,functional,technical_complexity
P,2026-03-04T12:00:00Z,de_escalated,2,1,,
P,2026-03-04T13:00:00Z,escalated,1,2,functional,technical_complexity
P,2026-03-04T13:10:00Z,responded,,,,
P,2026-03-05T13:00:00Z,resolved,,,,
C,2026-03-06T10:00:00Z,escalated,1,3,hierarchical,high_value_impact
D,2026-03-02T10:00:00Z,escalated,1,2,functional,sla_breach
D,2026-03-02T14:00:00Z,resolved,,,,
F,2026-03-08T23:00:00Z,escalated,1,2,functional,technical_complexity
F,2026-03-09T02:00:00Z,resolved,,,,
`;
// Period [Mar 2, Mar 9) UTC. As-of time = the latest timestamp = Z's created_at, Mar 9 12:00.
// Tier segments (start, end, hours):
//   A0 t1 09:00-11:00 handed on, 2 h        A1 t2 11:00-15:00 resolved, 4 h
//   B0 t1 08:00-10:00, 2 h   B1 t2 10:00-10:30, 0.5 h (bounced back)   B2 t1 10:30-20:00 resolved, 9.5 h
//   P0 t1 09:00-10:00, 1 h   P1 t2 10:00-12:00, 2 h   P2 t1 12:00-13:00, 1 h   P3 t2 Mar 4 13:00-Mar 5 13:00, 24 h
//   C0 t1 Mar 6 09:00-10:00, 1 h   C1 t3 from Mar 6 10:00, still open (74 h at the as-of time)
//   D0 t1 Mar 1 10:00-Mar 2 10:00, 24 h (starts before the period, ends in it)   D1 t2 Mar 2 10:00-14:00, 4 h
//   E0 t1 from Mar 8 22:00, still open (14 h)
//   F0 t1 Mar 8 20:00-23:00, 3 h   F1 t2 Mar 8 23:00-Mar 9 02:00, 3 h (ends after the period)
//   Z0 t1 from Mar 9 12:00 (after the period)
const PERIOD = { from: '2026-03-02', to: '2026-03-09' };
const load = (db: string, dir: string) => importCsv(db, dir, TICKETS, EVENTS);

describe('computeTiers(): transition matrix', () => {
	it('counts tier changes in the period by from and to tier, with the escalations that bounced', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams(PERIOD), db);
			// Escalated 1->2: A, B, P twice, D (Mar 2 10:00, its ticket created before the period), F = 6
			// events on 5 tickets; B's and P's first bounced: 2 of 6.
			// De-escalated 2->1: B, P = 2. Escalated 1->3: C = 1.
			expect(t.transitions).toEqual([
				{ type: 'escalated', from_tier: 1, to_tier: 2, events: 6, bounced: 2, bounced_share: 2 / 6, tickets: 5 },
				{ type: 'escalated', from_tier: 1, to_tier: 3, events: 1, bounced: 0, bounced_share: 0, tickets: 1 },
				{ type: 'de_escalated', from_tier: 2, to_tier: 1, events: 2, bounced: 0, bounced_share: 0, tickets: 2 }
			]);
			// The same counts as the escalation analysis' matrix.
			const e = await computeEscalations(parseKpiParams(PERIOD), db);
			const key = (r: { type: string; from_tier: number; to_tier: number }) => `${r.type} ${r.from_tier}->${r.to_tier}`;
			expect(Object.fromEntries(t.transitions.map((r) => [key(r), [r.events, r.bounced]]))).toEqual(
				Object.fromEntries(e.mix.transitions.map((r) => [key(r), [r.events, r.bounced]]))
			);
		}));

	it('means the same by a filter as every other page: tier=3 keeps the tickets that reached tier 3', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams({ ...PERIOD, tier: '3' }), db);
			// Only C reached tier 3.
			expect(t.transitions).toEqual([{ type: 'escalated', from_tier: 1, to_tier: 3, events: 1, bounced: 0, bounced_share: 0, tickets: 1 }]);
			expect(t.time_in_tier.map((x) => [x.tier, x.closed_segments, x.median_hours, x.open_segments])).toEqual([
				[1, 1, 1, 0], // C0, 1 h
				[3, 0, null, 1] // C1, still open
			]);
		}));

	it('reads tiers up to 9, the highest the import accepts (tier 8 once overflowed the facts rebuild)', () =>
		withDb(async (db, dir) => {
			await importCsv(
				db,
				dir,
				'ticket_id,created_at\nH,2026-03-02T09:00:00Z\nL,2026-03-02T09:00:00Z\n',
				'ticket_id,occurred_at,type,from_tier,to_tier\nH,2026-03-02T10:00:00Z,escalated,1,8\nH,2026-03-02T11:00:00Z,escalated,8,9\n'
			);
			for (const tier of ['8', '9']) {
				const t = await computeTiers(parseKpiParams({ ...PERIOD, tier }), db);
				// Only H reached tiers 8 and 9: its two tier changes.
				expect(t.transitions.map((x) => [x.from_tier, x.to_tier, x.tickets])).toEqual([[1, 8, 1], [8, 9, 1]]);
			}
		}));
});

describe('computeTiers(): the tickets behind a matrix cell', () => {
	it('lists the tier changes one cell counts, as many as the cell says', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const { filters, transition } = parseTiersParams({ ...PERIOD, transition: 'escalated:1-2' });
			const t = await computeTiers(filters, db, transition);
			// Escalated 1->2 in the period, oldest first: D Mar 2 10:00, A Mar 2 11:00, B Mar 3 10:00
			// (bounced), P Mar 4 10:00 (bounced), P Mar 4 13:00, F Mar 8 23:00: 6, the cell's count.
			expect(t.transition_tickets?.total).toBe(6);
			expect(t.transition_tickets?.list.map((x) => [x.ticket_id, x.bounced])).toEqual([
				['D', false], ['A', false], ['B', true], ['P', true], ['P', false], ['F', false]
			]);
			expect(t.transition_tickets?.list[2]).toMatchObject({ occurred_at: '2026-03-03T10:00:00.000Z', trigger: 'customer_request', priority: 'high', tier_path: [1, 2, 1] });
			// Without a cell in the URL, nothing is listed.
			expect((await computeTiers(parseKpiParams(PERIOD), db)).transition_tickets).toBeNull();
		}));

	it('refuses a transition it cannot read', () => {
		expect(() => parseTiersParams({ ...PERIOD, transition: 'up:1-2' })).toThrow(KpiParamsError);
		expect(() => parseTiersParams({ ...PERIOD, transition: 'escalated:1-2;drop' })).toThrow(/transition must be/);
		expect(parseTiersParams({ ...PERIOD, transition: 'de_escalated:3-1' }).transition).toEqual({ type: 'de_escalated', from_tier: 3, to_tier: 1 });
	});
});

describe('computeTiers(): time in tier', () => {
	it('bins the segments that ended in the period and counts the open ones apart', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams(PERIOD), db);
			// Bins: <15m, 15m-1h, 1-4h, 4-8h, 8-24h, 1-3d, 3-7d, 7d+ (lower bound included).
			// Tier 1, ended in the period: A0 2, B0 2, B2 9.5, P0 1, P2 1, C0 1, D0 24, F0 3 hours = 8.
			//   Sorted 1 1 1 2 2 3 9.5 24: median (2 + 2) / 2 = 2 (in 1-4h); p90 at 7 * 0.9 = 6.3:
			//   9.5 + 0.3 * (24 - 9.5) = 13.85. Bins: 1-4h six, 8-24h one (9.5), 1-3d one (24).
			//   Open: E0, 14 h old at the as-of time (Z0 starts after the period ends: not counted).
			// Tier 2: A1 4, B1 0.5, P1 2, P3 24, D1 4 = 5 (F1 ends on Mar 9, after the period).
			//   Sorted 0.5 2 4 4 24: median 4 (in 4-8h, its lower bound); p90 at 3.6: 4 + 0.6 * 20 = 16.
			//   Open: none.
			// Tier 3: nothing ended; C1 open, 74 h old (Mar 6 10:00 to Mar 9 12:00).
			const [t1, t2, t3] = t.time_in_tier;
			expect(t.time_in_tier).toHaveLength(3);
			expect(t1).toMatchObject({ tier: 1, closed_segments: 8, median_hours: 2, open_segments: 1, open_median_age_hours: 14 });
			expect(t1.p90_hours).toBeCloseTo(13.85, 9);
			expect(t1.bins.map((b) => b.segments)).toEqual([0, 0, 6, 0, 1, 1, 0, 0]);
			expect(t1.bins.map((b) => b.share)).toEqual([0, 0, 6 / 8, 0, 1 / 8, 1 / 8, 0, 0]);
			expect(t1.bins.filter((b) => b.holds_median).map((b) => b.bin)).toEqual(['1-4h']);
			expect(t2).toMatchObject({ tier: 2, closed_segments: 5, median_hours: 4, open_segments: 0, open_median_age_hours: null });
			expect(t2.p90_hours).toBeCloseTo(16, 9);
			expect(t2.bins.map((b) => b.segments)).toEqual([0, 1, 1, 2, 0, 1, 0, 0]);
			expect(t2.bins.filter((b) => b.holds_median).map((b) => b.bin)).toEqual(['4-8h']);
			expect(t3).toMatchObject({ tier: 3, closed_segments: 0, median_hours: null, p90_hours: null, open_segments: 1, open_median_age_hours: 74 });
			expect(t3.bins.every((b) => b.segments === 0 && b.share === null && !b.holds_median)).toBe(true);
			expect(t1.bins.map((b) => [b.bin, b.lo_hours, b.hi_hours])).toEqual([
				['<15m', 0, 0.25], ['15m-1h', 0.25, 1], ['1-4h', 1, 4], ['4-8h', 4, 8],
				['8-24h', 8, 24], ['1-3d', 24, 72], ['3-7d', 72, 168], ['7d+', 168, null]
			]);
		}));
});

describe('computeTiers(): time in tier, edge cases', () => {
	it('ends a segment at the resolution in it, and ignores tier changes after the final resolution', () =>
		withDb(async (db, dir) => {
			// R: tier 1 for 2 h, tier 2 from 11:00, resolved at 13:00 (exactly then the tier-2 clock
			// stops: 2 h); an escalation to tier 3 at 14:00 with no reopening follows the final
			// resolution and opens no segment that counts. S: resolved at 10:00, reopened at 11:00,
			// resolved again at 12:00 in the same tier-1 segment: one segment of 3 h (09:00-12:00).
			await importCsv(
				db,
				dir,
				`ticket_id,created_at
R,2026-03-02T09:00:00Z
S,2026-03-03T09:00:00Z
`,
				`ticket_id,occurred_at,type,from_tier,to_tier
R,2026-03-02T11:00:00Z,escalated,1,2
R,2026-03-02T13:00:00Z,resolved,,
R,2026-03-02T14:00:00Z,escalated,2,3
S,2026-03-03T10:00:00Z,resolved,,
S,2026-03-03T11:00:00Z,reopened,,
S,2026-03-03T12:00:00Z,resolved,,
`
			);
			const t = await computeTiers(parseKpiParams(PERIOD), db);
			// Tier 1: R 2 h, S 3 h -> median 2.5; tier 2: R 2 h; tier 3: nothing closed, nothing open.
			expect(t.time_in_tier.map((x) => [x.tier, x.closed_segments, x.median_hours, x.open_segments])).toEqual([
				[1, 2, 2.5, 0],
				[2, 1, 2, 0]
			]);
		}));
});

describe('computeTiers(): SLA by tier and priority', () => {
	it('judges segments as the KPI engine does, and its per-tier totals equal sla_by_tier', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams(PERIOD), db);
			// Default targets: tier 1 1 h / 24 h, tier 2 4 h / 72 h, tier 3 0.5 h / 8 h. Segments starting
			// in the period (D0 starts Mar 1, Z0 Mar 9: out), response / resolution:
			// tier 1 normal: A0 met (0.5 h) / met; C0 miss (no response, closed) / met;
			//                E0 miss (open 14 h > 1 h) / left out (open, 14 h <= 24 h); F0 miss / met
			//   -> response 1 of 4, resolution 3 of 3, 4 segments
			// tier 1 high:   B0 miss (first response 11:00 is after its end) / met; B2 met (0.5 h) / met -> 1 of 2, 2 of 2
			// tier 1 urgent: P0 miss / met; P2 miss (responded 13:10, after its end) / met -> 0 of 2, 2 of 2
			// tier 1 all:    response 2 of 8, resolution 7 of 7, 8 segments
			// tier 2 low:    D1 miss (no response) / met (4 h) -> 0 of 1, 1 of 1
			// tier 2 normal: A1 met (1 h) / met; F1 miss / met (3 h) -> 1 of 2, 2 of 2
			// tier 2 high:   B1 miss / met -> 0 of 1, 1 of 1
			// tier 2 urgent: P1 miss / met; P3 met (10 min) / met (24 h) -> 1 of 2, 2 of 2
			// tier 2 all:    response 2 of 6, resolution 6 of 6
			// tier 3 normal: C1 open 74 h: miss / miss -> 0 of 1, 0 of 1
			const cell = (tier: number, priority: string | null, rm: number, rj: number, sm: number, sj: number, segments: number) => ({
				tier, priority,
				response_met_count: rm, response_judged: rj, response_met_rate: rj ? rm / rj : null,
				resolution_met_count: sm, resolution_judged: sj, resolution_met_rate: sj ? sm / sj : null,
				segments
			});
			expect(t.sla.calendar).toBe('calendar hours');
			expect(t.sla.cells).toEqual([
				cell(1, 'high', 1, 2, 2, 2, 2),
				cell(1, 'normal', 1, 4, 3, 3, 4),
				cell(1, 'urgent', 0, 2, 2, 2, 2),
				cell(1, null, 2, 8, 7, 7, 8),
				cell(2, 'high', 0, 1, 1, 1, 1),
				cell(2, 'low', 0, 1, 1, 1, 1),
				cell(2, 'normal', 1, 2, 2, 2, 2),
				cell(2, 'urgent', 1, 2, 2, 2, 2),
				cell(2, null, 2, 6, 6, 6, 6),
				cell(3, 'normal', 0, 1, 0, 1, 1),
				cell(3, null, 0, 1, 0, 1, 1)
			]);
			const k = await computeKpis(parseKpiParams(PERIOD), db);
			expect(k.sla_calendar).toBe(t.sla.calendar);
			const totals = Object.fromEntries(t.sla.cells.filter((c) => c.priority === null).map(({ tier, priority: _p, ...rest }) => [String(tier), rest]));
			expect(totals).toEqual(k.sla_by_tier);
		}));
});

describe('computeTiers(): bounced escalations and ping-pong tickets', () => {
	it('lists them for the tickets created in the period, with the escalation analysis\' counts', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams(PERIOD), db);
			// Created in the period: A B P C E F (D on Mar 1, Z on Mar 9 are not).
			// Bounced: B's escalation at Mar 3 10:00, back at 10:30 (0.5 h); P's first at Mar 4 10:00,
			// back at 12:00 (2 h). P's second escalation has no later change: not a bounce.
			expect(t.bounced).toEqual({
				escalations: 2,
				tickets: 2,
				list: [
					{ ticket_id: 'B', escalated_at: '2026-03-03T10:00:00.000Z', from_tier: 1, to_tier: 2, back_at: '2026-03-03T10:30:00.000Z', hours_before_back: 0.5 },
					{ ticket_id: 'P', escalated_at: '2026-03-04T10:00:00.000Z', from_tier: 1, to_tier: 2, back_at: '2026-03-04T12:00:00.000Z', hours_before_back: 2 }
				]
			});
			// Ping-pong: P, 1->2->1->2 (3 tier changes, tier 1 revisited); B's 1->2->1 is a bounce only.
			expect(t.ping_pong).toEqual({
				tickets: 1,
				list: [
					{ ticket_id: 'P', created_at: '2026-03-04T09:00:00.000Z', resolved_at: '2026-03-05T13:00:00.000Z', tier_path: [1, 2, 1, 2], tier_changes: 3, handoffs: 3 }
				]
			});
			const e = await computeEscalations(parseKpiParams(PERIOD), db);
			expect([t.bounced.escalations, t.bounced.tickets, t.ping_pong.tickets]).toEqual([
				e.handoffs.bounced_escalations,
				e.handoffs.bounced_tickets,
				e.handoffs.ping_pong_tickets
			]);
		}));

	it('gives zero counts and empty lists when nothing bounced', () =>
		withDb(async (db, dir) => {
			await load(db, dir);
			const t = await computeTiers(parseKpiParams({ ...PERIOD, priority: 'normal' }), db);
			// Normal priority: A, C, E, F (and Z): no bounce, no ping-pong.
			expect(t.bounced).toEqual({ escalations: 0, tickets: 0, list: [] });
			expect(t.ping_pong).toEqual({ tickets: 0, list: [] });
		}));
});
