// One ticket's life in tier lanes: pure, (rows, options) => Plot options. y is the tier (tier 1
// at the bottom, so an escalation points up), x is time (UTC). Each tier segment is a bar in its
// lane, each tier change an arrow between lanes labelled with its trigger and kind, and the other
// events are symbols in the lane of the tier that held the ticket then; every mark has a tooltip.
// The page lists the same events as a table (the accessible alternative).
import * as Plot from '@observablehq/plot';
import { BAD, ESCALATED, GOOD, NEUTRAL, tierColor } from './palette.ts';

export interface TimelineSegment {
	tier: number;
	start: Date;
	/** The end of the bar: the next tier change, the resolution, or the data's as-of time while open. */
	end: Date;
	open: boolean;
	label: string;
}

export interface TimelineEvent {
	n: number;
	at: Date;
	type: string;
	/** The lane: the tier holding the ticket when it happened. */
	tier: number;
	from_tier: number | null;
	to_tier: number | null;
	kind: string | null;
	trigger: string | null;
	bounced: boolean;
	actor: string | null;
	note: string | null;
}

export interface TimelineOptions {
	width: number;
	height?: number;
	/** The tiers to draw lanes for (at least the ones the ticket visited). */
	tiers: number[];
	/** How to print an instant in tooltips. */
	formatTime: (d: Date) => string;
	ticketId: string;
}

/** The event types drawn as symbols, with their symbol and colour (tier changes are arrows). */
export const EVENT_SYMBOLS: { type: string; label: string; symbol: string; color: string }[] = [
	{ type: 'created', label: 'created', symbol: 'square', color: NEUTRAL },
	{ type: 'assigned', label: 'assigned', symbol: 'diamond', color: '#6b7280' },
	{ type: 'reassigned', label: 'reassigned', symbol: 'diamond', color: '#b07aa1' },
	{ type: 'responded', label: 'responded', symbol: 'circle', color: '#4e79a7' },
	{ type: 'note', label: 'note', symbol: 'plus', color: '#6b7280' },
	{ type: 'sla_breached', label: 'SLA breached', symbol: 'times', color: BAD },
	{ type: 'reopened', label: 'reopened', symbol: 'triangle', color: '#f28e2b' },
	{ type: 'resolved', label: 'resolved', symbol: 'star', color: GOOD }
];

const words = (s: string | null) => (s ? s.replace(/_/g, ' ') : null);

/** "escalated 1→2 · technical complexity · functional (bounced back)". */
export function describeChange(e: Pick<TimelineEvent, 'type' | 'from_tier' | 'to_tier' | 'trigger' | 'kind' | 'bounced'>): string {
	const verb = e.type === 'escalated' ? 'escalated' : 'de-escalated';
	const parts = [`${verb} ${e.from_tier ?? '?'}→${e.to_tier ?? '?'}`];
	if (e.type === 'escalated') {
		parts.push(words(e.trigger) ?? 'trigger unknown', words(e.kind) ?? 'kind unknown');
	}
	return parts.join(' · ') + (e.bounced ? ' (bounced back)' : '');
}

const isChange = (e: TimelineEvent) => (e.type === 'escalated' || e.type === 'de_escalated') && e.from_tier !== null && e.to_tier !== null;

export function ticketTimeline(
	data: { segments: TimelineSegment[]; events: TimelineEvent[] },
	{ width, height, tiers, formatTime, ticketId }: TimelineOptions
): Plot.PlotOptions {
	const { segments, events } = data;
	const maxTier = Math.max(1, ...tiers, ...segments.map((s) => s.tier));
	const lanes = Array.from({ length: maxTier }, (_, i) => i + 1);
	const changes = events.filter(isChange);
	const others = events.filter((e) => !isChange(e));
	const narrow = width < 560;
	const known = new Set(EVENT_SYMBOLS.map((s) => s.type));
	const symbols = EVENT_SYMBOLS.filter((s) => others.some((e) => e.type === s.type));
	const otherTypes = [...new Set(others.map((e) => e.type).filter((t) => !known.has(t)))];
	const times = [...segments.flatMap((s) => [s.start, s.end]), ...events.map((e) => e.at)];
	const t0 = Math.min(...times.map((d) => d.getTime()));
	const t1 = Math.max(...times.map((d) => d.getTime()));
	const pad = Math.max((t1 - t0) * 0.03, 60_000);

	// Labels of tier changes alternate above and below the arrow's middle so neighbours do not collide.
	const changeLabels = changes.map((e, i) => ({
		...e,
		y: ((e.from_tier as number) + (e.to_tier as number)) / 2,
		label: narrow
			? `${e.type === 'escalated' ? '↑' : '↓'} tier ${e.to_tier}`
			: e.type === 'escalated'
				? `${words(e.trigger) ?? 'trigger unknown'}\n${words(e.kind) ?? 'kind unknown'}${e.bounced ? ', bounced' : ''}`
				: `back to tier ${e.to_tier}`,
		dy: i % 2 === 0 ? -9 : 9,
		anchor: (e.at.getTime() - t0) / Math.max(t1 - t0, 1) > (narrow ? 0.5 : 0.72) ? ('end' as const) : ('start' as const)
	}));
	const milestones = others.filter((e) => e.type === 'resolved' || e.type === 'reopened' || e.type === 'sla_breached');

	// One function for both channels, so Plot draws one legend with symbol and colour together.
	const eventLabel = (e: TimelineEvent) => EVENT_SYMBOLS.find((s) => s.type === e.type)?.label ?? e.type;
	const tip = (e: TimelineEvent) =>
		[`#${e.n} ${isChange(e) ? describeChange(e) : words(e.type)}`, formatTime(e.at), e.actor ? `by ${e.actor}` : null, e.note]
			.filter(Boolean)
			.join('\n');

	return {
		width,
		height: height ?? 84 + 62 * maxTier,
		marginLeft: 58,
		marginRight: narrow ? 16 : 40,
		marginTop: 18,
		marginBottom: 50,
		ariaLabel: `Timeline of ticket ${ticketId} in tier lanes`,
		ariaDescription:
			`Tier segments: ${segments.map((s) => s.label).join('; ')}. ` +
			`Events: ${events.map((e) => `${formatTime(e.at)} ${isChange(e) ? describeChange(e) : words(e.type)}`).join('; ')}.`,
		x: {
			type: 'utc',
			domain: [new Date(t0 - pad), new Date(t1 + pad)],
			label: 'Time (UTC) →',
			labelOffset: 46, // below the two-line tick labels (time, then date)
			ticks: Math.max(2, Math.floor(width / 130))
		},
		y: {
			domain: [0.45, maxTier + 0.55],
			ticks: lanes,
			tickFormat: (t: number) => `Tier ${t}`,
			label: null,
			tickSize: 0
		},
		symbol: symbols.length
			? { domain: symbols.map((s) => s.label), range: symbols.map((s) => s.symbol), legend: true }
			: undefined,
		color: symbols.length ? { domain: symbols.map((s) => s.label), range: symbols.map((s) => s.color) } : undefined,
		marks: [
			Plot.ruleY(lanes, { stroke: '#e5e8ee', strokeDasharray: '3,3' }),
			// The tier segments: solid while a tier held the ticket, pale and dashed while it is still open.
			Plot.rect(segments, {
				x1: 'start',
				x2: 'end',
				y1: (s: TimelineSegment) => s.tier - 0.22,
				y2: (s: TimelineSegment) => s.tier + 0.22,
				fill: (s: TimelineSegment) => tierColor(s.tier),
				fillOpacity: (s: TimelineSegment) => (s.open ? 0.35 : 0.85),
				stroke: (s: TimelineSegment) => (s.open ? tierColor(s.tier) : 'none'),
				strokeDasharray: '4,3',
				rx: 3,
				title: (s: TimelineSegment) => s.label
			}),
			// Tier changes: arrows from the lane left to the lane entered.
			Plot.arrow(changes, {
				x1: 'at',
				x2: 'at',
				y1: (e: TimelineEvent) => (e.from_tier as number) + ((e.to_tier as number) > (e.from_tier as number) ? 0.24 : -0.24),
				y2: (e: TimelineEvent) => (e.to_tier as number) + ((e.to_tier as number) > (e.from_tier as number) ? -0.24 : 0.24),
				stroke: (e: TimelineEvent) => (e.type === 'escalated' ? ESCALATED : NEUTRAL),
				strokeWidth: 2,
				headLength: 7,
				bend: false
			}),
			// Labels near the right edge run leftwards from their arrow, so they stay inside the chart.
			...[-9, 9].flatMap((dy) =>
				(['start', 'end'] as const).map((anchor) =>
					Plot.text(
						changeLabels.filter((c) => c.dy === dy && c.anchor === anchor),
						{
							x: 'at',
							y: 'y',
							text: 'label',
							dy,
							dx: anchor === 'start' ? 6 : -6,
							textAnchor: anchor,
							lineAnchor: 'middle',
							fontSize: 10.5,
							fill: (e: TimelineEvent) => (e.type === 'escalated' ? BAD : NEUTRAL),
							stroke: 'white',
							strokeWidth: 3,
							paintOrder: 'stroke'
						}
					)
				)
			),
			// Every other event as a symbol in its lane.
			Plot.dot(others, {
				x: 'at',
				y: (e: TimelineEvent) => e.tier + 0.34,
				symbol: eventLabel,
				stroke: eventLabel,
				fill: 'white',
				strokeWidth: 1.6,
				r: 4.5
			}),
			// Resolutions, reopens and SLA breaches are named, not just drawn.
			narrow
				? null
				: Plot.text(milestones, {
						x: 'at',
						y: (e: TimelineEvent) => e.tier - 0.36,
						text: (e: TimelineEvent) => words(e.type === 'sla_breached' ? 'SLA breached' : e.type),
						fontSize: 10,
						fill: '#4b5563',
						textAnchor: 'middle'
					}),
			Plot.tip(
				events,
				Plot.pointer({
					x: 'at',
					y: (e: TimelineEvent) => (isChange(e) ? ((e.from_tier as number) + (e.to_tier as number)) / 2 : e.tier + 0.34),
					title: tip,
					maxRadius: 30
				})
			),
			otherTypes.length ? Plot.dot(others.filter((e) => !known.has(e.type)), { x: 'at', y: (e: TimelineEvent) => e.tier + 0.34, r: 3, fill: '#6b7280' }) : null
		]
	};
}
