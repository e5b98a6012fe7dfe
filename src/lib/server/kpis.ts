// The KPI engine: validates a period and filters, runs each queries/*.sql file with bound
// parameters, and assembles the JSON shape of SPEC.md (the CLI and /api/kpis both return it).
// Definitions live in the SQL files; this module only binds, runs and reshapes.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PRIORITIES } from '../import/canonical.ts';
import { describeIssues, filterValue, isoDate, wholeNumber } from '../params.ts';
import { readThrough } from './cache.ts';
import { withConnection, withConnections } from './db.ts';
import { calendarName, loadConfig, slaTargetRows } from './config.ts';
import { ensureFacts } from './facts.ts';
import { runQuery, runScript, type SqlValue } from './queries.ts';

/** Period and filters, as they arrive from the CLI or a query string (all text). */
export const KpiParams = z
	.object({
		from: isoDate,
		to: isoDate,
		team: filterValue.optional(),
		channel: filterValue.optional(),
		priority: z.enum(PRIORITIES).optional(),
		category: filterValue.optional(),
		vip: z
			.enum(['true', 'false'])
			.transform((v) => v === 'true')
			.optional(),
		tier: wholeNumber(1, 9).optional(),
		/** Length of the weekly series, in ISO weeks ending with the period's last week; default: the period's own weeks. */
		weeks: wholeNumber(1, 104).optional()
	})
	.strict()
	.refine((p) => p.from < p.to, { message: 'from must be before to (the period is [from, to))' });

export type KpiFilters = z.output<typeof KpiParams>;

export interface Stats {
	mean: number;
	median: number;
	p90: number;
	count: number;
}

export interface CsatGroup {
	rated: number;
	satisfied_rate: number | null;
	mean: number | null;
}

export interface SlaTier {
	response_met_rate: number | null;
	response_met_count: number;
	response_judged: number;
	resolution_met_rate: number | null;
	resolution_met_count: number;
	resolution_judged: number;
	/** Segments that started in the period, judged or left out (still open inside the target). */
	segments: number;
}

export interface KpiSet {
	tickets_created: number;
	escalated_tickets: number;
	escalation_rate: number | null;
	tickets_resolved: number;
	fcr_tickets: number;
	fcr_rate: number | null;
	reopened_tickets: number;
	reopen_rate: number | null;
	mttr_hours_by_tier: Record<string, Stats>;
	resolution_hours_by_tier: Record<string, Stats>;
	csat: { escalated: CsatGroup; not_escalated: CsatGroup };
	sla_by_tier?: Record<string, SlaTier>;
	sla_calendar?: string;
}

export interface KpiReport extends KpiSet {
	period: { from: string; to: string; time_zone: string };
	filters: Omit<KpiFilters, 'from' | 'to' | 'weeks'>;
	previous: KpiSet & { period: { from: string; to: string } };
	weekly: (KpiSet & { week: string; week_start: string })[];
}

/** A query-string or CLI parse failure, with one readable message. */
export class KpiParamsError extends Error {}

export function parseKpiParams(input: Record<string, string | undefined>): KpiFilters {
	const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ''));
	const r = KpiParams.safeParse(clean);
	if (!r.success) throw new KpiParamsError(describeIssues(r.error));
	return r.data;
}

export function timeZone(): string {
	return process.env.HANDOFF_TZ || 'UTC';
}

/** [from 00:00, to 00:00) local time in the zone, as UTC instants. */
export function bounds(from: string, to: string, zone: string) {
	const start = DateTime.fromISO(from, { zone }).startOf('day');
	const end = DateTime.fromISO(to, { zone }).startOf('day');
	return { from: start.toUTC().toISO()!, to: end.toUTC().toISO()! };
}

type Row = Record<string, unknown> & { week: Date | null };

/** The filters as the parameters of ticket_scope(), NULL when not set. */
export function scopeParams(f: KpiFilters): Record<string, SqlValue> {
	return {
		team: f.team ?? null,
		channel: f.channel ?? null,
		priority: f.priority ?? null,
		category: f.category ?? null,
		vip: f.vip ?? null,
		tier: f.tier ?? null
	};
}

export const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function statsByTier(rows: Row[]): Record<string, Stats> {
	const out: Record<string, Stats> = {};
	for (const r of rows) {
		out[String(r.tier)] = { mean: Number(r.mean), median: Number(r.median), p90: Number(r.p90), count: Number(r.count) };
	}
	return out;
}

function csatGroup(rows: Row[], escalated: boolean): CsatGroup {
	const r = rows.find((x) => x.escalated === escalated);
	return r ? { rated: Number(r.rated), satisfied_rate: num(r.satisfied_rate), mean: num(r.mean) } : { rated: 0, satisfied_rate: null, mean: null };
}

export const KPI_NAMES = ['escalation_rate', 'fcr', 'reopen_rate', 'mttr_by_tier', 'resolution_time_by_tier', 'csat'] as const;
const QUERIES = KPI_NAMES;
type QueryName = (typeof QUERIES)[number] | 'sla_by_tier';

function slaByTier(rows: Row[]): Record<string, SlaTier> {
	const out: Record<string, SlaTier> = {};
	for (const r of rows) {
		out[String(r.tier)] = {
			response_met_rate: num(r.response_met_rate),
			response_met_count: Number(r.response_met_count),
			response_judged: Number(r.response_judged),
			resolution_met_rate: num(r.resolution_met_rate),
			resolution_met_count: Number(r.resolution_met_count),
			resolution_judged: Number(r.resolution_judged),
			segments: Number(r.segments)
		};
	}
	return out;
}

function assemble(rows: Partial<Record<QueryName, Row[]>> & Record<(typeof QUERIES)[number], Row[]>, calendar = ''): KpiSet {
	const esc = rows.escalation_rate[0];
	const fcr = rows.fcr[0];
	const reopen = rows.reopen_rate[0];
	return {
		tickets_created: Number(esc?.tickets_created ?? 0),
		escalated_tickets: Number(esc?.escalated_tickets ?? 0),
		escalation_rate: num(esc?.escalation_rate),
		tickets_resolved: Number(fcr?.tickets_resolved ?? 0),
		fcr_tickets: Number(fcr?.fcr_tickets ?? 0),
		fcr_rate: num(fcr?.fcr_rate),
		reopened_tickets: Number(reopen?.reopened_tickets ?? 0),
		reopen_rate: num(reopen?.reopen_rate),
		mttr_hours_by_tier: statsByTier(rows.mttr_by_tier),
		resolution_hours_by_tier: statsByTier(rows.resolution_time_by_tier),
		csat: { escalated: csatGroup(rows.csat, true), not_escalated: csatGroup(rows.csat, false) },
		...(rows.sla_by_tier ? { sla_by_tier: slaByTier(rows.sla_by_tier), sla_calendar: calendar } : {})
	};
}

type Rows = Partial<Record<QueryName, Row[]>> & Record<(typeof QUERIES)[number], Row[]>;

// Every query of a KPI set, the dearest first (the quantiles, then the SLA segments), so the
// connections that share them finish at about the same time. SLA is per tier segment,
// counted in the period or week the segment starts in.
const BY_COST: QueryName[] = ['mttr_by_tier', 'resolution_time_by_tier', 'sla_by_tier', 'csat', 'fcr', 'reopen_rate', 'escalation_rate'];

/**
 * How many connections run a report's queries side by side. A query keeps the 2 cores busy
 * only part of the time (its last steps, such as sorting out the quantiles, use one thread);
 * with 3 the weekly series took about 0.75 of the time it takes on one connection.
 */
export const KPI_CONNECTIONS = 3;

/**
 * Every KPI query for each parameter set, run side by side on the connections (each one takes
 * the next query when it is free); the rows per set and query.
 */
async function runAll(conns: DuckDBConnection[], sets: Record<string, SqlValue>[]): Promise<Rows[]> {
	const out = sets.map(() => ({}) as Rows);
	const jobs = sets.flatMap((params, i) => BY_COST.map((q) => ({ i, q, params })));
	const failures: unknown[] = [];
	await Promise.all(
		conns.map(async (conn) => {
			// After a failure the others finish what they run and take nothing more.
			for (let job = jobs.shift(); job && !failures.length; job = jobs.shift()) {
				try {
					out[job.i][job.q] = await runQuery<Row>(conn, job.q, job.params);
				} catch (err) {
					failures.push(err);
				}
			}
		})
	);
	if (failures.length) throw failures[0];
	return out;
}

/** The configured SLA targets, as the table the SLA query joins (one statement, one parameter). */
export async function loadSlaTargets(conn: DuckDBConnection, config = loadConfig()): Promise<string> {
	await conn.run(
		`CREATE OR REPLACE TEMP TABLE sla_targets AS
		SELECT unnest(json_transform($targets::JSON,
			'[{"tier": "TINYINT", "priority": "VARCHAR", "response_hours": "DOUBLE", "resolution_hours": "DOUBLE"}]'), recursive := true)`,
		{ targets: JSON.stringify(slaTargetRows(config)) }
	);
	return calendarName(config.sla.calendar);
}

function weekKey(d: Date | null): string {
	// A DATE arrives as midnight UTC of that day.
	return d ? d.toISOString().slice(0, 10) : '';
}

type WeeklyKpis = KpiReport['weekly'];

/** The Mondays of every ISO week of [seriesFrom, to). */
function weekKeys(seriesFrom: string, to: string): string[] {
	const keys: string[] = [];
	const lastWeek = DateTime.fromISO(to).minus({ days: 1 }).startOf('week');
	for (let w = DateTime.fromISO(seriesFrom).startOf('week'); w <= lastWeek; w = w.plus({ weeks: 1 })) keys.push(w.toISODate()!);
	return keys;
}

/** The weekly series from the weekly rows: every week of `keys`, also those without a ticket (zero counts, null rates). */
function weeklySeries(weeklyRows: Rows, keys: string[], calendar: string): WeeklyKpis {
	return keys.map((w) => {
		const slice = Object.fromEntries(
			[...QUERIES, 'sla_by_tier' as const].map((q) => [q, (weeklyRows[q] ?? []).filter((r) => weekKey(r.week as Date | null) === w)])
		) as Record<QueryName, Row[]>;
		const monday = DateTime.fromISO(w);
		return { week: `${monday.weekYear}-W${String(monday.weekNumber).padStart(2, '0')}`, week_start: w, ...assemble(slice, calendar) };
	});
}

/** The first day of a series of `weeks` ISO weeks ending with the week that holds the period's last day. */
function seriesStart(from: string, to: string, weeks: number | undefined): string {
	return weeks ? DateTime.fromISO(to).minus({ days: 1 }).startOf('week').minus({ weeks: weeks - 1 }).toISODate()! : from;
}

/** Facts up to date, then on every connection the SLA targets (one reading of the configuration) and the macros. */
async function prepare(conns: DuckDBConnection[]): Promise<string> {
	await ensureFacts(conns[0]); // built for this HANDOFF_TZ and SLA calendar
	const config = loadConfig();
	await Promise.all(
		conns.map(async (conn) => {
			await loadSlaTargets(conn, config);
			await runScript(conn, 'ticket_scope');
			await runScript(conn, 'sla_judged');
		})
	);
	return calendarName(config.sla.calendar);
}

/**
 * The Monday of the week of the series that [b.from, b.to) is exactly (queries/period_week.sql
 * says when: then it holds the same rows as that week, so it has the same KPIs), else null.
 */
async function seriesWeek(conn: DuckDBConnection, b: { from: string; to: string }, series: { from: string; to: string }, keys: string[], zone: string): Promise<string | null> {
	const ms = (iso: string) => Date.parse(iso);
	if (ms(b.from) < ms(series.from) || ms(b.to) > ms(series.to)) return null; // a partial first week, or outside
	if (ms(b.to) - ms(b.from) > 8 * 86_400_000) return null; // cannot be one week: skip asking
	const [row] = await runQuery<{ week: string }>(conn, 'period_week', { ...b, tz: zone });
	return row && keys.includes(row.week) ? row.week : null;
}

/** Every KPI for the period, the previous period of the same length, and the weekly series. */
export async function computeKpis(filters: KpiFilters, db?: string): Promise<KpiReport> {
	const zone = timeZone();
	const { from, to, weeks, ...rest } = filters;
	const days = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days;
	const prevFrom = DateTime.fromISO(from).minus({ days }).toISODate()!;
	const base = scopeParams(filters);
	const seriesFrom = seriesStart(from, to, weeks);
	const keys = weekKeys(seriesFrom, to);
	const series = bounds(seriesFrom, to, zone);
	const periods = [bounds(from, to, zone), bounds(prevFrom, from, zone)];
	return withConnections(KPI_CONNECTIONS, async (conns) => {
		const calendar = await prepare(conns);
		// A week of the series (the dashboard's usual period, and the week before it) is not
		// computed twice: its KPIs are that week's row. Any other period runs the queries.
		const ofSeries = await Promise.all(periods.map((b, i) => seriesWeek(conns[i % conns.length], b, series, keys, zone)));
		const own = periods.filter((_, i) => !ofSeries[i]);
		const [weeklyRows, ...ownRows] = await runAll(conns, [
			{ ...base, ...series, weekly: true },
			...own.map((b) => ({ ...base, ...b, weekly: false }))
		]);
		const weekly = weeklySeries(weeklyRows, keys, calendar);
		const [current, previous] = ofSeries.map((w) => {
			if (!w) return assemble(ownRows.shift()!, calendar);
			const { week: _week, week_start: _start, ...set } = weekly.find((x) => x.week_start === w)!;
			return structuredClone(set);
		});
		return {
			period: { from, to, time_zone: zone },
			filters: rest,
			...current,
			previous: { period: { from: prevFrom, to: from }, ...previous },
			weekly
		};
	}, db);
}

/**
 * computeKpis for the dashboards: many people ask for the same few weeks, so identical
 * requests share one computation and its result until the data or the configuration changes.
 */
export function cachedKpis(filters: KpiFilters, db?: string): Promise<KpiReport> {
	return readThrough('kpis', filters, () => computeKpis(filters, db), db);
}

/** Only the weekly series of computeKpis (the same numbers), for pages that chart it alone. */
export async function computeWeekly(filters: KpiFilters, db?: string): Promise<{ filters: KpiReport['filters']; weekly: WeeklyKpis }> {
	const zone = timeZone();
	const { from, to, weeks, ...rest } = filters;
	const seriesFrom = seriesStart(from, to, weeks);
	return withConnections(KPI_CONNECTIONS, async (conns) => {
		const calendar = await prepare(conns);
		const [rows] = await runAll(conns, [{ ...scopeParams(filters), ...bounds(seriesFrom, to, zone), weekly: true }]);
		return { filters: rest, weekly: weeklySeries(rows, weekKeys(seriesFrom, to), calendar) };
	}, db);
}

/** Counts the dashboard shows that are not KPIs, but can be listed the same way. */
export const DRILL_COUNTS = ['escalation_events', 'bounced', 'ping_pong'] as const;

/** The drill-down's own parameters, on top of the period and filters. */
export const DrillParams = z.object({
	kpi: z.enum([...KPI_NAMES, 'sla_response', 'sla_resolution', ...DRILL_COUNTS]),
	part: z.enum(['numerator', 'denominator']),
	/** For sla_response and sla_resolution: the tier whose segments to list. */
	sla_tier: wholeNumber(1, 9).optional(),
	/** For mttr_by_tier and resolution_time_by_tier: only the tickets resolved at this tier (one row of the table). */
	resolving_tier: wholeNumber(1, 9).optional(),
	/** Only escalated (true) or never-escalated (false) tickets: the two halves of the CSAT card. */
	escalated: z
		.enum(['true', 'false'])
		.transform((v) => v === 'true')
		.optional(),
	page: wholeNumber(1, 1_000_000).default(1),
	page_size: wholeNumber(1, 500).default(50)
});

export interface DrillTicket {
	ticket_id: string;
	created_at: string;
	resolved_at: string | null;
	priority: string;
	channel: string | null;
	category: string;
	team: string | null;
	assignee: string | null;
	vip: boolean;
	csat_score: number | null;
	escalated: boolean;
	reopened: boolean;
	handoffs: number;
	resolving_tier: number | null;
	tier_path: number[];
	/** For the SLA drill-downs: the tier segment the row stands for. */
	segment?: { tier: number; start_at: string; met: boolean };
}

export interface DrillPage {
	kpi: z.output<typeof DrillParams>['kpi'];
	part: 'numerator' | 'denominator';
	total: number;
	page: number;
	page_size: number;
	tickets: DrillTicket[];
}

/** Splits query-string input into the drill-down part and the KPI period and filters. */
export function parseDrillParams(input: Record<string, string | undefined>) {
	const { kpi, part, page, page_size, sla_tier, resolving_tier, escalated, ...rest } = input;
	const drill = DrillParams.safeParse(
		Object.fromEntries(
			Object.entries({ kpi, part, page, page_size, sla_tier, resolving_tier, escalated }).filter(([, v]) => v !== undefined && v !== '')
		)
	);
	if (!drill.success) throw new KpiParamsError(describeIssues(drill.error));
	if (drill.data.kpi.startsWith('sla_') && drill.data.sla_tier === undefined) {
		throw new KpiParamsError(`${drill.data.kpi} needs sla_tier: SLA compliance is counted per tier`);
	}
	return { drill: drill.data, filters: parseKpiParams(rest) };
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** The tickets counted in a KPI's numerator or denominator, a page at a time. */
export async function kpiTickets(drill: z.output<typeof DrillParams>, filters: KpiFilters, db?: string): Promise<DrillPage> {
	const zone = timeZone();
	const sla = drill.kpi === 'sla_response' || drill.kpi === 'sla_resolution';
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		await runScript(conn, 'ticket_scope');
		if (sla) {
			await loadSlaTargets(conn);
			await runScript(conn, 'sla_judged');
		}
		const rows = await runQuery<Record<string, unknown>>(conn, sla ? 'sla_segments' : 'kpi_tickets', {
			kpi: drill.kpi,
			measure: drill.kpi === 'sla_response' ? 'response' : 'resolution',
			sla_tier: drill.sla_tier ?? null,
			resolving_tier: drill.resolving_tier ?? null,
			escalated: drill.escalated ?? null,
			part: drill.part,
			...bounds(filters.from, filters.to, zone),
			...scopeParams(filters),
			limit: drill.page_size,
			offset: (drill.page - 1) * drill.page_size
		});
		return {
			kpi: drill.kpi,
			part: drill.part,
			total: rows.length ? Number(rows[0].total) : 0,
			page: drill.page,
			page_size: drill.page_size,
			tickets: rows.map(({ total: _total, segment_no: _no, segment_start, met, ...r }) => ({
				...(r as unknown as DrillTicket),
				...(sla ? { segment: { tier: drill.sla_tier!, start_at: iso(segment_start)!, met: met === true } } : {}),
				created_at: iso(r.created_at)!,
				resolved_at: iso(r.resolved_at),
				handoffs: Number(r.handoffs),
				csat_score: r.csat_score === null ? null : Number(r.csat_score),
				resolving_tier: r.resolving_tier === null ? null : Number(r.resolving_tier),
				tier_path: (r.tier_path as unknown[] | null ?? []).map(Number)
			}))
		};
	}, db);
}
