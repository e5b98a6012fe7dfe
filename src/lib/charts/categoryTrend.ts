// Escalations by category over time as small multiples: one row per category (a single
// column, so it reads on a phone), counts or each category's share of the bucket's
// escalations, with SPEC.md's category spikes circled and named. Every point links to the
// tickets behind it.
import * as Plot from '@observablehq/plot';
import type { ColorScale } from './palette';
import { BAD } from './palette';
import { asDate, bucketLabel, timeAxis, narrow, type Grain } from './trendAxis';

export interface CategoryRow {
	key: string;
	bucket: string;
	partial: boolean;
	events: number;
	share: number | null;
}

export interface CategorySpike {
	category: string;
	week_start: string;
	escalations: number;
	baseline: number;
}

export interface CategoryTrendOptions {
	width: number;
	colors: ColorScale;
	share: boolean;
	grain: Grain;
	spikes: CategorySpike[];
	/** The ticket list behind one category in one bucket. */
	href: (row: CategoryRow) => string;
}

/** Height of one category's panel; the chart is this times the number of categories, plus axes. */
export const PANEL_HEIGHT = 66;
export const categoryTrendHeight = (categories: number) => categories * PANEL_HEIGHT + 70;

/** Categories in the order of the panels: most escalations first. */
export function categoryOrder(rows: CategoryRow[]): string[] {
	const totals = new Map<string, number>();
	for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.events);
	return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

export function categoryTrend(rows: CategoryRow[], { width, colors, share, grain, spikes, href }: CategoryTrendOptions): Plot.PlotOptions {
	const order = categoryOrder(rows);
	const value = (r: CategoryRow) => (share ? r.share : r.events);
	const points = rows.map((r) => ({ ...r, date: asDate(r.bucket), y: value(r) }));
	// A spike sits on its category's panel, at the bucket holding its week (the month, at month grain).
	const spikeBucket = (s: CategorySpike) => (grain === 'month' ? `${s.week_start.slice(0, 7)}-01` : s.week_start);
	const marked = spikes.flatMap((s) => {
		const p = points.find((x) => x.key === s.category && x.bucket === spikeBucket(s));
		return p && p.y !== null ? [{ ...p, spike: s }] : [];
	});
	const fmt = (r: CategoryRow) => (share ? `${r.share === null ? '–' : `${(r.share * 100).toFixed(1)}%`} of escalations (${r.events})` : `${r.events} escalations`);
	const unit = share ? 'share of the escalations in each ' + grain : 'escalation events per ' + grain;
	return {
		width,
		height: categoryTrendHeight(order.length),
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 24,
		marginTop: 24,
		marginBottom: 40,
		x: timeAxis(width, grain),
		y: { label: share ? 'Share (%)' : 'Escalations', percent: share, ticks: 2, grid: true, nice: true, zero: true },
		fy: { domain: order, axis: null, padding: 0.18 },
		color: colors,
		ariaLabel: `Escalations by category, ${unit}`,
		ariaDescription: order
			.map((k) => `${k}: ${points.filter((p) => p.key === k).map((p) => `${bucketLabel(p.bucket, grain)} ${fmt(p)}`).join(', ')}`)
			.join('; '),
		marks: [
			Plot.frame({ stroke: '#e4e8ee' }),
			Plot.areaY(points, { x: 'date', y1: 0, y2: 'y', fy: 'key', fill: 'key', fillOpacity: 0.16 }), // y1/y2: no stacking, so a bucket without a share stays a gap
			Plot.lineY(points, { x: 'date', y: 'y', fy: 'key', stroke: 'key', strokeWidth: 1.6 }),
			// Hollow: a bucket partly outside the period, so its count covers fewer days.
			Plot.dot(points.filter((p) => !p.partial), { x: 'date', y: 'y', fy: 'key', r: 2.4, fill: 'key', href: (p: CategoryRow) => href(p) }),
			Plot.dot(points.filter((p) => p.partial), { x: 'date', y: 'y', fy: 'key', r: 2.4, stroke: 'key', fill: 'white', href: (p: CategoryRow) => href(p) }),
			Plot.dot(marked, { x: 'date', y: 'y', fy: 'key', r: 6, stroke: BAD, strokeWidth: 2, href: (m: CategoryRow) => href(m) }),
			// On a phone the circles stay and the words go: the spike list above the chart names them.
			Plot.text(narrow(width) ? [] : marked, {
				x: 'date',
				y: 'y',
				fy: 'key',
				// At month grain the point is the month's count, so the label does not repeat the week's.
				text: (m) => (grain === 'month' ? 'spike' : `spike ${m.spike.escalations}`),
				dy: -4,
				dx: -9,
				textAnchor: 'end',
				fill: BAD,
				fontWeight: 'bold',
				fontSize: 11,
				stroke: 'white',
				strokeWidth: 3,
				paintOrder: 'stroke'
			}),
			Plot.text(order, { fy: (d) => d, text: (d) => d, frameAnchor: 'top-left', dx: 4, dy: 3, fontWeight: 600, fontSize: 11, fill: '#1d2430' }),
			Plot.tip(
				points,
				Plot.pointerX({
					x: 'date',
					y: 'y',
					fy: 'key',
					title: (p: CategoryRow) => `${p.key}, ${bucketLabel(p.bucket, grain)}${p.partial ? ' (partly outside the period)' : ''}\n${fmt(p)}\nclick the point for the tickets`
				})
			)
		]
	};
}
