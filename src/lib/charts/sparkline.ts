// A 12-week sparkline for a KPI card: pure, (rows, options) => Plot options. The last point
// is marked; gaps (weeks with nothing to measure) stay gaps instead of dropping to zero.
import * as Plot from '@observablehq/plot';

export interface SparkPoint {
	week: string; // ISO week label, e.g. 2026-W47
	weekStart: Date;
	value: number | null;
}

export interface SparklineOptions {
	width: number;
	height?: number;
	/** How to print a value in the tooltip. */
	format: (v: number) => string;
	label: string;
}

export function sparkline(points: SparkPoint[], { width, height = 44, format, label }: SparklineOptions): Plot.PlotOptions {
	const defined = points.filter((p) => p.value !== null);
	return {
		width,
		height,
		margin: 4,
		marginLeft: 4,
		marginRight: 6,
		axis: null,
		x: { type: 'utc' },
		y: { nice: true, zero: false },
		ariaLabel: label,
		ariaDescription: `${label}, weekly: ${defined.map((p) => `${p.week} ${format(p.value as number)}`).join('; ')}`,
		marks: [
			Plot.lineY(points, { x: 'weekStart', y: 'value', stroke: 'var(--brand)', strokeWidth: 1.5, curve: 'monotone-x' }),
			Plot.dot(defined.slice(-1), { x: 'weekStart', y: 'value', r: 2.5, fill: 'var(--brand)' }),
			Plot.tip(
				points,
				Plot.pointerX({ x: 'weekStart', y: 'value', title: (p: SparkPoint) => `${p.week}: ${p.value === null ? 'no data' : format(p.value)}` })
			)
		]
	};
}
