// Leadership's charts of the reviews: the root causes reviews chose, the contributing-factor
// categories they named month by month, and their action items by status with the overdue ones
// apart. Pure: (rows, options) => Plot options; labels come in with the rows. Factor categories
// get their own colours, kept apart from the ticket-category palette so the two never mix.
import * as Plot from '@observablehq/plot';
import { BAD, GOOD, NEUTRAL, type ColorScale } from './palette';
import { asDate, bucketLabel, bucketShort, narrow } from './trendAxis';

export interface RootCauseCount {
	/** The label ("Tooling"), or "Not chosen yet". */
	label: string;
	reviews: number;
	chosen: boolean;
}

export interface FactorMonth {
	/** YYYY-MM-01 */
	month: string;
	category: string;
	label: string;
	reviews: number;
}

export interface ActionStatusCount {
	label: string;
	/** done, in_progress, open, wont_do */
	status: string;
	overdue: boolean;
	actions: number;
}

export const FACTOR_COLORS: ColorScale = {
	domain: ['people_load', 'knowledge', 'tools', 'process', 'communication', 'product', 'customer', 'other'],
	range: ['#8c6bb1', '#2b8cbe', '#e6550d', '#31a354', '#d6616b', '#756bb1', '#bcbd22', '#9e9ac8']
};

const STATUS_COLORS: Record<string, string> = { done: GOOD, in_progress: NEUTRAL, open: '#7fa7cf', wont_do: '#b8bec7' };
const NOT_CHOSEN = '#b8bec7';

const marginFor = (labels: string[]) => Math.min(170, 10 + 6.6 * Math.max(4, ...labels.map((l) => l.length)));

/** One bar per root cause, most first; "not chosen yet" last and grey. */
export function rootCauseBars(rows: RootCauseCount[], { width }: { width: number }): Plot.PlotOptions {
	const sorted = [...rows].sort((a, b) => Number(b.chosen) - Number(a.chosen) || b.reviews - a.reviews || a.label.localeCompare(b.label));
	const order = sorted.map((r) => r.label);
	return {
		width,
		height: 40 + 26 * Math.max(sorted.length, 1),
		marginLeft: marginFor(order),
		marginRight: 32,
		marginBottom: 34,
		ariaLabel: 'Root causes of the reviews',
		ariaDescription: sorted.map((r) => `${r.label}: ${r.reviews} reviews`).join('; '),
		x: { label: 'Reviews (count)', grid: true, nice: true, ticks: Math.min(width < 500 ? 4 : 8, Math.max(...sorted.map((r) => r.reviews), 1)), tickFormat: 'd' },
		y: { domain: order, label: null },
		marks: [
			Plot.barX(sorted, { x: 'reviews', y: 'label', fill: (r: RootCauseCount) => (r.chosen ? NEUTRAL : NOT_CHOSEN), insetTop: 3, insetBottom: 3 }),
			Plot.text(sorted, { x: 'reviews', y: 'label', text: (r: RootCauseCount) => String(r.reviews), dx: 6, textAnchor: 'start', fill: '#1d2430' }),
			Plot.tip(sorted, Plot.pointerY({ x: 'reviews', y: 'label', title: (r: RootCauseCount) => `${r.label}\n${r.reviews} ${r.reviews === 1 ? 'review' : 'reviews'}` })),
			Plot.ruleX([0])
		]
	};
}

/** YYYY-MM-01 of the month `n` months after `month`. */
function addMonths(month: string, n: number): string {
	const d = asDate(month);
	return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)).toISOString().slice(0, 10);
}

/** Every month from the first to the last with data, and at least the last six, so quiet months show. */
export function monthSpan(months: string[], atLeast = 6): string[] {
	if (!months.length) return [];
	const sorted = [...months].sort();
	const last = sorted[sorted.length - 1];
	const first = sorted[0] < addMonths(last, 1 - atLeast) ? sorted[0] : addMonths(last, 1 - atLeast);
	const out: string[] = [];
	for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
	return out;
}

/** Stacked bars per month of creation: how many reviews named each factor category. */
export function factorTrend(rows: FactorMonth[], { width, height = 260 }: { width: number; height?: number }): Plot.PlotOptions {
	const present = FACTOR_COLORS.domain.filter((k) => rows.some((r) => r.category === k));
	const extra = [...new Set(rows.map((r) => r.category))].filter((k) => !FACTOR_COLORS.domain.includes(k)).sort();
	const domain = [...present, ...extra];
	const labelOf = new Map(rows.map((r) => [r.category, r.label]));
	const months = monthSpan(rows.map((r) => r.month));
	// One tick label per ~70 px: every month on a wide screen, every second or third on a phone.
	const every = Math.max(1, Math.ceil((months.length * 70) / Math.max(width - 60, 1)));
	return {
		width,
		height,
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 16,
		marginBottom: 40,
		x: {
			type: 'band',
			domain: months,
			padding: 0.25,
			label: 'Month the reviews were started',
			ticks: months.filter((_, i) => (months.length - 1 - i) % every === 0),
			tickFormat: (m: string) => bucketShort(m, 'month')
		},
		y: { label: 'Reviews naming it (count)', grid: true, ticks: Math.min(4, Math.max(1, ...months.map((m) => rows.filter((r) => r.month === m).reduce((n, r) => n + r.reviews, 0)))), tickFormat: 'd' },
		color: {
			domain,
			range: domain.map((k) => FACTOR_COLORS.range[FACTOR_COLORS.domain.indexOf(k)] ?? '#8a8f98'),
			legend: true,
			tickFormat: (k: string) => labelOf.get(k) ?? k
		},
		ariaLabel: 'Contributing-factor categories named by reviews, per month the reviews were started',
		ariaDescription: [...new Set(rows.map((r) => r.month))]
			.sort()
			.map((m) => `${bucketLabel(m, 'month')}: ${rows.filter((r) => r.month === m).map((r) => `${r.label} ${r.reviews}`).join(', ')}`)
			.join('; '),
		marks: [
			Plot.barY(rows, {
				x: 'month',
				y: 'reviews',
				fill: 'category',
				order: domain,
				tip: true,
				title: (p: FactorMonth) => `${p.label}, ${bucketLabel(p.month, 'month')}\n${p.reviews} ${p.reviews === 1 ? 'review' : 'reviews'} started that month named it`
			}),
			Plot.ruleY([0])
		]
	};
}

/** One bar per status; the overdue part of open and in-progress items in red. */
export function actionStatusBars(rows: ActionStatusCount[], { width, order }: { width: number; order: string[] }): Plot.PlotOptions {
	const labels = order.filter((l) => rows.some((r) => r.label === l));
	const total = (label: string) => rows.filter((r) => r.label === label).reduce((s, r) => s + r.actions, 0);
	const totals = labels.map((label) => ({ label, actions: total(label) }));
	return {
		width,
		height: 40 + 26 * Math.max(labels.length, 1),
		marginLeft: marginFor(labels),
		marginRight: 32,
		marginBottom: 34,
		ariaLabel: 'Action items by status',
		ariaDescription: rows.map((r) => `${r.label}${r.overdue ? ', overdue' : ''}: ${r.actions}`).join('; '),
		x: { label: 'Action items (count)', grid: true, nice: true, ticks: Math.min(width < 500 ? 4 : 8, Math.max(...totals.map((t) => t.actions), 1)), tickFormat: 'd' },
		y: { domain: labels, label: null },
		marks: [
			// Input order is stack order: the overdue part goes at the end of its bar.
			Plot.barX([...rows].sort((a, b) => Number(a.overdue) - Number(b.overdue)), {
				x: 'actions',
				y: 'label',
				fill: (r: ActionStatusCount) => (r.overdue ? BAD : (STATUS_COLORS[r.status] ?? NEUTRAL)),
				insetTop: 3,
				insetBottom: 3,
				tip: true,
				title: (r: ActionStatusCount) => `${r.label}${r.overdue ? ', overdue' : ''}\n${r.actions} action ${r.actions === 1 ? 'item' : 'items'}`
			}),
			Plot.text(totals, { x: 'actions', y: 'label', text: (t: { actions: number }) => String(t.actions), dx: 6, textAnchor: 'start', fill: '#1d2430' }),
			Plot.ruleX([0])
		]
	};
}
