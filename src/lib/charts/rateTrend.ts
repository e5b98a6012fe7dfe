// The escalation rate per ISO week from the KPI engine, with its rolling average (the rate of
// the last few weeks together), and the category spikes marked where they happened.
import * as Plot from '@observablehq/plot';
import { BAD, NEUTRAL } from './palette';
import { asDate, bucketLabel, timeAxis, narrow } from './trendAxis';

export interface RateRow {
	week: string;
	week_start: string;
	tickets_created: number;
	escalated_tickets: number;
	escalation_rate: number | null;
	rolling_rate: number | null;
}

export interface RateTrendOptions {
	width: number;
	height?: number;
	rollingWeeks: number;
	spikes: { category: string; week_start: string }[];
}

const pct = (v: number | null) => (v === null ? 'no tickets' : `${(v * 100).toFixed(1)}%`);

export function rateTrend(rows: RateRow[], { width, height = 260, rollingWeeks, spikes }: RateTrendOptions): Plot.PlotOptions {
	const WEEKLY = 'Weekly rate';
	const ROLLING = `${rollingWeeks}-week rolling rate`;
	const long = rows.flatMap((r) => [
		{ ...r, date: asDate(r.week_start), series: WEEKLY, value: r.escalation_rate },
		{ ...r, date: asDate(r.week_start), series: ROLLING, value: r.rolling_rate }
	]);
	const spikesIn = (week: string) => spikes.filter((s) => s.week_start === week).map((s) => s.category);
	const spikeWeeks = rows.map((r) => r.week_start).filter((w) => spikesIn(w).length > 0);
	return {
		width,
		height,
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 24,
		marginTop: 20,
		marginBottom: 40,
		x: timeAxis(width, 'week'),
		y: { label: 'Escalated tickets (% of created)', percent: true, grid: true, ticks: 5, zero: true, nice: true },
		color: { domain: [WEEKLY, ROLLING], range: ['#9aa5b1', NEUTRAL], legend: true },
		ariaLabel: `Escalation rate per ISO week, with the ${rollingWeeks}-week rolling rate`,
		ariaDescription: rows.map((r) => `${r.week} ${pct(r.escalation_rate)} (rolling ${pct(r.rolling_rate)})`).join('; '),
		marks: [
			// Weeks with a category spike: one dashed rule each; the tooltip names the categories.
			Plot.ruleX(spikeWeeks, { x: (w: string) => asDate(w), stroke: BAD, strokeDasharray: '4,3', strokeOpacity: 0.7 }),
			Plot.lineY(long, { x: 'date', y: 'value', stroke: 'series', z: 'series', strokeWidth: (d) => (d.series === WEEKLY ? 1.3 : 2.6) }),
			Plot.dot(long.filter((d) => d.series === WEEKLY), { x: 'date', y: 'value', fill: 'series', r: 2 }),
			Plot.tip(
				rows,
				Plot.pointerX({
					x: (r: RateRow) => asDate(r.week_start),
					y: 'escalation_rate',
					title: (r: RateRow) =>
						`${r.week}, ${bucketLabel(r.week_start, 'week')}\n${pct(r.escalation_rate)}: ${r.escalated_tickets} of ${r.tickets_created} tickets created\n${rollingWeeks}-week rolling: ${pct(r.rolling_rate)}` +
						(spikesIn(r.week_start).length ? `\nspike: ${spikesIn(r.week_start).join(', ')}` : '')
				})
			)
		]
	};
}
