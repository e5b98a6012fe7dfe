// An action's target metric week by week: the weeks before it was done, the week it was done
// (shaded, left out of the comparison), the weeks after, each side's level as a dashed line,
// and the moment it was marked done as a rule. Weeks not in the data yet are left empty.
import * as Plot from '@observablehq/plot';
import { GOOD, NEUTRAL } from './palette';
import { asDate, narrow } from './trendAxis';

export interface ImpactChartRow {
	week_start: string;
	phase: 'before' | 'completion' | 'after' | 'not_yet';
	numerator: number;
	denominator: number;
	value: number | null;
}

export interface ImpactChartOptions {
	width: number;
	height?: number;
	/** A rate (fraction) or a weekly count. */
	kind: 'count' | 'rate';
	label: string;
	completedAt: string;
	/** Each side's level over its weeks (the comparison's values), drawn across its weeks. */
	before: number | null;
	after: number | null;
	/** Words for the tooltip: "escalated of tickets created". */
	of: string;
	base: string;
}

const BEFORE = '#8a8f98';
const DAY = 86_400_000;
const mid = (week: string) => new Date(asDate(week).getTime() + 3.5 * DAY);
const end = (week: string) => new Date(asDate(week).getTime() + 7 * DAY);
const dayName = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function impactChart(rows: ImpactChartRow[], o: ImpactChartOptions): Plot.PlotOptions {
	const { width, height = 220, kind } = o;
	const fmt = (v: number | null) => (v === null ? 'no data' : kind === 'rate' ? `${(v * 100).toFixed(1)}%` : `${v}`);
	const shown = rows.filter((r) => r.value !== null && r.phase !== 'not_yet');
	const side = (phase: 'before' | 'after') => rows.filter((r) => r.phase === phase && r.value !== null);
	const level = (phase: 'before' | 'after', value: number | null) => {
		const weeks = side(phase);
		return value === null || !weeks.length ? [] : [{ x1: asDate(weeks[0].week_start), x2: end(weeks[weeks.length - 1].week_start), y: value, phase }];
	};
	const levels = [...level('before', o.before), ...level('after', o.after)];
	const done = new Date(o.completedAt);
	const notYet = rows.filter((r) => r.phase === 'not_yet');
	const pending = notYet.length ? [{ x1: asDate(notYet[0].week_start), x2: end(notYet[notYet.length - 1].week_start) }] : [];
	const tip = (r: ImpactChartRow) =>
		`Week of ${dayName.format(asDate(r.week_start))}${r.phase === 'completion' ? ' (done this week: left out)' : ''}\n` +
		(kind === 'rate' ? `${fmt(r.value)}: ${r.numerator} ${o.of} of ${r.denominator} ${o.base}` : `${r.numerator} ${o.of} (of ${r.denominator} ${o.base})`);
	return {
		width,
		height,
		marginLeft: narrow(width) ? 38 : 46,
		marginRight: 16,
		marginTop: 22,
		marginBottom: 34,
		x: {
			type: 'utc',
			label: null,
			domain: rows.length ? [asDate(rows[0].week_start), end(rows[rows.length - 1].week_start)] : undefined,
			ticks: width < 520 ? 4 : 8,
			tickFormat: '%b %-d'
		},
		y: kind === 'rate' ? { label: `${o.label} (%)`, percent: true, grid: true, ticks: 4, zero: true, nice: true } : { label: `${o.label} per week`, grid: true, ticks: 4, zero: true, nice: true },
		color: { domain: ['Before', 'After'], range: [BEFORE, NEUTRAL], legend: true },
		ariaLabel: `${o.label} per ISO week before and after the action was done`,
		ariaDescription: rows.map((r) => `week of ${r.week_start} (${r.phase.replace('_', ' ')}): ${fmt(r.value)}`).join('; '),
		marks: [
			// The week it was done: shaded, it belongs to neither side.
			Plot.rectX(
				rows.filter((r) => r.phase === 'completion'),
				{ x1: (r: ImpactChartRow) => asDate(r.week_start), x2: (r: ImpactChartRow) => end(r.week_start), fill: '#eef1f5' }
			),
			// Weeks after it that the data does not reach yet: empty, and said so.
			Plot.rectX(pending, { x1: 'x1', x2: 'x2', fill: '#f6f7f9' }),
			Plot.text(pending, {
				x: (d: { x1: Date; x2: Date }) => new Date((d.x1.getTime() + d.x2.getTime()) / 2),
				frameAnchor: 'top',
				dy: 10,
				text: () => (notYet.length >= 3 ? 'not in the data yet' : 'not yet'),
				fill: '#5b6575',
				fontSize: 10
			}),
			Plot.ruleY([0]),
			Plot.ruleY(levels, { x1: 'x1', x2: 'x2', y: 'y', stroke: (d: { phase: string }) => (d.phase === 'before' ? 'Before' : 'After'), strokeDasharray: '5,3', strokeWidth: 1.5 }),
			Plot.lineY(side('before'), { x: (r: ImpactChartRow) => mid(r.week_start), y: 'value', stroke: BEFORE, strokeWidth: 1.5 }),
			Plot.lineY(side('after'), { x: (r: ImpactChartRow) => mid(r.week_start), y: 'value', stroke: NEUTRAL, strokeWidth: 1.5 }),
			Plot.dot(shown, {
				x: (r: ImpactChartRow) => mid(r.week_start),
				y: 'value',
				r: 3,
				fill: (r: ImpactChartRow) => (r.phase === 'before' ? BEFORE : r.phase === 'after' ? NEUTRAL : 'white'),
				stroke: (r: ImpactChartRow) => (r.phase === 'after' ? NEUTRAL : BEFORE)
			}),
			Plot.ruleX([done], { stroke: GOOD, strokeWidth: 2 }),
			Plot.text([done], { x: (d: Date) => d, frameAnchor: 'top', dy: -12, text: () => `Done ${dayName.format(done)}`, fill: GOOD, fontWeight: 600 }),
			Plot.tip(shown, Plot.pointerX({ x: (r: ImpactChartRow) => mid(r.week_start), y: 'value', title: tip }))
		]
	};
}
