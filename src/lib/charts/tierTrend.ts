// Median time to resolve by resolving tier, per ISO week, from the KPI engine's weekly
// MTTR series. Weeks where a tier resolved nothing are gaps, not zeros.
import * as Plot from '@observablehq/plot';
import { tierColors } from './palette';
import { asDate, bucketLabel, timeAxis, narrow } from './trendAxis';

export interface TierRow {
	week: string;
	week_start: string;
	tier: number;
	median: number;
	count: number;
}

const h = (v: number) => (v < 10 ? `${v.toFixed(1)} h` : `${v.toFixed(0)} h`);

export function tierTrend(rows: TierRow[], { width, height = 260, weeks }: { width: number; height?: number; weeks: string[] }): Plot.PlotOptions {
	const tiers = [...new Set(rows.map((r) => r.tier))].sort((a, b) => a - b);
	// Every week for every tier, so a week without resolutions breaks the line.
	const grid = tiers.flatMap((tier) =>
		weeks.map((w) => rows.find((r) => r.tier === tier && r.week_start === w) ?? { week: '', week_start: w, tier, median: null, count: 0 })
	);
	const points = grid.map((r) => ({ ...r, date: asDate(r.week_start), label: `Tier ${r.tier}` }));
	return {
		width,
		height,
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 24,
		marginBottom: 40,
		x: timeAxis(width, 'week'),
		y: { label: 'Median hours to resolve', grid: true, ticks: 5, zero: true, nice: true },
		color: { ...tierColors(tiers), legend: true },
		ariaLabel: 'Median time to resolve by resolving tier, hours per ISO week',
		ariaDescription: tiers
			.map((t) => `Tier ${t}: ${rows.filter((r) => r.tier === t).map((r) => `${r.week} ${h(r.median)} (${r.count})`).join(', ')}`)
			.join('; '),
		marks: [
			Plot.lineY(points, { x: 'date', y: 'median', stroke: 'label', z: 'label', strokeWidth: 2 }),
			Plot.dot(points, { x: 'date', y: 'median', fill: 'label', r: 2.2 }),
			Plot.tip(
				points.filter((p) => p.median !== null),
				Plot.pointer({
					x: 'date',
					y: 'median',
					title: (p: TierRow & { label: string }) => `${p.label}, ${p.week}, ${bucketLabel(p.week_start, 'week')}\nmedian ${h(p.median)} over ${p.count} tickets resolved`
				})
			)
		]
	};
}
