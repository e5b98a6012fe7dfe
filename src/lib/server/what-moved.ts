// "What moved": the largest changes against the previous period and the category spikes, as
// plain sentences a support manager can read in one go, each with the drill-down that lists
// the tickets behind it. The numbers all come from the KPI engine and queries/*.sql; this
// module only picks the ones worth saying and words them.
import { DateTime } from 'luxon';
import { withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { bounds, scopeParams, timeZone, type KpiFilters, type KpiReport } from './kpis.ts';
import { runQuery, runScript } from './queries.ts';

export interface CategoryMove {
	category: string;
	created: number;
	escalated: number;
	created_before: number;
	escalated_before: number;
}

export interface SpikeWeek {
	category: string;
	week_start: string;
	escalations: number;
	baseline: number;
}

export interface Moved {
	kind: 'spike' | 'category' | 'kpi';
	text: string;
	/** Which way the number went, and whether that is good or bad news for this measure. */
	direction: 'up' | 'down';
	tone: 'good' | 'bad';
	/** URL parameters of the ticket list that shows the tickets behind the sentence. */
	link: Record<string, string>;
	/** How unusual the change is, for ordering (roughly a z-score). */
	score: number;
}

/** Escalated tickets per category in the period and the one before, and the period's spikes. */
export async function categoryMoves(filters: KpiFilters, db?: string): Promise<{ moves: CategoryMove[]; spikes: SpikeWeek[] }> {
	const zone = timeZone();
	const days = DateTime.fromISO(filters.to).diff(DateTime.fromISO(filters.from), 'days').days;
	const prevFrom = DateTime.fromISO(filters.from).minus({ days }).toISODate()!;
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		await runScript(conn, 'ticket_scope');
		const period = bounds(filters.from, filters.to, zone);
		const params = { ...scopeParams(filters), ...period, prev_from: bounds(prevFrom, filters.from, zone).from, from_day: filters.from, to_day: filters.to };
		const moves = await runQuery<CategoryMove>(conn, 'category_moves', params);
		const spikes = await runQuery<{ category: string; week: Date; escalations: number; baseline: number }>(conn, 'category_spikes', params);
		return {
			moves: moves.map((m) => ({
				category: String(m.category),
				created: Number(m.created),
				escalated: Number(m.escalated),
				created_before: Number(m.created_before),
				escalated_before: Number(m.escalated_before)
			})),
			spikes: spikes.map((s) => ({
				category: String(s.category),
				week_start: s.week.toISOString().slice(0, 10),
				escalations: Number(s.escalations),
				baseline: Number(s.baseline)
			}))
		};
	}, db);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pct1 = (v: number) => `${(v * 100).toFixed(1)}%`;
const hrs = (v: number) => (v < 10 ? `${v.toFixed(1)} h` : `${Math.round(v)} h`);
const dateLabel = (iso: string) => DateTime.fromISO(iso).toFormat('LLL d');

/** "doubled", "more than tripled", "rose 40%", "fell by more than half": a count's change in words. */
export function countChange(before: number, now: number): string {
	if (before === 0) return `went from 0 to ${now}`;
	const r = now / before;
	if (r >= 3) return r === 3 ? 'tripled' : 'more than tripled';
	if (r >= 2) return r === 2 ? 'doubled' : 'more than doubled';
	if (r <= 0.5) return r === 0.5 ? 'halved' : 'fell by more than half';
	const change = Math.round(Math.abs(r - 1) * 100);
	return r > 1 ? `rose ${change}%` : `fell ${change}%`;
}

interface RateMove {
	name: string;
	now: number | null;
	before: number | null;
	n: number;
	nBefore: number;
	better: 'up' | 'down';
	link: Record<string, string>;
}

/** Thresholds below which a change is not worth a sentence. */
export const THRESHOLDS = {
	/** A category needs this many escalated tickets in one of the two periods, and to change by at least `minCountChange`. */
	minCount: 5,
	minCountChange: 3,
	/** A rate must move by this many points, over at least `minDenominator` tickets in both periods. */
	minPoints: 2,
	minDenominator: 20,
	/** A median time to resolve must move by this share, over at least `minResolved` tickets. */
	minTimeChange: 0.25,
	minResolved: 5,
	maxItems: 6
};

export function whatMoved(k: KpiReport, moves: CategoryMove[], spikes: SpikeWeek[]): Moved[] {
	const out: Moved[] = [];
	const T = THRESHOLDS;

	for (const s of spikes) {
		const weekEnd = DateTime.fromISO(s.week_start).plus({ weeks: 1 }).toISODate()!;
		out.push({
			kind: 'spike',
			text: `Spike: ${s.category} escalations in the week of ${dateLabel(s.week_start)} were ${s.escalations}, ${(s.escalations / Math.max(s.baseline, 1e-9)).toFixed(1)}× the previous 4 weeks' average of ${s.baseline.toFixed(1)}`,
			direction: 'up',
			tone: 'bad',
			link: { kpi: 'escalation_events', part: 'numerator', category: s.category, from: s.week_start, to: weekEnd },
			score: 1e6 + s.escalations // spikes always come first
		});
	}
	const spiking = new Set(spikes.map((s) => s.category));
	for (const m of moves) {
		const [a, b] = [m.escalated_before, m.escalated];
		if (Math.max(a, b) < T.minCount || Math.abs(b - a) < T.minCountChange) continue;
		const r = a === 0 ? Infinity : b / a;
		if (r < 1.25 && r > 0.8) continue;
		out.push({
			kind: 'category',
			text: `${capital(m.category)} escalations ${countChange(a, b)}: ${a} → ${b} escalated tickets${spiking.has(m.category) ? ' (see the spike above)' : ''}`,
			direction: b > a ? 'up' : 'down',
			tone: b > a ? 'bad' : 'good',
			link: { kpi: 'escalation_rate', part: 'numerator', category: m.category },
			score: Math.abs(b - a) / Math.sqrt(Math.max(a, 1))
		});
	}

	const p = k.previous;
	const rates: RateMove[] = [
		{ name: 'Escalation rate', now: k.escalation_rate, before: p.escalation_rate, n: k.tickets_created, nBefore: p.tickets_created, better: 'down', link: { kpi: 'escalation_rate', part: 'numerator' } },
		{ name: 'First contact resolution', now: k.fcr_rate, before: p.fcr_rate, n: k.tickets_resolved, nBefore: p.tickets_resolved, better: 'up', link: { kpi: 'fcr', part: 'numerator' } },
		{ name: 'Reopen rate', now: k.reopen_rate, before: p.reopen_rate, n: k.tickets_resolved, nBefore: p.tickets_resolved, better: 'down', link: { kpi: 'reopen_rate', part: 'numerator' } },
		{
			name: 'CSAT on escalated tickets',
			now: k.csat.escalated.satisfied_rate,
			before: p.csat.escalated.satisfied_rate,
			n: k.csat.escalated.rated,
			nBefore: p.csat.escalated.rated,
			better: 'up',
			link: { kpi: 'csat', part: 'denominator' }
		}
	];
	for (const [tier, s] of Object.entries(k.sla_by_tier ?? {})) {
		const b = p.sla_by_tier?.[tier];
		if (!b) continue;
		rates.push({
			name: `Tier ${tier} resolution SLA met`,
			now: s.resolution_met_rate,
			before: b.resolution_met_rate,
			n: s.resolution_judged,
			nBefore: b.resolution_judged,
			better: 'up',
			link: { kpi: 'sla_resolution', part: 'denominator', sla_tier: tier }
		});
	}
	for (const r of rates) {
		if (r.now === null || r.before === null || Math.min(r.n, r.nBefore) < T.minDenominator) continue;
		const points = (r.now - r.before) * 100;
		if (Math.abs(points) < T.minPoints) continue;
		const spread = Math.sqrt(Math.max(r.before * (1 - r.before), 0.01) / r.n);
		out.push({
			kind: 'kpi',
			text: `${r.name} ${points > 0 ? 'rose' : 'fell'} ${Math.abs(points).toFixed(1)} pts: ${pct1(r.before)} → ${pct1(r.now)}`,
			direction: points > 0 ? 'up' : 'down',
			tone: (points > 0) === (r.better === 'up') ? 'good' : 'bad',
			link: r.link,
			score: Math.abs(r.now - r.before) / spread
		});
	}

	for (const [tier, m] of Object.entries(k.mttr_hours_by_tier)) {
		const b = p.mttr_hours_by_tier[tier];
		if (!b || Math.min(m.count, b.count) < T.minResolved || b.median <= 0) continue;
		const change = m.median / b.median - 1;
		if (Math.abs(change) < T.minTimeChange) continue;
		out.push({
			kind: 'kpi',
			text: `Tier ${tier} median time to resolve ${change > 0 ? 'rose' : 'fell'} ${Math.round(Math.abs(change) * 100)}%: ${hrs(b.median)} → ${hrs(m.median)}`,
			direction: change > 0 ? 'up' : 'down',
			tone: change > 0 ? 'bad' : 'good',
			link: { kpi: 'mttr_by_tier', part: 'denominator' },
			score: Math.abs(change) * Math.sqrt(m.count)
		});
	}

	return out.sort((x, y) => y.score - x.score).slice(0, T.maxItems);
}
