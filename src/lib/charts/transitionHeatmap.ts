// The from->to tier transition matrix: pure, (rows, options) => Plot options. Each cell is one
// from/to pair with its event count; escalations (above the diagonal) also show how many of
// them bounced straight back. The diagonal (no change) is greyed out.
import * as Plot from '@observablehq/plot';
import { pct } from './palette';

export interface TransitionCell {
	type: 'escalated' | 'de_escalated';
	from_tier: number;
	to_tier: number;
	events: number;
	bounced: number;
	bounced_share: number;
	tickets: number;
}

export interface TransitionHeatmapOptions {
	width: number;
	/** Every tier to show on both axes, sorted. */
	tiers: number[];
	format?: (n: number) => string;
	/** Where a cell leads (the tickets behind it), or nothing. */
	href?: (r: TransitionCell) => string;
	/** The cell currently listed below the chart, outlined. */
	selected?: { type: string; from_tier: number; to_tier: number } | null;
}

const label = (t: number) => `Tier ${t}`;

export function transitionTitle(r: TransitionCell, format: (n: number) => string = String): string {
	const what = r.type === 'escalated' ? 'escalated' : 'de-escalated';
	const bounce = r.type === 'escalated' ? `\n${format(r.bounced)} bounced back (${pct(r.bounced_share)})` : '';
	return `Tier ${r.from_tier} → ${r.to_tier}, ${what}\n${format(r.events)} events\n${format(r.tickets)} tickets${bounce}`;
}

export function transitionHeatmap(
	rows: TransitionCell[],
	{ width, tiers, format = String, href, selected = null }: TransitionHeatmapOptions
): Plot.PlotOptions {
	const domain = tiers.map(label);
	const max = Math.max(1, ...rows.map((r) => r.events));
	const narrow = width < 480;
	const cellHeight = narrow ? 64 : 78;
	const diagonal = tiers.map((t) => ({ tier: label(t) }));
	const dark = (r: TransitionCell) => r.events / max > 0.45;
	return {
		width,
		height: 60 + cellHeight * tiers.length,
		marginLeft: 56,
		marginTop: 40,
		marginBottom: 16,
		padding: 0.04,
		x: { domain, axis: 'top', label: 'to tier →', labelAnchor: 'center' },
		y: { domain, label: 'from tier ↓', labelAnchor: 'top' },
		color: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
		ariaLabel: 'Tier transition matrix',
		ariaDescription:
			rows.length === 0
				? 'No tier changes in this period.'
				: rows
						.map((r) => `from tier ${r.from_tier} to tier ${r.to_tier} (${r.type}): ${r.events} events, ${r.bounced} bounced`)
						.join('; '),
		marks: [
			Plot.cell(diagonal, { x: 'tier', y: 'tier', fill: '#f0f2f5' }),
			Plot.text(diagonal, { x: 'tier', y: 'tier', text: () => 'same tier', fill: '#8a8f98', fontSize: 10 }),
			Plot.cell(rows, {
				x: (r: TransitionCell) => label(r.to_tier),
				y: (r: TransitionCell) => label(r.from_tier),
				fill: 'events',
				href: href ? (r: TransitionCell) => href(r) : undefined
			}),
			Plot.cell(
				rows.filter((r) => selected && r.type === selected.type && r.from_tier === selected.from_tier && r.to_tier === selected.to_tier),
				{ x: (r: TransitionCell) => label(r.to_tier), y: (r: TransitionCell) => label(r.from_tier), fill: 'none', stroke: '#f28e2b', strokeWidth: 3, inset: 1.5 }
			),
			...(['escalated', 'de_escalated'] as const).map((type) =>
				Plot.text(
					rows.filter((r) => r.type === type),
					{
						x: (r: TransitionCell) => label(r.to_tier),
						y: (r: TransitionCell) => label(r.from_tier),
						text: (r: TransitionCell) => format(r.events),
						dy: type === 'escalated' ? -8 : 0, // room for the bounce line below
						fontSize: narrow ? 14 : 16,
						fontWeight: 650,
						fill: (r: TransitionCell) => (dark(r) ? 'white' : '#1d2430'),
						pointerEvents: 'none' // clicks go through to the cell's link
					} as Plot.TextOptions
				)
			),
			Plot.text(
				rows.filter((r) => r.type === 'escalated'),
				{
					x: (r: TransitionCell) => label(r.to_tier),
					y: (r: TransitionCell) => label(r.from_tier),
					text: (r: TransitionCell) => (narrow ? `${format(r.bounced)} back` : `${format(r.bounced)} bounced (${pct(r.bounced_share, 0)})`),
					dy: 11,
					fontSize: narrow ? 10 : 11,
					fill: (r: TransitionCell) => (dark(r) ? 'white' : '#5b6575'),
					pointerEvents: 'none'
				} as Plot.TextOptions
			),
			Plot.tip(
				rows,
				Plot.pointer({
					x: (r: TransitionCell) => label(r.to_tier),
					y: (r: TransitionCell) => label(r.from_tier),
					title: (r: TransitionCell) => transitionTitle(r, format),
					maxRadius: 120 // anywhere in a cell shows its tip
				})
			)
		]
	};
}
