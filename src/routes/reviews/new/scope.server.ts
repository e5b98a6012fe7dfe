// What /reviews/new?source=… stands for: the URL contract other pages link with, read into a
// review scope (ReviewScope), the scope in words, how many tickets it holds and where to see
// them. Bad parameters are a ScopeError with an HTTP status and a message for the page.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { describeFilters, FILTER_KEYS } from '$lib/filters';
import { describeIssues, filterValue, isoDate, ticketId } from '$lib/params';
import { REVIEW_SOURCES, type ReviewScope } from '$lib/reviews/schema';
import { computeEscalations, type Spike } from '$lib/server/escalations';
import { KpiParamsError, kpiTickets, parseDrillParams, parseKpiParams, timeZone } from '$lib/server/kpis';
import { lastCompleteWeek } from '$lib/server/overview';
import { defaultTitle, MAX_REVIEW_TICKETS } from '$lib/server/reviews';
import { ticketDetail } from '$lib/server/ticket-detail';
import { describeDrill, describePeriod } from '$lib/server/ticket-list';

export class ScopeError extends Error {
	constructor(
		readonly status: 400 | 404,
		message: string
	) {
		super(message);
	}
}

export interface ScopeChoice {
	source: ReviewScope['source'];
	scope: ReviewScope;
	/** Set for a single ticket: the review holds exactly these. */
	ticketIds?: string[];
	/** The scope in words, for the heading. */
	description: string;
	/** How many tickets (tier segments, for an SLA drill-down) the scope holds. */
	count: number;
	noun: 'tickets' | 'tier segments';
	/** A review keeps the first MAX_REVIEW_TICKETS of a wider scope. */
	capped: boolean;
	/** The ticket list (or the ticket) behind the scope. */
	ticketsHref: string;
	suggestedTitle: string;
}

const DRILL_KEYS = ['kpi', 'part', 'sla_tier', 'resolving_tier', 'escalated'] as const;
const SpikeParams = z.object({
	category: z.string({ error: 'is missing' }).trim().min(1, 'is missing').pipe(filterValue),
	week_start: z
		.string({ error: 'is missing' })
		.pipe(isoDate)
		.refine((s) => DateTime.fromISO(s).weekday === 1, 'must be a Monday, the first day of an ISO week')
});

const get = (search: URLSearchParams, key: string) => search.get(key)?.trim() || undefined;

/** The period and the six filters as text, only those set. */
function pickFilters(search: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const k of FILTER_KEYS) {
		const v = get(search, k);
		if (v) out[k] = v;
	}
	return out;
}

/** /tickets with this period, filters and drill-down: the same list the review's tickets come from. */
function ticketsHref(from: string, to: string, filters: Record<string, string>, drill: Record<string, string>): string {
	return `/tickets?${new URLSearchParams({ from, to, ...filters, ...drill })}`;
}

/** How many the drill-down lists (tickets, or tier segments for SLA); also validates every parameter. */
async function count(period: { from: string; to: string }, filters: Record<string, string>, drill: Record<string, string>): Promise<number> {
	const p = parseDrillParams({ ...filters, ...period, ...drill, page: '1', page_size: '1' });
	return (await kpiTickets(p.drill, p.filters)).total;
}

/** The default period for a range: the last complete week of the data (this week when empty). */
async function defaultRange(): Promise<{ from: string; to: string }> {
	const week = await lastCompleteWeek();
	if (week) return week;
	const monday = DateTime.now().setZone(timeZone()).startOf('week');
	return { from: monday.toISODate()!, to: monday.plus({ weeks: 1 }).toISODate()! };
}

export async function resolveScope(search: URLSearchParams): Promise<ScopeChoice> {
	const source = z.enum(REVIEW_SOURCES).safeParse(get(search, 'source') ?? 'range');
	if (!source.success) throw new ScopeError(400, `source must be one of ${REVIEW_SOURCES.join(', ')}`);
	try {
		switch (source.data) {
			case 'ticket':
				return await ticketScope(search);
			case 'tickets':
				return await drillScope(search);
			case 'spike':
				return await spikeScope(search);
			case 'range':
				return await rangeScope(search);
		}
	} catch (err) {
		if (err instanceof KpiParamsError) throw new ScopeError(400, err.message);
		throw err;
	}
}

async function ticketScope(search: URLSearchParams): Promise<ScopeChoice> {
	const raw = search.get('ticket');
	if (!raw) throw new ScopeError(400, 'ticket is missing: name the ticket to review, e.g. ?source=ticket&ticket=DEMO-000123');
	const id = ticketId.safeParse(raw);
	if (!id.success) throw new ScopeError(400, `ticket ${id.error.issues[0]?.message ?? 'is not valid'}`);
	const detail = await ticketDetail(id.data);
	if (!detail) throw new ScopeError(404, `There is no ticket with the id “${id.data}” in the loaded data.`);
	const t = detail.ticket;
	// The period runs from the ticket's creation to its last activity, in whole days.
	const zone = timeZone();
	const last = [t.created_at, t.resolved_at, ...detail.events.map((e) => e.occurred_at)].filter((x): x is string => !!x).sort().at(-1)!;
	const from = DateTime.fromISO(t.created_at, { zone }).toISODate()!;
	const to = DateTime.fromISO(last, { zone }).plus({ days: 1 }).toISODate()!;
	const scope: ReviewScope = { source: 'ticket', from, to, filters: {} };
	const escalations = detail.events.filter((e) => e.type === 'escalated').length;
	return {
		source: 'ticket',
		scope,
		ticketIds: [t.ticket_id],
		description: `Ticket ${t.ticket_id}${t.subject ? `, “${t.subject}”` : ''} (${t.category}, ${t.priority} priority, ${
			escalations ? `escalated ${escalations === 1 ? 'once' : `${escalations} times`}` : 'never escalated'
		}, ${t.resolved_at ? 'resolved' : 'not resolved'})`,
		count: 1,
		noun: 'tickets',
		capped: false,
		ticketsHref: `/tickets/${encodeURIComponent(t.ticket_id)}`,
		suggestedTitle: defaultTitle(scope, [t.ticket_id])
	};
}

async function drillScope(search: URLSearchParams): Promise<ScopeChoice> {
	const from = get(search, 'from');
	const to = get(search, 'to');
	if (!from || !to) throw new ScopeError(400, 'from and to are missing: a list of tickets needs its period');
	if (!get(search, 'kpi') || !get(search, 'part')) throw new ScopeError(400, 'kpi and part are missing: name the drill-down list the tickets come from');
	const filters = pickFilters(search);
	const drill: Record<string, string> = {};
	for (const k of DRILL_KEYS) {
		const v = get(search, k);
		if (v) drill[k] = v;
	}
	const parsed = parseDrillParams({ ...filters, from, to, ...drill });
	const scope: ReviewScope = { source: 'tickets', from, to, filters, drill };
	const n = await count({ from, to }, filters, drill);
	const within = describeFilters(parsed.filters);
	return {
		source: 'tickets',
		scope,
		description: `${describeDrill(parsed.drill, describePeriod(from, to))}${within ? ` (${within})` : ''}`,
		count: n,
		noun: parsed.drill.kpi.startsWith('sla_') ? 'tier segments' : 'tickets',
		capped: n > MAX_REVIEW_TICKETS,
		ticketsHref: ticketsHref(from, to, filters, drill),
		suggestedTitle: defaultTitle(scope, [])
	};
}

const ESCALATED = { kpi: 'escalation_events', part: 'numerator' };

async function spikeScope(search: URLSearchParams): Promise<ScopeChoice> {
	const p = SpikeParams.safeParse({ category: get(search, 'category'), week_start: get(search, 'week_start') });
	if (!p.success) throw new ScopeError(400, describeIssues(p.error));
	const { category, week_start } = p.data;
	const from = week_start;
	const to = DateTime.fromISO(week_start).plus({ weeks: 1 }).toISODate()!;
	const filters = { category };
	const scope: ReviewScope = { source: 'spike', from, to, filters, spike: { category, week_start } };
	const n = await count({ from, to }, filters, ESCALATED);
	return {
		source: 'spike',
		scope,
		description: `The spike of ${category} escalations in the week of ${describePeriod(from, to)}: the ${category} tickets escalated that week`,
		count: n,
		noun: 'tickets',
		capped: n > MAX_REVIEW_TICKETS,
		ticketsHref: ticketsHref(from, to, filters, ESCALATED),
		suggestedTitle: defaultTitle(scope, [])
	};
}

async function rangeScope(search: URLSearchParams): Promise<ScopeChoice> {
	let from = get(search, 'from');
	let to = get(search, 'to');
	if (!from && !to) ({ from, to } = await defaultRange());
	if (!from || !to) throw new ScopeError(400, `${from ? 'to' : 'from'} is missing: a range needs both dates`);
	const filters = pickFilters(search);
	const parsed = parseKpiParams({ from, to, ...filters });
	const scope: ReviewScope = { source: 'range', from, to, filters };
	const n = await count({ from, to }, filters, ESCALATED);
	const within = describeFilters(parsed);
	return {
		source: 'range',
		scope,
		description: `Tickets escalated ${describePeriod(from, to)}${within ? ` (${within})` : ''}`,
		count: n,
		noun: 'tickets',
		capped: n > MAX_REVIEW_TICKETS,
		ticketsHref: ticketsHref(from, to, filters, ESCALATED),
		suggestedTitle: defaultTitle(scope, [])
	};
}

/** The category spikes of the 8 weeks up to the last complete one, biggest first, as starting points. */
export async function recentSpikes(limit = 6): Promise<(Spike & { week_end: string })[]> {
	const week = await lastCompleteWeek();
	if (!week) return [];
	const from = DateTime.fromISO(week.to).minus({ weeks: 8 }).toISODate()!;
	const report = await computeEscalations(parseKpiParams({ from, to: week.to }));
	return report.spikes
		.map((s) => ({ ...s, week_end: DateTime.fromISO(s.week_start).plus({ weeks: 1 }).toISODate()! }))
		.sort((a, b) => b.week_start.localeCompare(a.week_start) || b.escalations - a.escalations)
		.slice(0, limit);
}

/** A saved review's scope in words, and the ticket list it came from (for the review page). */
export function scopeWords(scope: ReviewScope, ticketIds: string[]): { text: string; ticketsHref: string | null } {
	const period = describePeriod(scope.from, scope.to);
	const within = describeFilters(scope.filters as Partial<Record<(typeof FILTER_KEYS)[number], string>>);
	switch (scope.source) {
		case 'ticket':
			return { text: `Ticket ${ticketIds.join(', ')}`, ticketsHref: null };
		case 'spike': {
			const s = scope.spike ?? { category: scope.filters.category ?? '(any category)', week_start: scope.from };
			return {
				text: `Spike of ${s.category} escalations, week of ${describePeriod(s.week_start, scope.to)}`,
				ticketsHref: ticketsHref(scope.from, scope.to, { ...scope.filters, ...(scope.spike ? { category: s.category } : {}) }, ESCALATED)
			};
		}
		case 'tickets': {
			const drill = scope.drill ?? ESCALATED;
			const href = ticketsHref(scope.from, scope.to, scope.filters, drill);
			try {
				const parsed = parseDrillParams({ ...drill, from: scope.from, to: scope.to });
				return { text: `${describeDrill(parsed.drill, period)}${within ? ` (${within})` : ''}`, ticketsHref: href };
			} catch (err) {
				// A scope saved by an older or other client: still say what it is.
				if (!(err instanceof KpiParamsError)) throw err;
				return { text: `Tickets of a drill-down list, ${period}${within ? ` (${within})` : ''}`, ticketsHref: href };
			}
		}
		case 'range':
			return { text: `Tickets escalated ${period}${within ? ` (${within})` : ''}`, ticketsHref: ticketsHref(scope.from, scope.to, scope.filters, ESCALATED) };
	}
}
