// Time in tier: for each tier, the share of its closed segments in each duration bin (bins on a
// roughly logarithmic scale, from under 15 minutes to a week and more), one row of bars per
// tier; the bin holding the tier's median is outlined and labelled. Pure: (rows, options) => Plot options.
import * as Plot from '@observablehq/plot';
import { hours, pct, tierColor } from './palette';

export interface TimeInTierBinRow {
	bin_no: number;
	bin: string;
	segments: number;
	share: number | null;
	holds_median: boolean;
}

export interface TimeInTierRow {
	tier: number;
	closed_segments: number;
	median_hours: number | null;
	p90_hours: number | null;
	bins: TimeInTierBinRow[];
}

export interface TimeInTierOptions {
	width: number;
	format?: (n: number) => string;
}

interface Bar extends TimeInTierBinRow {
	tier: string;
	tierNo: number;
	closed: number;
	median: number | null;
	p90: number | null;
}

export const binTitle = (b: Bar, format: (n: number) => string = String) =>
	`${b.tier}, ${b.bin}\n${format(b.segments)} segments\n${pct(b.share)} of ${format(b.closed)}` +
	(b.holds_median ? `\nmedian ${hours(b.median)}, p90 ${hours(b.p90)}` : '');

export function timeInTier(rows: TimeInTierRow[], { width, format = String }: TimeInTierOptions): Plot.PlotOptions {
	const bars: Bar[] = rows.flatMap((t) =>
		t.bins.map((b) => ({ ...b, tier: `Tier ${t.tier}`, tierNo: t.tier, closed: t.closed_segments, median: t.median_hours, p90: t.p90_hours }))
	);
	const bins = rows[0]?.bins.map((b) => b.bin) ?? [];
	const maxShare = Math.max(0.05, ...bars.map((b) => b.share ?? 0));
	const narrow = width < 480;
	const medians = bars.filter((b) => b.holds_median);
	const last = bins.length - 1;
	return {
		width,
		height: 40 + rows.length * (narrow ? 96 : 110),
		marginLeft: 52,
		marginRight: 52,
		marginBottom: narrow ? 64 : 36,
		x: {
			domain: bins,
			label: narrow ? 'time in the tier (minutes, hours, days)' : 'time in the tier (m = minutes, h = hours, d = days)',
			labelAnchor: 'center',
			labelOffset: narrow ? 54 : 32,
			tickRotate: narrow ? -40 : 0,
			padding: 0.12
		},
		y: { domain: [0, maxShare * 1.3], label: '% of segments', tickFormat: (v: number) => `${Math.round(v * 100)}%`, ticks: 2, grid: true },
		fy: { domain: rows.map((t) => `Tier ${t.tier}`), label: null, padding: 0.18, axis: 'right' },
		ariaLabel: 'Time in tier, share of closed segments by duration',
		ariaDescription: rows
			.map((t) => `Tier ${t.tier}: ${t.closed_segments} segments, median ${hours(t.median_hours)}; ${t.bins.map((b) => `${b.bin} ${b.segments}`).join(', ')}`)
			.join('. '),
		marks: [
			Plot.frame({ stroke: '#eef0f3' }),
			Plot.barY(bars, {
				x: 'bin',
				y: (b: Bar) => b.share ?? 0,
				fy: 'tier',
				fill: (b: Bar) => tierColor(b.tierNo),
				stroke: (b: Bar) => (b.holds_median ? '#1d2430' : 'none'),
				strokeWidth: 1.5
			}),
			// The median's label sits in the headroom above every bar (the y domain leaves 30%), over
			// its bin, anchored towards the inside at either end of the axis so it stays in the frame.
			...(['start', 'middle', 'end'] as const).map((anchor) =>
				Plot.text(
					medians.filter((b) => (b.bin_no <= 1 ? 'start' : b.bin_no >= last - 1 ? 'end' : 'middle') === anchor),
					{
						x: 'bin',
						y: maxShare * 1.16,
						fy: 'tier',
						text: (b: Bar) => `median ${hours(b.median)} ▾`,
						textAnchor: anchor,
						dx: anchor === 'start' ? -10 : anchor === 'end' ? 10 : 0,
						fontSize: 11,
						fill: '#1d2430'
					}
				)
			),
			Plot.ruleY([0]),
			Plot.tip(bars, Plot.pointerX({ x: 'bin', y: (b: Bar) => b.share ?? 0, fy: 'tier', title: (b: Bar) => binTitle(b, format), maxRadius: 60 }))
		]
	};
}
