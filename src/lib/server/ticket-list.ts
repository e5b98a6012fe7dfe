// The ticket list behind /tickets and its CSV export: the URL's period, filters, sort and page
// validated with zod, then either the list itself (queries/ticket_list.sql) or, when the URL
// names a KPI's numerator or denominator, exactly the tickets kpiTickets() counts there: the
// KPI conditions live in queries/kpi_tickets.sql and sla_segments.sql only.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { csvRow } from '../csv.ts';
import { describeFilters, FILTER_KEYS } from '../filters.ts';
import { describeIssues, searchText, wholeNumber } from '../params.ts';
import { dbPath, getInstance, query as sql, withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import {
	bounds,
	DrillParams,
	KpiParamsError,
	kpiTickets,
	parseDrillParams,
	parseKpiParams,
	scopeParams,
	timeZone,
	type DrillTicket,
	type KpiFilters
} from './kpis.ts';
import { lastCompleteWeek } from './overview.ts';
import { querySql, runQuery, runScript, type SqlValue } from './queries.ts';

export const SORT_KEYS = ['created_at', 'resolved_at', 'ticket_id', 'priority', 'category', 'team', 'handoffs', 'csat_score', 'resolution_hours'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** The column each sort key orders by; the only text that ever goes into {{order_by}}. */
const SORT_COLUMNS: Record<SortKey, string> = {
	created_at: 'created_at',
	resolved_at: 'resolved_at',
	ticket_id: 'ticket_id',
	priority: 'priority_rank',
	category: 'category',
	team: 'team',
	handoffs: 'handoffs',
	csat_score: 'csat_score',
	resolution_hours: 'resolution_hours'
};

/** Empty values (unresolved, unrated) go last either way; ticket_id breaks ties so pages never overlap. */
export function orderBy(sort: SortKey, dir: SortDir): string {
	const d = dir === 'asc' ? 'ASC' : 'DESC';
	const col = SORT_COLUMNS[sort];
	return col === 'ticket_id' ? `ticket_id ${d}` : `${col} ${d} NULLS LAST, ticket_id ${d}`;
}

/** The direction a column sorts in when first clicked: newest, most, highest first; text A to Z. */
export const DEFAULT_DIR: Record<SortKey, SortDir> = {
	created_at: 'desc',
	resolved_at: 'desc',
	ticket_id: 'asc',
	priority: 'desc',
	category: 'asc',
	team: 'asc',
	handoffs: 'desc',
	csat_score: 'desc',
	resolution_hours: 'desc'
};

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/** The list's own parameters, on top of the KPI period and filters. */
export const ListParams = z.object({
	sort: z.enum(SORT_KEYS).default('created_at'),
	dir: z.enum(['asc', 'desc']).optional(),
	page: wholeNumber(1, 1_000_000).default(1),
	page_size: wholeNumber(1, 500).default(50),
	/** Part of a ticket id or of a subject, case-insensitive: search text, quotes allowed (see params.ts). */
	q: searchText.optional(),
	escalated: z
		.enum(['true', 'false'])
		.transform((v) => v === 'true')
		.optional(),
	/** Which date the period applies to. */
	on: z.enum(['created', 'resolved']).default('created')
});
export type ListOptions = z.output<typeof ListParams> & { dir: SortDir };

const LIST_KEYS = ['sort', 'dir', 'page', 'page_size', 'q', 'escalated', 'on'] as const;
const DRILL_KEYS = ['kpi', 'part', 'sla_tier', 'resolving_tier', 'escalated'] as const;
const PERIOD_KEYS = ['from', 'to', ...FILTER_KEYS] as const;

type Drill = z.output<typeof DrillParams>;

export type TicketListQuery =
	| { mode: 'list'; filters: KpiFilters; options: ListOptions }
	| { mode: 'drill'; filters: KpiFilters; drill: Drill; /** List parameters in the URL that a KPI's list ignores. */ ignored: string[] };

const pick = (input: Record<string, string | undefined>, keys: readonly string[]) =>
	Object.fromEntries(keys.filter((k) => input[k] !== undefined && input[k] !== '').map((k) => [k, input[k]]));

/**
 * Reads the list's URL parameters. Unknown parameters are ignored (a page URL picks up all
 * sorts of things); known ones are validated and a bad one is a KpiParamsError. Without a
 * period, `period` (the last complete week) is used.
 */
export function parseTicketList(input: Record<string, string | undefined>, period?: { from: string; to: string } | null): TicketListQuery {
	const withPeriod = { ...input };
	if (!withPeriod.from && !withPeriod.to && period) Object.assign(withPeriod, period);
	const base = pick(withPeriod, PERIOD_KEYS);
	if (withPeriod.kpi || withPeriod.part) {
		const { drill, filters } = parseDrillParams({ ...base, ...pick(withPeriod, [...DRILL_KEYS, 'page', 'page_size']) });
		const ignored = LIST_KEYS.filter((k) => k !== 'page' && k !== 'page_size' && k !== 'escalated' && withPeriod[k]);
		return { mode: 'drill', filters, drill, ignored };
	}
	const filters = parseKpiParams(base);
	const r = ListParams.safeParse(pick(withPeriod, LIST_KEYS));
	if (!r.success) throw new KpiParamsError(describeIssues(r.error));
	return { mode: 'list', filters, options: { ...r.data, dir: r.data.dir ?? DEFAULT_DIR[r.data.sort] } };
}

export interface TicketListRow extends DrillTicket {
	subject: string | null;
	/** End-to-end resolution time; null while unresolved. */
	resolution_hours: number | null;
}

export interface TicketListPage {
	query: TicketListQuery;
	period: { from: string; to: string; time_zone: string; on: 'created' | 'resolved' };
	/** What is listed, in words, for the heading. */
	heading: string;
	total: number;
	page: number;
	page_size: number;
	pages: number;
	tickets: TicketListRow[];
	/** Drill-down only: the size of the other part (denominator for a numerator and vice versa). */
	other_total?: number;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function listParams(filters: KpiFilters, o: ListOptions, limit: number | null, offset: number): Record<string, SqlValue> {
	return {
		...bounds(filters.from, filters.to, timeZone()),
		...scopeParams(filters),
		on: o.on,
		escalated: o.escalated ?? null,
		q: o.q ?? null,
		limit,
		offset
	};
}

function listSql(o: ListOptions): string {
	return querySql('ticket_list').replaceAll('{{order_by}}', orderBy(o.sort, o.dir));
}

function toRow(r: Row): TicketListRow {
	return {
		ticket_id: String(r.ticket_id),
		subject: (r.subject as string | null) ?? null,
		created_at: iso(r.created_at)!,
		resolved_at: iso(r.resolved_at),
		priority: String(r.priority),
		channel: (r.channel as string | null) ?? null,
		category: String(r.category),
		team: (r.team as string | null) ?? null,
		assignee: (r.assignee as string | null) ?? null,
		vip: r.vip === true,
		csat_score: numOrNull(r.csat_score),
		escalated: r.escalated === true,
		reopened: r.reopened === true,
		handoffs: Number(r.handoffs),
		resolving_tier: numOrNull(r.resolving_tier),
		tier_path: ((r.tier_path as unknown[] | null) ?? []).map(Number),
		resolution_hours: numOrNull(r.resolution_hours)
	};
}

/** Adds the subject and resolution time (not in kpi_tickets.sql) to a page of drill-down rows. */
async function enrich(conn: DuckDBConnection, rows: DrillTicket[]): Promise<TicketListRow[]> {
	if (!rows.length) return [];
	const found = await runQuery<Row>(conn, 'ticket_detail', { ids: JSON.stringify([...new Set(rows.map((r) => r.ticket_id))]) });
	const byId = new Map(found.map((r) => [String(r.ticket_id), r]));
	return rows.map((r) => {
		const f = byId.get(r.ticket_id);
		return { ...r, subject: (f?.subject as string | null) ?? null, resolution_hours: numOrNull(f?.resolution_hours) };
	});
}

// ---- headings --------------------------------------------------------------------------

/** "Nov 16 – Nov 22, 2026" for the period [from, to): the last day shown is the one before `to`. */
export function describePeriod(from: string, to: string): string {
	const a = DateTime.fromISO(from, { zone: 'UTC' });
	const b = DateTime.fromISO(to, { zone: 'UTC' }).minus({ days: 1 });
	if (b <= a) return a.toFormat('LLL d, yyyy');
	if (a.year !== b.year) return `${a.toFormat('LLL d, yyyy')} – ${b.toFormat('LLL d, yyyy')}`;
	return `${a.toFormat('LLL d')} – ${b.toFormat('LLL d, yyyy')}`;
}

const KPI_WORDS: Record<Drill['kpi'], string> = {
	escalation_rate: 'escalation rate',
	fcr: 'first contact resolution',
	reopen_rate: 'reopen rate',
	mttr_by_tier: 'time to resolve by tier',
	resolution_time_by_tier: 'end-to-end resolution time by tier',
	csat: 'CSAT',
	sla_response: 'response SLA',
	sla_resolution: 'resolution SLA',
	escalation_events: 'the escalation counts',
	bounced: 'the bounced escalations',
	ping_pong: 'the ping-pong tickets'
};

/** The KPIs whose statistics are over one set of tickets: numerator and denominator coincide. */
export const SINGLE_PART = new Set<Drill['kpi']>(['mttr_by_tier', 'resolution_time_by_tier', 'escalation_events', 'bounced', 'ping_pong']);

/** What a drill-down part lists, in words: "Escalated tickets created Nov 16 – Nov 22, 2026". */
export function describeDrill(drill: Pick<Drill, 'kpi' | 'part' | 'sla_tier' | 'resolving_tier' | 'escalated'>, period: string): string {
	const narrowed = [
		drill.resolving_tier !== undefined ? `resolved at tier ${drill.resolving_tier}` : '',
		drill.escalated === true ? 'escalated' : drill.escalated === false ? 'never escalated' : ''
	].filter(Boolean);
	const base = describeBase(drill, period);
	return narrowed.length ? `${base}, ${narrowed.join(', ')}` : base;
}

function describeBase(drill: Pick<Drill, 'kpi' | 'part' | 'sla_tier'>, period: string): string {
	const num = drill.part === 'numerator';
	switch (drill.kpi) {
		case 'escalation_events':
			return `Tickets escalated ${period}`;
		case 'bounced':
			return `Tickets created ${period} with a bounced escalation`;
		case 'ping_pong':
			return `Ping-pong tickets created ${period}`;
		case 'escalation_rate':
			return `${num ? 'Escalated tickets' : 'Tickets'} created ${period}`;
		case 'fcr':
			return num ? `Tickets resolved ${period} with no handoff and never reopened` : `Tickets resolved ${period}`;
		case 'reopen_rate':
			return `${num ? 'Reopened tickets' : 'Tickets'} resolved ${period}`;
		case 'mttr_by_tier':
		case 'resolution_time_by_tier':
			return `Tickets resolved ${period}`;
		case 'csat':
			return `${num ? 'Satisfied (CSAT 4 or 5)' : 'Rated'} tickets resolved ${period}`;
		case 'sla_response':
		case 'sla_resolution': {
			const what = drill.kpi === 'sla_response' ? 'response' : 'resolution';
			return num
				? `Tier ${drill.sla_tier} segments started ${period} that met the ${what} target`
				: `Tier ${drill.sla_tier} segments started ${period} judged on the ${what} target`;
		}
	}
}

function heading(q: TicketListQuery, total: number, otherTotal?: number): string {
	const period = describePeriod(q.filters.from, q.filters.to);
	const filters = describeFilters(q.filters);
	const within = filters ? ` (${filters})` : '';
	if (q.mode === 'drill') {
		const kpi = q.drill.kpi.startsWith('sla_') ? `tier ${q.drill.sla_tier} ${KPI_WORDS[q.drill.kpi]}` : KPI_WORDS[q.drill.kpi];
		const what = describeDrill(q.drill, period) + within;
		if (q.drill.kpi === 'escalation_events' || q.drill.kpi === 'bounced' || q.drill.kpi === 'ping_pong') return `${what}: ${total.toLocaleString('en-US')}`;
		if (SINGLE_PART.has(q.drill.kpi)) return `${what}: ${total.toLocaleString('en-US')} (the tickets ${kpi} is computed over)`;
		if (q.drill.part === 'numerator') {
			return `${what}: ${total.toLocaleString('en-US')} of ${(otherTotal ?? 0).toLocaleString('en-US')} (numerator of ${kpi})`;
		}
		return `${what}: ${total.toLocaleString('en-US')} (denominator of ${kpi}; ${(otherTotal ?? 0).toLocaleString('en-US')} of them in the numerator)`;
	}
	const o = q.options;
	const parts = [`${o.escalated === true ? 'Escalated tickets' : o.escalated === false ? 'Tickets never escalated,' : 'Tickets'} ${o.on} ${period}`];
	if (filters) parts.push(`(${filters})`);
	if (o.q) parts.push(`matching “${o.q}”`);
	return parts.join(' ');
}

// ---- the page ------------------------------------------------------------------------------

/** The overview's default, the last complete week of the data; with no data yet, this week. */
async function defaultPeriod(): Promise<{ from: string; to: string }> {
	const week = await lastCompleteWeek();
	if (week) return week;
	const monday = DateTime.now().setZone(timeZone()).startOf('week');
	return { from: monday.toISODate()!, to: monday.plus({ weeks: 1 }).toISODate()! };
}

/** Parses the URL (defaulting to the last complete week) and loads one page of the list. */
export async function loadTicketList(search: URLSearchParams, db?: string): Promise<TicketListPage> {
	const input = Object.fromEntries(search);
	const query = parseTicketList(input, !input.from && !input.to ? await defaultPeriod() : null);
	return ticketList(query, db);
}

export async function ticketList(query: TicketListQuery, db?: string): Promise<TicketListPage> {
	const { from, to } = query.filters;
	const period = { from, to, time_zone: timeZone(), on: query.mode === 'list' ? query.options.on : ('created' as const) };
	if (query.mode === 'drill') {
		const d = query.drill;
		const page = await kpiTickets(d, query.filters, db);
		const other = SINGLE_PART.has(d.kpi)
			? undefined
			: (await kpiTickets({ ...d, part: d.part === 'numerator' ? 'denominator' : 'numerator', page: 1, page_size: 1 }, query.filters, db)).total;
		const tickets = await withConnection((conn) => enrich(conn, page.tickets), db);
		return {
			query,
			period,
			heading: heading(query, page.total, other),
			total: page.total,
			page: page.page,
			page_size: page.page_size,
			pages: Math.max(1, Math.ceil(page.total / page.page_size)),
			tickets,
			other_total: other
		};
	}
	const o = query.options;
	const rows = await withConnection(async (conn) => {
		await ensureFacts(conn);
		await runScript(conn, 'ticket_scope');
		return sql<Row>(conn, listSql(o), listParams(query.filters, o, o.page_size, (o.page - 1) * o.page_size));
	}, db);
	const total = rows.length ? Number(rows[0].total) : 0;
	return {
		query,
		period,
		heading: heading(query, total),
		total,
		page: o.page,
		page_size: o.page_size,
		pages: Math.max(1, Math.ceil(total / o.page_size)),
		tickets: rows.filter((r) => r.ticket_id !== null).map(toRow)
	};
}

// ---- the CSV export --------------------------------------------------------------------------

export const CSV_COLUMNS = [
	'ticket_id', 'subject', 'created_at', 'resolved_at', 'priority', 'channel', 'category', 'team', 'assignee',
	'tier_path', 'resolving_tier', 'handoffs', 'escalated', 'reopened', 'csat_score', 'vip', 'resolution_hours'
] as const;
const SEGMENT_COLUMNS = ['segment_tier', 'segment_start', 'segment_met'] as const;

function csvLine(r: TicketListRow, withSegment: boolean): string {
	const cells: unknown[] = [
		r.ticket_id, r.subject, r.created_at, r.resolved_at, r.priority, r.channel, r.category, r.team, r.assignee,
		r.tier_path.join('>'), r.resolving_tier, r.handoffs, r.escalated, r.reopened, r.csat_score, r.vip, r.resolution_hours
	];
	if (withSegment) cells.push(r.segment?.tier, r.segment?.start_at, r.segment?.met);
	return csvRow(cells);
}

/** Rows the drill-down export asks kpiTickets() for at a time. */
const DRILL_CHUNK = 5000;

/** A file name that says what the export holds, e.g. tickets-2026-11-16-to-2026-11-23.csv. */
export function exportFileName(q: TicketListQuery): string {
	const what = q.mode === 'drill' ? `${q.drill.kpi}${q.drill.sla_tier ? `-tier${q.drill.sla_tier}` : ''}-${q.drill.part}` : 'tickets';
	return `${what}-${q.filters.from}-to-${q.filters.to}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * The whole list (every page, same filters, drill-down and sort) as CSV text chunks, streamed:
 * the list straight from DuckDB's streaming result, a drill-down a few thousand rows at a time.
 * The connection stays open while the consumer reads and is closed when it stops.
 */
export async function* ticketListCsv(query: TicketListQuery, db?: string): AsyncGenerator<string> {
	const sla = query.mode === 'drill' && query.drill.kpi.startsWith('sla_');
	yield csvRow([...CSV_COLUMNS, ...(sla ? SEGMENT_COLUMNS : [])]);
	if (query.mode === 'drill') {
		for (let page = 1; ; page++) {
			const chunk = await kpiTickets({ ...query.drill, page, page_size: DRILL_CHUNK }, query.filters, db);
			const rows = await withConnection((conn) => enrich(conn, chunk.tickets), db);
			if (rows.length) yield rows.map((r) => csvLine(r, sla)).join('');
			if (page * DRILL_CHUNK >= chunk.total || !rows.length) return;
		}
	}
	const instance = await getInstance(dbPath(db));
	const conn = await instance.connect();
	try {
		await ensureFacts(conn);
		await runScript(conn, 'ticket_scope');
		const result = await conn.stream(listSql(query.options), listParams(query.filters, query.options, null, 0) as never);
		for await (const rows of result.yieldRowObjectJs()) {
			const text = rows
				.filter((r) => r.ticket_id !== null)
				.map((r) => csvLine(toRow(r as Row), false))
				.join('');
			if (text) yield text;
		}
	} finally {
		conn.closeSync();
	}
}

/** Parses the URL like loadTicketList and returns the export's file name and its chunks. */
export async function ticketListExport(search: URLSearchParams, db?: string) {
	const input = Object.fromEntries(search);
	delete input.page;
	const query = parseTicketList(input, !input.from && !input.to ? await defaultPeriod() : null);
	return { filename: exportFileName(query), chunks: ticketListCsv(query, db) };
}
