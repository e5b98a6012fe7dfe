// Closing the loop: did a done action move the number it named, and did the reviewed problem
// come back after the review was published? The numbers come from the KPI engine's own SQL
// files (queries/escalation_rate.sql, fcr.sql, reopen_rate.sql, csat.sql, run weekly with
// the target's filters), so "before" and "after" mean exactly what the dashboard means; the
// statistics and the wording are in reviews/stats.ts.
//
// Periods are whole ISO weeks in HANDOFF_TZ. The week in which the action was marked done is
// left out (it mixes before and after): "before" is the N weeks ending the Monday of that
// week, "after" the N weeks starting the Monday after it. An after week counts once the data
// reaches its Sunday (as the overview's last complete week); until all N are in, the
// comparison uses the k weeks so far and says so. Before weeks earlier than the data's first
// ticket are not counted as weeks (they would read as zero escalations).
import { DateTime } from 'luxon';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describeFilters } from '../filters.ts';
import { compareMetric, type MetricComparison } from '../reviews/stats.ts';
import { TARGET_METRICS, type TargetMetric, type TargetMetricSpec } from '../reviews/schema.ts';
import { query, withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { bounds, parseKpiParams, scopeParams, timeZone, type KpiFilters } from './kpis.ts';
import { runQuery, runScript } from './queries.ts';
import { getReview, type Action } from './reviews.ts';

export const IMPACT_WEEKS = 4;

export type Phase = 'before' | 'completion' | 'after' | 'not_yet';

export interface ImpactWeek {
	week_start: string;
	/** completion: the week it was marked done (left out); not_yet: not fully in the data. */
	phase: Phase;
	numerator: number;
	denominator: number;
	/** A rate, or for escalation_count the week's count; null without tickets (or data). */
	value: number | null;
}

export interface ActionImpact {
	action_id: number;
	review_id: number;
	title: string;
	metric: TargetMetric;
	label: string;
	better: 'up' | 'down';
	/** The target's filters in words ("category billing"), empty for the whole desk. */
	filters: string;
	completed_at: string;
	/** Monday of the week it was marked done. */
	completion_week: string;
	weeks: number;
	before: { from: string; to: string };
	after: { from: string; to: string };
	/** The data's as-of time (its latest timestamp). */
	data_until: string | null;
	weekly: ImpactWeek[];
	comparison: MetricComparison;
	/** /tickets links to the tickets behind each side's numerator. */
	links: { before: string; after: string };
}

type Row = Record<string, unknown>;

/** Which KPI file a metric comes from, and how /tickets names its numerator. */
const SOURCES: Record<TargetMetric, { query: 'escalation_rate' | 'fcr' | 'reopen_rate' | 'csat'; kpi: string; extra?: Record<string, string> }> = {
	escalation_count: { query: 'escalation_rate', kpi: 'escalation_rate' },
	escalation_rate: { query: 'escalation_rate', kpi: 'escalation_rate' },
	fcr_rate: { query: 'fcr', kpi: 'fcr' },
	reopen_rate: { query: 'reopen_rate', kpi: 'reopen_rate' },
	csat_escalated: { query: 'csat', kpi: 'csat', extra: { escalated: 'true' } }
};

/** A week's numerator and denominator from one row of the metric's KPI query. */
function counts(metric: TargetMetric, r: Row): { numerator: number; denominator: number } {
	switch (metric) {
		case 'escalation_count':
		case 'escalation_rate':
			return { numerator: Number(r.escalated_tickets), denominator: Number(r.tickets_created) };
		case 'fcr_rate':
			return { numerator: Number(r.fcr_tickets), denominator: Number(r.tickets_resolved) };
		case 'reopen_rate':
			return { numerator: Number(r.reopened_tickets), denominator: Number(r.tickets_resolved) };
		case 'csat_escalated': {
			const rated = Number(r.rated);
			return { numerator: Math.round(rated * Number(r.satisfied_rate)), denominator: rated };
		}
	}
}

/** The target's filters as KPI filters, validated by the same rules as every page. */
function targetFilters(t: TargetMetricSpec, from: string, to: string): KpiFilters {
	return parseKpiParams({ from, to, category: t.category, team: t.team, channel: t.channel, priority: t.priority });
}

function ticketsHref(metric: TargetMetric, t: TargetMetricSpec, from: string, to: string): string {
	const s = SOURCES[metric];
	const q = new URLSearchParams({ kpi: s.kpi, part: 'numerator', from, to, ...s.extra });
	for (const k of ['team', 'channel', 'priority', 'category'] as const) if (t[k]) q.set(k, t[k]);
	return `/tickets?${q}`;
}

interface DataSpan {
	/** Monday of the first ticket's week, and the Monday after the last complete week. */
	firstWeek: string | null;
	completeUntil: string | null;
	asOf: string | null;
}

async function dataSpan(conn: DuckDBConnection, zone: string): Promise<DataSpan> {
	const [r] = await query<{ as_of: Date | null; first: Date | null }>(conn, 'SELECT (SELECT as_of FROM data_as_of) AS as_of, (SELECT min(created_at) FROM tickets) AS first');
	if (!r?.as_of || !r.first) return { firstWeek: null, completeUntil: null, asOf: null };
	const asOf = DateTime.fromJSDate(r.as_of, { zone });
	const monday = asOf.startOf('week');
	// A week is complete once the data reaches its Sunday (see overview.ts, lastCompleteWeek).
	const completeUntil = asOf.weekday === 7 ? monday.plus({ weeks: 1 }) : monday;
	return {
		firstWeek: DateTime.fromJSDate(r.first, { zone }).startOf('week').toISODate()!,
		completeUntil: completeUntil.toISODate()!,
		asOf: r.as_of.toISOString()
	};
}

const weeksBetween = (a: string, b: string) => Math.round(DateTime.fromISO(b).diff(DateTime.fromISO(a), 'weeks').weeks);

type Impactable = Pick<Action, 'id' | 'review_id' | 'title' | 'target' | 'completed_at'>;

async function impactOn(conn: DuckDBConnection, action: Impactable, weeks: number, span: DataSpan, zone: string): Promise<ActionImpact | null> {
	if (!action.target || !action.completed_at) return null;
	const t = action.target;
	const metric = t.metric;
	const completion = DateTime.fromISO(action.completed_at, { zone }).startOf('week');
	const W = completion.toISODate()!;
	const beforeFrom = completion.minus({ weeks }).toISODate()!;
	const afterFrom = completion.plus({ weeks: 1 }).toISODate()!;
	const afterTo = completion.plus({ weeks: 1 + weeks }).toISODate()!;
	const filters = targetFilters(t, beforeFrom, afterTo);
	const rows = await runQuery<Row>(conn, SOURCES[metric].query, { ...scopeParams(filters), ...bounds(beforeFrom, afterTo, zone), weekly: true });
	const byWeek = new Map<string, Row>();
	for (const r of rows) {
		if (metric === 'csat_escalated' && r.escalated !== true) continue;
		if (r.week instanceof Date) byWeek.set(r.week.toISOString().slice(0, 10), r);
	}

	const weekly: ImpactWeek[] = [];
	const sums = { before: { weeks: 0, numerator: 0, denominator: 0 }, after: { weeks: 0, numerator: 0, denominator: 0 } };
	for (let w = DateTime.fromISO(beforeFrom); w < DateTime.fromISO(afterTo); w = w.plus({ weeks: 1 })) {
		const week = w.toISODate()!;
		const inData = span.firstWeek !== null && span.completeUntil !== null && week >= span.firstWeek && week < span.completeUntil;
		const phase: Phase = week < W ? 'before' : week === W ? 'completion' : inData ? 'after' : 'not_yet';
		const r = byWeek.get(week);
		const c = r ? counts(metric, r) : { numerator: 0, denominator: 0 };
		const weekHasData = phase === 'before' ? span.firstWeek !== null && week >= span.firstWeek : phase !== 'not_yet';
		const value = !weekHasData ? null : metric === 'escalation_count' ? c.numerator : c.denominator > 0 ? c.numerator / c.denominator : null;
		weekly.push({ week_start: week, phase, ...c, value });
		if ((phase === 'before' && weekHasData) || phase === 'after') {
			const s = sums[phase];
			s.weeks += 1;
			s.numerator += c.numerator;
			s.denominator += c.denominator;
		}
	}
	const afterUntil = DateTime.fromISO(afterFrom).plus({ weeks: sums.after.weeks }).toISODate()!;
	return {
		action_id: action.id,
		review_id: action.review_id,
		title: action.title,
		metric,
		label: TARGET_METRICS[metric].label,
		better: TARGET_METRICS[metric].better,
		filters: describeFilters(t),
		completed_at: action.completed_at,
		completion_week: W,
		weeks,
		before: { from: beforeFrom, to: W },
		after: { from: afterFrom, to: afterUntil },
		data_until: span.asOf,
		weekly,
		comparison: compareMetric(metric, sums.before, sums.after, weeks),
		links: { before: ticketsHref(metric, t, beforeFrom, W), after: ticketsHref(metric, t, afterFrom, sums.after.weeks ? afterUntil : afterTo) }
	};
}

async function prepare(conn: DuckDBConnection) {
	await ensureFacts(conn);
	await runScript(conn, 'ticket_scope');
}

/**
 * The before/after of a done action with a target metric; null for an action that is not
 * done or names no target. `completed_at` is read from the action as given.
 */
export async function actionImpact(action: Impactable, opts: { weeks?: number } = {}, db?: string): Promise<ActionImpact | null> {
	return (await actionImpacts([action], opts, db)).get(action.id) ?? null;
}

/** actionImpact for many actions on one connection, keyed by action id (only those with an impact). */
export async function actionImpacts(actions: Impactable[], opts: { weeks?: number } = {}, db?: string): Promise<Map<number, ActionImpact>> {
	const weeks = opts.weeks ?? IMPACT_WEEKS;
	const out = new Map<number, ActionImpact>();
	const todo = actions.filter((a) => a.target && a.completed_at);
	if (!todo.length) return out;
	const zone = timeZone();
	await withConnection(async (conn) => {
		await prepare(conn);
		const span = await dataSpan(conn, zone);
		for (const a of todo) {
			const impact = await impactOn(conn, a, weeks, span, zone);
			if (impact) out.set(a.id, impact);
		}
	}, db);
	return out;
}

// ---- recurrence --------------------------------------------------------------------------------

export interface Recurrence {
	review_id: number;
	published_at: string;
	/** The period searched: [from, to), local days, as in the tickets link. */
	from: string;
	to: string;
	filters: string;
	/** Escalated tickets in the period that match the scope and are not part of the review. */
	new_tickets: number;
	/** The first of them, oldest escalation first. */
	examples: { ticket_id: string; first_escalated_at: string }[];
	/** The review's own tickets that escalated again in the period (the tickets link lists them too). */
	review_tickets: number;
	/** /tickets?kpi=escalation_events&part=numerator with the period and the scope's filters. */
	href: string;
	data_until: string | null;
}

/**
 * For a published review: escalations since it was published (from the start of that day)
 * that match its scope, its filters and a reviewed spike's category. Null while unpublished.
 */
export async function reviewRecurrence(reviewId: number, opts: { today?: string; limit?: number } = {}, db?: string): Promise<Recurrence | null> {
	const review = await getReview(reviewId, db);
	if (!review.published_at) return null;
	const zone = timeZone();
	const from = DateTime.fromISO(review.published_at, { zone }).toISODate()!;
	const todayLocal = opts.today ?? DateTime.now().setZone(zone).toISODate()!;
	const to = DateTime.fromISO(todayLocal).plus({ days: 1 }).toISODate()!;
	const scopeFilters: Record<string, string> = { ...review.scope.filters };
	if (review.scope.spike) scopeFilters.category = review.scope.spike.category;
	const kpiFilters = parseKpiParams({ ...scopeFilters, from, to: to > from ? to : DateTime.fromISO(from).plus({ days: 1 }).toISODate()! });
	const limit = opts.limit ?? 5;
	return withConnection(async (conn) => {
		await prepare(conn);
		const [asOf] = await query<{ as_of: Date | null }>(conn, 'SELECT as_of FROM data_as_of');
		const rows = await runQuery<Row>(conn, 'impact_recurrence', {
			...scopeParams(kpiFilters),
			...bounds(kpiFilters.from, kpiFilters.to, zone),
			review_id: reviewId,
			limit
		});
		const q = new URLSearchParams({ kpi: 'escalation_events', part: 'numerator', from: kpiFilters.from, to: kpiFilters.to });
		for (const [k, v] of Object.entries(scopeFilters)) q.set(k, v);
		return {
			review_id: reviewId,
			published_at: review.published_at!,
			from: kpiFilters.from,
			to: kpiFilters.to,
			filters: describeFilters(scopeFilters),
			new_tickets: rows.length ? Number(rows[0].new_tickets) : 0,
			review_tickets: rows.length ? Number(rows[0].review_tickets) : 0,
			examples: rows.filter((r) => r.in_review === false).map((r) => ({ ticket_id: String(r.ticket_id), first_escalated_at: (r.first_escalated_at as Date).toISOString() })),
			href: `/tickets?${q}`,
			data_until: asOf?.as_of ? asOf.as_of.toISOString() : null
		};
	}, db);
}
