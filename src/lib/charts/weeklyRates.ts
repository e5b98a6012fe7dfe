// Two rates over the weeks (for the weekly report: escalation rate and first contact
// resolution), as labelled lines in percent, with the report's own week marked. Pure:
// (rows, options) => Plot options.
import * as Plot from '@observablehq/plot';

export interface RatePoint {
	week: string; // 2026-W47
	weekStart: Date;
	series: string; // e.g. "Escalation rate"
	value: number | null;
}

export interface WeeklyRatesOptions {
	width: number;
	height?: number;
	/** Colour per series name. */
	colors: Record<string, string>;
	label: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function weeklyRates(points: RatePoint[], { width, height = 220, colors, label }: WeeklyRatesOptions): Plot.PlotOptions {
	const names = Object.keys(colors);
	const last = points.length ? Math.max(...points.map((p) => p.weekStart.getTime())) : 0;
	const ends = names
		.map((n) => points.filter((p) => p.series === n && p.value !== null).at(-1))
		.filter((p): p is RatePoint => !!p);
	return {
		width,
		height,
		marginLeft: 44,
		marginRight: 96,
		marginBottom: 34,
		ariaLabel: label,
		ariaDescription: names
			.map((n) => `${n}: ${points.filter((p) => p.series === n).map((p) => `${p.week} ${p.value === null ? 'no data' : pct(p.value)}`).join(', ')}`)
			.join('. '),
		x: { type: 'utc', label: 'ISO week (starting Monday)', ticks: width < 500 ? 4 : 8, tickFormat: '%b %d' },
		y: { label: 'Share of tickets (%)', domain: [0, 1], tickFormat: (v: number) => `${Math.round(v * 100)}`, grid: true },
		color: { domain: names, range: names.map((n) => colors[n]) },
		marks: [
			Plot.ruleX([new Date(last)], { stroke: '#c9ced6', strokeDasharray: '3,3' }),
			Plot.lineY(points, { x: 'weekStart', y: 'value', stroke: 'series', strokeWidth: 2, curve: 'monotone-x' }),
			Plot.dot(points, { x: 'weekStart', y: 'value', fill: 'series', r: 2.5 }),
			Plot.text(ends, { x: 'weekStart', y: 'value', text: (p: RatePoint) => `${p.series}\n${pct(p.value!)}`, dx: 6, textAnchor: 'start', fill: 'series', fontWeight: 600 }),
			Plot.tip(points, Plot.pointerX({ x: 'weekStart', y: 'value', stroke: 'series', title: (p: RatePoint) => `${p.week}\n${p.series}: ${p.value === null ? 'no data' : pct(p.value)}` }))
		]
	};
}
