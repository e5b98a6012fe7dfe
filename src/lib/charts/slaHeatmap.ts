// SLA compliance as a tier x priority heatmap, for one measure (response or resolution): each
// cell is the met rate of the judged tier segments with its count, and links to those segments;
// the last column is the tier over all priorities. Pure: (cells, options) => Plot options.
import * as Plot from '@observablehq/plot';
import { BAD, GOOD, pct } from './palette';

export interface SlaHeatCell {
	tier: number;
	/** null: all priorities of the tier. */
	priority: string | null;
	response_met_rate: number | null;
	response_met_count: number;
	response_judged: number;
	resolution_met_rate: number | null;
	resolution_met_count: number;
	resolution_judged: number;
}

export type SlaMeasure = 'response' | 'resolution';

export interface SlaHeatmapOptions {
	width: number;
	measure: SlaMeasure;
	/** Every priority in its order (the columns), before the "all" column. */
	priorities: readonly string[];
	/** The tickets behind a cell (its judged segments), or null for no link. */
	href?: (c: SlaHeatCell) => string | null;
	format?: (n: number) => string;
}

export const ALL_PRIORITIES = 'all';

export const slaFigures = (c: SlaHeatCell, measure: SlaMeasure) =>
	measure === 'response'
		? { rate: c.response_met_rate, met: c.response_met_count, judged: c.response_judged }
		: { rate: c.resolution_met_rate, met: c.resolution_met_count, judged: c.resolution_judged };

export function slaHeatmap(cells: SlaHeatCell[], { width, measure, priorities, href, format = String }: SlaHeatmapOptions): Plot.PlotOptions {
	const tiers = [...new Set(cells.map((c) => c.tier))].sort((a, b) => a - b).map((t) => `Tier ${t}`);
	const column = (c: SlaHeatCell) => c.priority ?? ALL_PRIORITIES;
	const row = (c: SlaHeatCell) => `Tier ${c.tier}`;
	const rate = (c: SlaHeatCell) => slaFigures(c, measure).rate;
	const narrow = width < 480;
	// Dark ends of the scale get white text.
	const ink = (c: SlaHeatCell) => {
		const r = rate(c);
		return r !== null && (r < 0.2 || r > 0.85) ? 'white' : '#1d2430';
	};
	const title = (c: SlaHeatCell) => {
		const f = slaFigures(c, measure);
		// Short lines: the tip has to fit beside the pointer on a phone.
		return `Tier ${c.tier}, ${c.priority ? `${c.priority} priority` : 'all priorities'}\n${measure} met: ${pct(f.rate)}\n${format(f.met)} of ${format(f.judged)} judged segments`;
	};
	return {
		width,
		height: 40 + tiers.length * (narrow ? 56 : 62),
		marginLeft: 52,
		marginTop: 32,
		marginBottom: 8,
		padding: 0.05,
		x: { domain: [...priorities, ALL_PRIORITIES], axis: 'top', label: null, tickSize: 0 },
		y: { domain: tiers, label: null, tickSize: 0 },
		color: {
			type: 'linear',
			domain: [0, 0.5, 1],
			range: [BAD, '#f7f4ea', GOOD],
			legend: true,
			label: `${measure} met (% of judged segments)`,
			tickFormat: (v: number) => `${Math.round(v * 100)}%`,
			unknown: '#eef0f3'
		},
		ariaLabel: `SLA ${measure} met, by tier and priority`,
		ariaDescription: cells.map((c) => title(c).replace('\n', ': ').replace('\n', ', ')).join('; '),
		marks: [
			Plot.cell(cells, { x: column, y: row, fill: rate, href: href ? (c: SlaHeatCell) => href(c) : undefined }),
			// The "all priorities" column is outlined: it is the tier's total, not one more priority.
			Plot.cell(
				cells.filter((c) => c.priority === null),
				{ x: column, y: row, fill: 'none', stroke: '#1d2430', strokeWidth: 1.5, pointerEvents: 'none' } as Plot.CellOptions
			),
			Plot.text(cells, { x: column, y: row, text: (c: SlaHeatCell) => pct(rate(c), 0), dy: -7, fontSize: narrow ? 13 : 15, fontWeight: 650, fill: ink, pointerEvents: 'none' } as Plot.TextOptions),
			Plot.text(cells, {
				x: column,
				y: row,
				text: (c: SlaHeatCell) => `of ${format(slaFigures(c, measure).judged)}`,
				dy: 9,
				fontSize: 10.5,
				fill: ink,
				pointerEvents: 'none'
			} as Plot.TextOptions),
			// Anywhere in a cell shows its tip (the default 40 px radius is smaller than a cell).
			Plot.tip(cells, Plot.pointer({ x: column, y: row, title, maxRadius: 80 }))
		]
	};
}
