// Escalated tickets per category, this period against the one before: a bar per category in
// its own colour, and a black tick where the previous period stood. Pure: (rows, options) =>
// Plot options; categories are sorted by this period's count.
import * as Plot from '@observablehq/plot';
import type { ColorScale } from './palette.ts';

export interface CategoryCount {
	category: string;
	now: number;
	before: number;
}

export interface CategoryBarsOptions {
	width: number;
	colors: ColorScale;
	label: string;
	/** What the two periods are called in tooltips, e.g. "this week" and "the week before". */
	nowLabel: string;
	beforeLabel: string;
}

export function categoryBars(rows: CategoryCount[], { width, colors, label, nowLabel, beforeLabel }: CategoryBarsOptions): Plot.PlotOptions {
	const sorted = [...rows].sort((a, b) => b.now - a.now || b.before - a.before || a.category.localeCompare(b.category));
	const order = sorted.map((r) => r.category);
	return {
		width,
		height: 34 + 24 * Math.max(order.length, 1),
		marginLeft: Math.min(150, 8 + 7 * Math.max(...order.map((c) => c.length), 4)),
		marginRight: 36,
		marginBottom: 34,
		ariaLabel: label,
		ariaDescription: sorted.map((r) => `${r.category}: ${r.now} ${nowLabel}, ${r.before} ${beforeLabel}`).join('; '),
		x: { label: 'Escalated tickets (count)', grid: true, nice: true, ticks: width < 500 ? 4 : 8 },
		y: { domain: order, label: null },
		color: colors,
		marks: [
			Plot.barX(sorted, { x: 'now', y: 'category', fill: 'category', insetTop: 3, insetBottom: 3 }),
			Plot.tickX(sorted, { x: 'before', y: 'category', stroke: '#1d2430', strokeWidth: 2, insetTop: 1, insetBottom: 1 }),
			// The label sits past whichever is longer, the bar or the tick, so the two never overlap.
			Plot.text(sorted, { x: (r: CategoryCount) => Math.max(r.now, r.before), y: 'category', text: (r: CategoryCount) => String(r.now), dx: 6, textAnchor: 'start', fill: '#1d2430' }),
			Plot.tip(
				sorted,
				Plot.pointerY({ x: 'now', y: 'category', title: (r: CategoryCount) => `${r.category}\n${nowLabel}: ${r.now}\n${beforeLabel}: ${r.before}` })
			),
			Plot.ruleX([0])
		]
	};
}
