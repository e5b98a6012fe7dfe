// CSAT satisfied rate (score >= 4) per ISO week, escalated vs not escalated tickets, from the
// KPI engine's weekly series. A week without rated tickets is a gap.
import * as Plot from '@observablehq/plot';
import { ESCALATED, NOT_ESCALATED } from './palette';
import { asDate, bucketLabel, timeAxis, narrow } from './trendAxis';

export interface CsatRow {
	week: string;
	week_start: string;
	group: 'escalated' | 'not escalated';
	satisfied_rate: number | null;
	rated: number;
}

const pct = (v: number | null) => (v === null ? 'no ratings' : `${(v * 100).toFixed(1)}%`);

export function csatTrend(rows: CsatRow[], { width, height = 260 }: { width: number; height?: number }): Plot.PlotOptions {
	const points = rows.map((r) => ({ ...r, date: asDate(r.week_start) }));
	return {
		width,
		height,
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 24,
		marginBottom: 40,
		x: timeAxis(width, 'week'),
		y: { label: 'Satisfied (% of rated, score ≥ 4)', percent: true, domain: [0, 100], grid: true, ticks: 5 },
		color: { domain: ['escalated', 'not escalated'], range: [ESCALATED, NOT_ESCALATED], legend: true },
		ariaLabel: 'CSAT satisfied rate per ISO week, escalated vs not escalated tickets',
		ariaDescription: (['escalated', 'not escalated'] as const)
			.map((g) => `${g}: ${rows.filter((r) => r.group === g).map((r) => `${r.week} ${pct(r.satisfied_rate)} of ${r.rated}`).join(', ')}`)
			.join('; '),
		marks: [
			Plot.lineY(points, { x: 'date', y: 'satisfied_rate', stroke: 'group', z: 'group', strokeWidth: 2 }),
			Plot.dot(points, { x: 'date', y: 'satisfied_rate', fill: 'group', r: 2.2 }),
			Plot.tip(
				points.filter((p) => p.satisfied_rate !== null),
				Plot.pointer({
					x: 'date',
					y: 'satisfied_rate',
					title: (p: CsatRow) => `${p.group}, ${p.week}, ${bucketLabel(p.week_start, 'week')}\n${pct(p.satisfied_rate)} satisfied of ${p.rated} rated`
				})
			)
		]
	};
}
