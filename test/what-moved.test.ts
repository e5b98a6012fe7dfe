// "What moved": which changes get a sentence, how they are worded and ordered, and the
// drill-down each sentence links to. The inputs are written by hand; no database needed,
// except for the last test, which checks categoryMoves() against the KPI engine.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countChange, categoryMoves, whatMoved, type CategoryMove } from '../src/lib/server/what-moved.ts';
import { computeKpis, parseKpiParams, type KpiReport, type KpiSet } from '../src/lib/server/kpis.ts';
import { writeDemoCsv } from '../src/lib/server/demo-data.ts';
import { runImport } from '../src/lib/server/import.ts';
import { withDb } from './helpers.ts';

function set(over: Partial<KpiSet> = {}): KpiSet {
	return {
		tickets_created: 200,
		escalated_tickets: 40,
		escalation_rate: 0.2,
		tickets_resolved: 180,
		fcr_tickets: 120,
		fcr_rate: 120 / 180,
		reopened_tickets: 9,
		reopen_rate: 0.05,
		mttr_hours_by_tier: { '1': { mean: 5, median: 4, p90: 9, count: 120 }, '2': { mean: 30, median: 20, p90: 60, count: 40 } },
		resolution_hours_by_tier: {},
		csat: { escalated: { rated: 30, satisfied_rate: 0.6, mean: 3.5 }, not_escalated: { rated: 90, satisfied_rate: 0.85, mean: 4.3 } },
		...over
	};
}

function report(now: Partial<KpiSet>, before: Partial<KpiSet> = {}): KpiReport {
	return {
		period: { from: '2026-11-16', to: '2026-11-23', time_zone: 'UTC' },
		filters: {},
		...set(now),
		previous: { period: { from: '2026-11-09', to: '2026-11-16' }, ...set(before) },
		weekly: []
	};
}

const move = (category: string, escalated_before: number, escalated: number): CategoryMove => ({
	category,
	created: 100,
	escalated,
	created_before: 100,
	escalated_before
});

describe('countChange()', () => {
	it('says doubled, tripled, halved or the percentage', () => {
		expect(countChange(14, 28)).toBe('doubled');
		expect(countChange(14, 31)).toBe('more than doubled'); // 31 / 14 = 2.21
		expect(countChange(10, 30)).toBe('tripled');
		expect(countChange(10, 45)).toBe('more than tripled');
		expect(countChange(20, 10)).toBe('halved');
		expect(countChange(20, 6)).toBe('fell by more than half');
		expect(countChange(20, 27)).toBe('rose 35%'); // 27 / 20 = 1.35
		expect(countChange(20, 15)).toBe('fell 25%'); // 15 / 20 = 0.75
		expect(countChange(0, 7)).toBe('went from 0 to 7');
	});
});

describe('whatMoved()', () => {
	it('says nothing when nothing moved past the thresholds', () => {
		// Same KPIs in both periods; billing 10 -> 12 is +2 tickets, under the 3-ticket minimum.
		expect(whatMoved(report({}), [move('billing', 10, 12)], [])).toEqual([]);
	});

	it('words a category that doubled and links to exactly its escalated tickets', () => {
		const [m] = whatMoved(report({}), [move('billing', 14, 28), move('login', 3, 4)], []);
		expect(m.text).toBe('Billing escalations doubled: 14 → 28 escalated tickets');
		expect(m.tone).toBe('bad');
		expect(m.link).toEqual({ kpi: 'escalation_rate', part: 'numerator', category: 'billing' });
	});

	it('colours a rate by whether its direction is good, in points', () => {
		// FCR 120/180 = 66.7% before, 105/180 = 58.3% now: fell 8.3 pts, which is bad news.
		// Escalation rate 40/200 = 20.0% before, 30/200 = 15.0% now: fell 5.0 pts, good news.
		const moved = whatMoved(
			report({ fcr_tickets: 105, fcr_rate: 105 / 180, escalated_tickets: 30, escalation_rate: 0.15 }),
			[],
			[]
		);
		const fcr = moved.find((m) => m.text.startsWith('First contact resolution'));
		expect(fcr?.text).toBe('First contact resolution fell 8.3 pts: 66.7% → 58.3%');
		expect([fcr?.direction, fcr?.tone]).toEqual(['down', 'bad']);
		expect(fcr?.link).toEqual({ kpi: 'fcr', part: 'numerator' });
		const esc = moved.find((m) => m.text.startsWith('Escalation rate'));
		expect(esc?.text).toBe('Escalation rate fell 5.0 pts: 20.0% → 15.0%');
		expect([esc?.direction, esc?.tone]).toEqual(['down', 'good']);
	});

	it('ignores a rate change over too few tickets', () => {
		// CSAT on escalated tickets 60% -> 30% is big, but only 10 were rated now (< 20).
		const moved = whatMoved(report({ csat: { escalated: { rated: 10, satisfied_rate: 0.3, mean: 2 }, not_escalated: set().csat.not_escalated } }), [], []);
		expect(moved).toEqual([]);
	});

	it('reports a tier whose median time to resolve moved by a quarter or more', () => {
		// Tier 2 median 20 h -> 27 h: +35%; tier 1 4 h -> 4.5 h is +12.5%, under 25%.
		const moved = whatMoved(
			report({ mttr_hours_by_tier: { '1': { mean: 5, median: 4.5, p90: 9, count: 120 }, '2': { mean: 30, median: 27, p90: 60, count: 40 } } }),
			[],
			[]
		);
		expect(moved.map((m) => m.text)).toEqual(['Tier 2 median time to resolve rose 35%: 20 h → 27 h']);
	});

	it('puts spikes first, with the week, the ratio and the baseline', () => {
		const moved = whatMoved(
			report({ fcr_tickets: 105, fcr_rate: 105 / 180 }),
			[move('billing', 14, 28)],
			[{ category: 'billing', week_start: '2026-11-16', escalations: 25, baseline: 10 }]
		);
		// 25 / 10 = 2.5x the 4-week average of 10.0.
		expect(moved[0].text).toBe("Spike: billing escalations in the week of Nov 16 were 25, 2.5× the previous 4 weeks' average of 10.0");
		expect(moved[0].link).toEqual({ kpi: 'escalation_events', part: 'numerator', category: 'billing', from: '2026-11-16', to: '2026-11-23' });
		expect(moved[1].text).toContain('(see the spike above)');
		expect(moved).toHaveLength(3);
	});
});

describe('categoryMoves()', () => {
	it('counts per category exactly what the KPI engine counts with that category filter', () =>
		withDb(async (db, dir) => {
			const demo = await writeDemoCsv(path.join(dir, 'demo'), { tickets: 1200, seed: 5, end: new Date('2026-03-30T00:00:00Z') });
			await runImport({ ticketsFile: demo.ticketsPath, eventsFile: demo.eventsPath, source: 'demo', db });
			const period = { from: '2026-03-02', to: '2026-03-16' };
			const { moves } = await categoryMoves(parseKpiParams(period), db);
			expect(moves.length).toBeGreaterThan(2);
			for (const m of moves.slice(0, 3)) {
				const k = await computeKpis(parseKpiParams({ ...period, category: m.category }), db);
				expect([m.escalated, m.created, m.escalated_before, m.created_before], m.category).toEqual([
					k.escalated_tickets,
					k.tickets_created,
					k.previous.escalated_tickets,
					k.previous.tickets_created
				]);
			}
		}));
});
