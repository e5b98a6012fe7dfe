// The tiers view: how tickets move between tiers (transition matrix with bounces), how long each
// tier holds them (time in tier), SLA compliance by tier and priority, and the bounced
// escalations and ping-pong tickets behind those figures. Each part is one queries/tiers_*.sql
// file; this module binds the period and filters and reshapes the rows, nothing more.
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { bounds, KpiParamsError, loadSlaTargets, num, parseKpiParams, scopeParams, timeZone, type KpiFilters, type SlaTier } from './kpis.ts';
import { runQuery, runScript, type SqlValue } from './queries.ts';

export interface TierTransition {
	type: 'escalated' | 'de_escalated';
	from_tier: number;
	to_tier: number;
	events: number;
	bounced: number;
	/** bounced / events, 0 for de-escalations. */
	bounced_share: number;
	/** Distinct tickets behind the events. */
	tickets: number;
}

export interface TimeInTierBin {
	bin_no: number;
	/** "<15m", "15m-1h", ... "7d+". */
	bin: string;
	lo_hours: number;
	/** null for the last, open-ended bin. */
	hi_hours: number | null;
	segments: number;
	/** Of the tier's closed segments; null when it has none. */
	share: number | null;
	holds_median: boolean;
}

export interface TimeInTier {
	tier: number;
	/** Segments that ended in the period. */
	closed_segments: number;
	median_hours: number | null;
	p90_hours: number | null;
	/** Segments still open at the data's as-of time that started before the period's end. */
	open_segments: number;
	open_median_age_hours: number | null;
	bins: TimeInTierBin[];
}

export interface SlaCell extends SlaTier {
	tier: number;
	/** null: all priorities of the tier (equals sla_by_tier of the KPI engine). */
	priority: string | null;
}

export interface BouncedEscalation {
	ticket_id: string;
	escalated_at: string;
	from_tier: number;
	to_tier: number;
	back_at: string;
	hours_before_back: number;
}

export interface PingPongTicket {
	ticket_id: string;
	created_at: string;
	resolved_at: string | null;
	tier_path: number[];
	tier_changes: number;
	handoffs: number;
}

/** One cell of the transition matrix, as the URL names it: `escalated:1-2`. */
export interface TransitionKey {
	type: 'escalated' | 'de_escalated';
	from_tier: number;
	to_tier: number;
}

const TransitionParam = z
	.string()
	.regex(/^(escalated|de_escalated):[1-9]-[1-9]$/, 'must be escalated:FROM-TO or de_escalated:FROM-TO, tiers 1 to 9')
	.transform((v): TransitionKey => {
		const [type, tiers] = v.split(':');
		const [from_tier, to_tier] = tiers.split('-').map(Number);
		return { type: type as TransitionKey['type'], from_tier, to_tier };
	});

export const transitionParam = (k: TransitionKey) => `${k.type}:${k.from_tier}-${k.to_tier}`;

/** The period and filters, plus the optional `transition` whose tickets to list. */
export function parseTiersParams(input: Record<string, string | undefined>): { filters: KpiFilters; transition: TransitionKey | null } {
	const { transition, ...rest } = input;
	const filters = parseKpiParams(rest);
	if (transition === undefined || transition === '') return { filters, transition: null };
	const r = TransitionParam.safeParse(transition);
	if (!r.success) throw new KpiParamsError(`transition ${r.error.issues[0].message}`);
	return { filters, transition: r.data };
}

export interface TransitionTicket {
	ticket_id: string;
	occurred_at: string;
	bounced: boolean;
	kind: string | null;
	trigger: string | null;
	category: string;
	priority: string;
	tier_path: number[];
	resolved_at: string | null;
}

export interface TiersReport {
	period: { from: string; to: string; time_zone: string };
	transitions: TierTransition[];
	time_in_tier: TimeInTier[];
	sla: { calendar: string; cells: SlaCell[] };
	/** Tickets created in the period (the population of /api/escalations' handoffs). */
	bounced: { escalations: number; tickets: number; list: BouncedEscalation[] };
	ping_pong: { tickets: number; list: PingPongTicket[] };
	/** The tier changes behind the matrix cell the URL names (`transition`), if it names one. */
	transition_tickets: (TransitionKey & { total: number; list: TransitionTicket[] }) | null;
	/** How many rows each list holds at most. */
	list_limit: number;
}

type Row = Record<string, unknown>;

export const LIST_LIMIT = 50;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

async function transitions(conn: DuckDBConnection, params: Record<string, SqlValue>): Promise<TierTransition[]> {
	const rows = await runQuery<Row>(conn, 'tiers_transitions', params);
	return rows.map((r) => ({
		type: r.type as TierTransition['type'],
		from_tier: Number(r.from_tier),
		to_tier: Number(r.to_tier),
		events: Number(r.events),
		bounced: Number(r.bounced),
		bounced_share: Number(r.bounced_share),
		tickets: Number(r.tickets)
	}));
}

async function timeInTier(conn: DuckDBConnection, params: Record<string, SqlValue>): Promise<TimeInTier[]> {
	const rows = await runQuery<Row>(conn, 'tiers_time_in_tier', params);
	const out: TimeInTier[] = [];
	for (const r of rows) {
		const tier = Number(r.tier);
		let t = out.find((x) => x.tier === tier);
		if (!t) {
			t = {
				tier,
				closed_segments: Number(r.closed_segments),
				median_hours: num(r.median_hours),
				p90_hours: num(r.p90_hours),
				open_segments: Number(r.open_segments),
				open_median_age_hours: num(r.open_median_age_hours),
				bins: []
			};
			out.push(t);
		}
		t.bins.push({
			bin_no: Number(r.bin_no),
			bin: String(r.bin),
			lo_hours: Number(r.bin_lo_hours),
			hi_hours: num(r.bin_hi_hours),
			segments: Number(r.segments),
			share: num(r.share),
			holds_median: r.holds_median === true
		});
	}
	return out;
}

async function slaCells(conn: DuckDBConnection, params: Record<string, SqlValue>): Promise<SlaCell[]> {
	const rows = await runQuery<Row>(conn, 'tiers_sla_priority', params);
	return rows.map((r) => ({
		tier: Number(r.tier),
		priority: r.priority === null ? null : String(r.priority),
		response_met_rate: num(r.response_met_rate),
		response_met_count: Number(r.response_met_count),
		response_judged: Number(r.response_judged),
		resolution_met_rate: num(r.resolution_met_rate),
		resolution_met_count: Number(r.resolution_met_count),
		resolution_judged: Number(r.resolution_judged),
		segments: Number(r.segments)
	}));
}

async function transitionTickets(conn: DuckDBConnection, params: Record<string, SqlValue>, key: TransitionKey) {
	const rows = await runQuery<Row>(conn, 'tiers_transition_tickets', { ...params, ...key });
	return {
		...key,
		total: rows.length ? Number(rows[0].total) : 0,
		list: rows.map((r) => ({
			ticket_id: String(r.ticket_id),
			occurred_at: iso(r.occurred_at),
			bounced: r.bounced === true,
			kind: r.kind === null ? null : String(r.kind),
			trigger: r.trigger === null ? null : String(r.trigger),
			category: String(r.category),
			priority: String(r.priority),
			tier_path: ((r.tier_path as unknown[] | null) ?? []).map(Number),
			resolved_at: r.resolved_at === null ? null : iso(r.resolved_at)
		}))
	};
}

export async function computeTiers(filters: KpiFilters, db?: string, transition: TransitionKey | null = null): Promise<TiersReport> {
	const zone = timeZone();
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		const calendar = await loadSlaTargets(conn);
		await runScript(conn, 'ticket_scope');
		await runScript(conn, 'sla_judged');
		const params = { ...scopeParams(filters), ...bounds(filters.from, filters.to, zone), limit: LIST_LIMIT };
		const bounced = await runQuery<Row>(conn, 'tiers_bounced', params);
		const pingPong = await runQuery<Row>(conn, 'tiers_ping_pong', params);
		// A list with no rows has no row to carry its totals; the count is 0 then.
		const countBounced = countWhenEmpty(bounced);
		return {
			period: { from: filters.from, to: filters.to, time_zone: zone },
			transitions: await transitions(conn, params),
			time_in_tier: await timeInTier(conn, params),
			sla: { calendar, cells: await slaCells(conn, params) },
			bounced: {
				escalations: countBounced.total,
				tickets: countBounced.tickets,
				list: bounced.map((r) => ({
					ticket_id: String(r.ticket_id),
					escalated_at: iso(r.escalated_at),
					from_tier: Number(r.from_tier),
					to_tier: Number(r.to_tier),
					back_at: iso(r.back_at),
					hours_before_back: Number(r.hours_before_back)
				}))
			},
			ping_pong: {
				tickets: pingPong.length ? Number(pingPong[0].total) : 0,
				list: pingPong.map((r) => ({
					ticket_id: String(r.ticket_id),
					created_at: iso(r.created_at),
					resolved_at: r.resolved_at === null ? null : iso(r.resolved_at),
					tier_path: ((r.tier_path as unknown[] | null) ?? []).map(Number),
					tier_changes: Number(r.tier_changes),
					handoffs: Number(r.handoffs)
				}))
			},
			transition_tickets: transition ? await transitionTickets(conn, params, transition) : null,
			list_limit: LIST_LIMIT
		};
	}, db);
}

function countWhenEmpty(rows: Row[]) {
	return rows.length ? { total: Number(rows[0].total), tickets: Number(rows[0].tickets) } : { total: 0, tickets: 0 };
}
