// Escalations by trigger or by kind over time: stacked bars per week or month, counts or each
// value's share of the bucket's escalations. Triggers and kinds get their own colours, kept
// apart from the category palette so a trigger is never mistaken for a category.
import * as Plot from '@observablehq/plot';
import type { ColorScale } from './palette';
import { asDate, bucketLabel, timeAxis, narrow, type Grain } from './trendAxis';

export interface BreakdownRow {
	key: string;
	bucket: string;
	partial: boolean;
	events: number;
	share: number | null;
}

export const TRIGGER_COLORS: ColorScale = {
	domain: ['technical_complexity', 'sla_breach', 'customer_sentiment', 'high_value_impact', 'customer_request', 'other', 'unknown'],
	range: ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#a6761d', '#b8bec7']
};
export const KIND_COLORS: ColorScale = {
	domain: ['functional', 'hierarchical', 'unknown'],
	range: ['#1b9e77', '#7570b3', '#b8bec7']
};

/** "technical_complexity" -> "technical complexity". */
export const keyLabel = (k: string) => k.replaceAll('_', ' ');

export interface BreakdownTrendOptions {
	width: number;
	height?: number;
	share: boolean;
	grain: Grain;
	colors: ColorScale;
	/** "trigger" or "kind", for labels. */
	dimension: string;
}

export function breakdownTrend(rows: BreakdownRow[], { width, height = 260, share, grain, colors, dimension }: BreakdownTrendOptions): Plot.PlotOptions {
	const keys = colors.domain.filter((k) => rows.some((r) => r.key === k));
	const extra = [...new Set(rows.map((r) => r.key))].filter((k) => !colors.domain.includes(k)).sort();
	const domain = [...keys, ...extra];
	const points = rows.map((r) => ({ ...r, date: asDate(r.bucket), y: share ? (r.share ?? 0) : r.events }));
	const fmt = (r: BreakdownRow) => (share ? `${r.share === null ? '–' : `${(r.share * 100).toFixed(1)}%`} (${r.events})` : `${r.events}`);
	return {
		width,
		height,
		marginLeft: narrow(width) ? 36 : 44,
		marginRight: 24,
		marginBottom: 40,
		x: timeAxis(width, grain),
		y: { label: share ? `Share of escalations (%)` : `Escalations per ${grain}`, percent: share, grid: true, ticks: 4, domain: share ? [0, 100] : undefined },
		color: {
			domain,
			range: domain.map((k) => colors.range[colors.domain.indexOf(k)] ?? '#8a8f98'),
			legend: true,
			tickFormat: keyLabel
		},
		ariaLabel: `Escalations by ${dimension}, ${share ? 'share' : 'count'} per ${grain}`,
		ariaDescription: domain
			.map((k) => `${keyLabel(k)}: ${points.filter((p) => p.key === k).map((p) => `${bucketLabel(p.bucket, grain)} ${fmt(p)}`).join(', ')}`)
			.join('; '),
		marks: [
			Plot.rectY(points, {
				x: 'date',
				interval: grain === 'month' ? 'month' : 'monday',
				y: 'y',
				fill: 'key',
				order: domain,
				insetLeft: 0.5,
				insetRight: 0.5,
				fillOpacity: (p) => (p.partial ? 0.5 : 1),
				tip: true,
				title: (p: BreakdownRow) => `${keyLabel(p.key)}, ${bucketLabel(p.bucket, grain)}${p.partial ? ' (partly outside the period)' : ''}\n${fmt(p)} escalations`
			} as Plot.RectYOptions),
			Plot.ruleY([0])
		]
	};
}
