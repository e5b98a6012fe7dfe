// Reviews in the DuckDB file: starting one from a scope (its tickets are saved with it, so its
// facts can be recomputed after any later import), reading it back with its timeline, and
// every save. Each save names the review version it edited; a save based on an older version
// is refused with both versions (ReviewConflict) and the unsaved edit is kept in the audit
// log, so two people editing at once never silently lose work. Writes are queued one at a
// time in this process. The step schemas live in src/lib/reviews/schema.ts.
import { DateTime } from 'luxon';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { query, withConnection } from './db.ts';
import { audit } from './audit.ts';
import { inTransaction } from './transaction.ts';
import { ensureFacts } from './facts.ts';
import { kpiTickets, loadSlaTargets, parseDrillParams, parseKpiParams, timeZone } from './kpis.ts';
import { runQuery, runScript } from './queries.ts';
import {
	ActionForm,
	CHECKLIST,
	FindingForm,
	MomentForm,
	PublishForm,
	ReviewScope,
	RootCauseForm,
	SummaryForm,
	TargetMetricSpec,
	type ActionStatus,
	type ActionType,
	type ChecklistItem,
	type MomentKind,
	type RootCauseAnalysis,
	type Summary
} from '../reviews/schema.ts';

/** Reviews are about a manageable set of tickets; a wider scope keeps the first ones. */
export const MAX_REVIEW_TICKETS = 2_000;

export interface ReviewFacts {
	tickets: number;
	customers: number;
	vip_tickets: number;
	escalated_tickets: number;
	escalations: number;
	reopened_tickets: number;
	resolved_tickets: number;
	sla_response_missed: number;
	sla_resolution_missed: number;
	sla_breached_tickets: number;
	csat_rated: number;
	csat_satisfied: number;
	csat_mean: number | null;
	median_resolution_hours: number | null;
	normal_resolution_hours: number | null;
	normal_tickets: number;
	categories: string[];
	first_created: string | null;
	last_activity: string | null;
	by_trigger: { key: string; events: number }[];
	by_kind: { key: string; events: number }[];
	/** True when the scope held more tickets than a review keeps. */
	truncated: boolean;
}

export interface Moment {
	id: number;
	occurred_at: string;
	kind: MomentKind;
	note: string;
	ticket_id: string | null;
}

export interface Finding {
	id: number;
	title: string;
	detail: string;
}

export interface Action {
	id: number;
	review_id: number;
	finding_id: number | null;
	title: string;
	type: ActionType;
	owner: string;
	due_date: string;
	status: ActionStatus;
	target: z.output<typeof TargetMetricSpec> | null;
	completed_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface TimelineEntry {
	/** 'event' rows come from the data; 'moment' rows are the reviewers' annotations. */
	source: 'event' | 'moment';
	occurred_at: string;
	ticket_id: string | null;
	type: string;
	from_tier: number | null;
	to_tier: number | null;
	kind: string | null;
	trigger: string | null;
	actor: string | null;
	team: string | null;
	note: string | null;
	moment_id?: number;
}

export interface Review {
	id: number;
	title: string;
	status: 'draft' | 'in_review' | 'published';
	version: number;
	scope: ReviewScope;
	facts: ReviewFacts;
	summary: Summary;
	analysis: RootCauseAnalysis;
	checklist: ChecklistItem[];
	signed_off_by: string | null;
	step: number;
	created_at: string;
	updated_at: string;
	published_at: string | null;
	ticket_ids: string[];
	moments: Moment[];
	findings: Finding[];
	actions: Action[];
}

export class ReviewNotFound extends Error {}

/** A save based on an older version: `current` is what is stored now, `attempted` what was sent. */
export class ReviewConflict extends Error {
	constructor(
		readonly current: Review,
		readonly attempted: unknown
	) {
		super(`review ${current.id} was changed by someone else (now version ${current.version}); your edit was not saved, and is kept below and in the audit log`);
	}
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// ---- writes, one at a time ------------------------------------------------------------------

let queue: Promise<unknown> = Promise.resolve();
function serialize<T>(fn: () => Promise<T>): Promise<T> {
	const next = queue.then(fn, fn);
	queue = next.catch(() => undefined);
	return next;
}

/**
 * Runs one save of review `id` if it is still at `expected` version: `fn` writes, then the
 * review's version goes up by one and the change is audited, all in one transaction.
 * Exported for the crash tests, which drive many-row saves through it.
 */
export async function mutate<T>(
	id: number,
	expected: number,
	step: number,
	attempted: unknown,
	fn: (conn: DuckDBConnection) => Promise<{ entity: string; entityId: number; change: string; result: T }>,
	db?: string
): Promise<T> {
	return serialize(() =>
		withConnection(async (conn) => {
			const [row] = await query<{ version: number }>(conn, 'SELECT version FROM reviews WHERE id = $id', { id });
			if (!row) throw new ReviewNotFound(`there is no review ${id}`);
			if (Number(row.version) !== expected) {
				await audit(conn, 'review', id, id, 'conflict', { based_on_version: expected, current_version: Number(row.version), attempted });
				throw new ReviewConflict(await readReview(conn, id), attempted);
			}
			return inTransaction(conn, async () => {
				const out = await fn(conn);
				await conn.run(
					`UPDATE reviews SET version = version + 1, updated_at = now(), step = greatest(step, $step) WHERE id = $id`,
					{ id, step }
				);
				await audit(conn, out.entity, out.entityId, id, out.change, attempted);
				return out.result;
			});
		}, db)
	);
}

// ---- starting a review ------------------------------------------------------------------------

export interface StartReview {
	scope: ReviewScope;
	/** Explicit tickets (a ticket page, a selection); otherwise the scope decides. */
	ticketIds?: string[];
	title?: string;
}

/** The ticket ids a scope stands for: a drill-down's list, a spike's escalated tickets, or a range's. */
async function scopeTickets(scope: ReviewScope, db?: string): Promise<{ ids: string[]; truncated: boolean }> {
	let drill: Record<string, string>;
	const filters = { ...scope.filters };
	if (scope.drill) drill = scope.drill;
	else if (scope.spike) {
		drill = { kpi: 'escalation_events', part: 'numerator' };
		filters.category = scope.spike.category;
	} else drill = { kpi: 'escalation_events', part: 'numerator' };
	const ids: string[] = [];
	let total = 0;
	for (let page = 1; ids.length < MAX_REVIEW_TICKETS; page++) {
		const p = parseDrillParams({ ...filters, from: scope.from, to: scope.to, ...drill, page: String(page), page_size: '500' });
		const r = await kpiTickets(p.drill, p.filters, db);
		total = r.total;
		ids.push(...r.tickets.map((t) => t.ticket_id));
		if (r.tickets.length < 500) break;
	}
	return { ids: [...new Set(ids)].slice(0, MAX_REVIEW_TICKETS), truncated: total > MAX_REVIEW_TICKETS };
}

async function computeFacts(conn: DuckDBConnection, id: number, from: string, truncated: boolean): Promise<ReviewFacts> {
	await ensureFacts(conn);
	await loadSlaTargets(conn);
	await runScript(conn, 'ticket_scope');
	await runScript(conn, 'sla_judged');
	const [f] = await runQuery<Row>(conn, 'review_facts', { review_id: id, from });
	const esc = await runQuery<{ dimension: string; key: string; events: number }>(conn, 'review_escalations', { review_id: id });
	const pick = (d: string) => esc.filter((r) => r.dimension === d).map((r) => ({ key: String(r.key), events: Number(r.events) }));
	const n = (k: string) => Number(f[k] ?? 0);
	return {
		tickets: n('tickets'),
		customers: n('customers'),
		vip_tickets: n('vip_tickets'),
		escalated_tickets: n('escalated_tickets'),
		escalations: n('escalations'),
		reopened_tickets: n('reopened_tickets'),
		resolved_tickets: n('resolved_tickets'),
		sla_response_missed: n('sla_response_missed'),
		sla_resolution_missed: n('sla_resolution_missed'),
		sla_breached_tickets: n('sla_breached_tickets'),
		csat_rated: n('csat_rated'),
		csat_satisfied: n('csat_satisfied'),
		csat_mean: num(f.csat_mean),
		median_resolution_hours: num(f.median_resolution_hours),
		normal_resolution_hours: num(f.normal_resolution_hours),
		normal_tickets: n('normal_tickets'),
		categories: ((f.categories as unknown[] | null) ?? []).map(String),
		first_created: iso(f.first_created),
		last_activity: iso(f.last_activity),
		by_trigger: pick('trigger'),
		by_kind: pick('kind'),
		truncated
	};
}

const hoursText = (h: number | null) => (h === null ? 'unknown' : h < 10 ? `${h.toFixed(1)} h` : `${Math.round(h)} h`);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The summary's first draft, in words, from the facts; the reviewers edit it from there. */
export function draftSummary(facts: ReviewFacts, scope: ReviewScope): { summary: string; impact: string } {
	const where = scope.spike
		? `a spike of ${scope.spike.category} escalations in the week of ${scope.spike.week_start}`
		: `${scope.from} to ${DateTime.fromISO(scope.to).minus({ days: 1 }).toISODate()}`;
	const triggers = facts.by_trigger.map((t) => `${t.key.replaceAll('_', ' ')} ${t.events}`).join(', ');
	const kinds = facts.by_kind.map((t) => `${t.key} ${t.events}`).join(', ');
	const summary =
		`${plural(facts.tickets, 'ticket')} (${facts.categories.join(', ') || 'no category'}), ${where}. ` +
		`${plural(facts.escalations, 'escalation')} on ${plural(facts.escalated_tickets, 'ticket')}` +
		(triggers ? `; by trigger: ${triggers}; by kind: ${kinds}.` : '.');
	const csat = facts.csat_rated ? `${facts.csat_satisfied} of ${facts.csat_rated} rated tickets satisfied (mean ${facts.csat_mean?.toFixed(1)})` : 'no CSAT ratings';
	const normal =
		facts.normal_resolution_hours === null
			? 'no normal to compare with'
			: `against ${hoursText(facts.normal_resolution_hours)} normally for these categories (${plural(facts.normal_tickets, 'ticket')} in the 8 weeks before)`;
	const impact =
		`${plural(facts.customers, 'customer')} affected, ${plural(facts.vip_tickets, 'VIP ticket')}. ` +
		`SLA: ${plural(facts.sla_response_missed, 'response target')} and ${plural(facts.sla_resolution_missed, 'resolution target')} missed, on ${plural(facts.sla_breached_tickets, 'ticket')}. ` +
		`CSAT: ${csat}. Median time to resolution ${hoursText(facts.median_resolution_hours)}, ${normal}.`;
	return { summary, impact };
}

const EMPTY_ANALYSIS: RootCauseAnalysis = {
	root_cause: null,
	root_cause_detail: '',
	caught_earlier: '',
	warning_signs: '',
	prevent: '',
	trigger: '',
	whys: [],
	factors: [],
	went_well: '',
	went_wrong: '',
	got_lucky: ''
};

/** The title a review gets when none is given (the /reviews/new page offers it to edit). */
export function defaultTitle(scope: ReviewScope, ids: string[]): string {
	if (scope.spike) return `Spike in ${scope.spike.category} escalations, week of ${scope.spike.week_start}`;
	if (scope.source === 'ticket' && ids.length === 1) return `Escalation of ticket ${ids[0]}`;
	const filters = Object.entries(scope.filters).map(([k, v]) => `${k} ${v}`).join(', ');
	return `Escalations ${scope.from} to ${DateTime.fromISO(scope.to).minus({ days: 1 }).toISODate()}${filters ? ` (${filters})` : ''}`;
}

/** Starts a review: saves its scope and tickets, computes its facts, and drafts its summary. */
export async function startReview(input: StartReview, db?: string): Promise<number> {
	const scope = ReviewScope.parse(input.scope);
	parseKpiParams({ from: scope.from, to: scope.to, ...scope.filters }); // the same rules as every page
	const found = input.ticketIds?.length ? { ids: [...new Set(input.ticketIds)].slice(0, MAX_REVIEW_TICKETS), truncated: input.ticketIds.length > MAX_REVIEW_TICKETS } : await scopeTickets(scope, db);
	return serialize(() =>
		withConnection(async (conn) => {
			if (input.ticketIds?.length) {
				const known = await query<{ ticket_id: string }>(conn, `SELECT ticket_id FROM tickets WHERE ticket_id IN (SELECT unnest(json_transform($ids::JSON, '["VARCHAR"]')))`, {
					ids: JSON.stringify(found.ids)
				});
				const missing = found.ids.filter((id) => !known.some((k) => k.ticket_id === id));
				if (missing.length) throw new ReviewNotFound(`no ticket ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
			}
			if (!found.ids.length) throw new ReviewNotFound('this scope has no tickets to review');
			return inTransaction(conn, async () => {
				const [{ id }] = await query<{ id: number }>(
					conn,
					`INSERT INTO reviews (title, status, version, scope, facts, summary, analysis, checklist, step, created_at, updated_at)
					VALUES ('', 'draft', 1, $scope, '{}', '{}', $analysis, '[]', 1, now(), now()) RETURNING id`,
					{ scope: JSON.stringify(scope), analysis: JSON.stringify(EMPTY_ANALYSIS) }
				);
				await conn.run(`INSERT INTO review_tickets SELECT $id, unnest(json_transform($ids::JSON, '["VARCHAR"]'))`, { id, ids: JSON.stringify(found.ids) });
				const facts = await computeFacts(conn, id, scope.from, found.truncated);
				const summary: Summary = { title: input.title?.trim() || defaultTitle(scope, found.ids), ...draftSummary(facts, scope) };
				await conn.run(`UPDATE reviews SET title = $title, facts = $facts, summary = $summary WHERE id = $id`, {
					id,
					title: summary.title,
					facts: JSON.stringify(facts),
					summary: JSON.stringify(summary)
				});
				await audit(conn, 'review', id, id, 'created', { scope, tickets: found.ids.length });
				return Number(id);
			});
		}, db)
	);
}

// ---- reading ----------------------------------------------------------------------------------

function toAction(r: Row): Action {
	return {
		id: Number(r.id),
		review_id: Number(r.review_id),
		finding_id: num(r.finding_id),
		title: String(r.title),
		type: r.type as ActionType,
		owner: String(r.owner),
		due_date: day(r.due_date),
		status: r.status as ActionStatus,
		target: r.target ? TargetMetricSpec.parse(JSON.parse(String(r.target))) : null,
		completed_at: iso(r.completed_at),
		created_at: iso(r.created_at)!,
		updated_at: iso(r.updated_at)!
	};
}

async function readReview(conn: DuckDBConnection, id: number): Promise<Review> {
	const [r] = await query<Row>(conn, 'SELECT * FROM reviews WHERE id = $id', { id });
	if (!r) throw new ReviewNotFound(`there is no review ${id}`);
	const tickets = await query<{ ticket_id: string }>(conn, 'SELECT ticket_id FROM review_tickets WHERE review_id = $id ORDER BY ticket_id', { id });
	const moments = await query<Row>(conn, 'SELECT * FROM review_moments WHERE review_id = $id ORDER BY occurred_at, id', { id });
	const findings = await query<Row>(conn, 'SELECT * FROM review_findings WHERE review_id = $id ORDER BY id', { id });
	const actions = await query<Row>(conn, 'SELECT * FROM review_actions WHERE review_id = $id ORDER BY id', { id });
	return {
		id: Number(r.id),
		title: String(r.title),
		status: r.status as Review['status'],
		version: Number(r.version),
		scope: ReviewScope.parse(JSON.parse(String(r.scope))),
		facts: JSON.parse(String(r.facts)) as ReviewFacts,
		summary: JSON.parse(String(r.summary)) as Summary,
		analysis: { ...EMPTY_ANALYSIS, ...(JSON.parse(String(r.analysis)) as Partial<RootCauseAnalysis>) },
		checklist: JSON.parse(String(r.checklist)) as ChecklistItem[],
		signed_off_by: (r.signed_off_by as string | null) ?? null,
		step: Number(r.step),
		created_at: iso(r.created_at)!,
		updated_at: iso(r.updated_at)!,
		published_at: iso(r.published_at),
		ticket_ids: tickets.map((t) => String(t.ticket_id)),
		moments: moments.map((m) => ({
			id: Number(m.id),
			occurred_at: iso(m.occurred_at)!,
			kind: m.kind as MomentKind,
			note: String(m.note),
			ticket_id: (m.ticket_id as string | null) ?? null
		})),
		findings: findings.map((f) => ({ id: Number(f.id), title: String(f.title), detail: String(f.detail) })),
		actions: actions.map(toAction)
	};
}

export async function getReview(id: number, db?: string): Promise<Review> {
	return withConnection((conn) => readReview(conn, id), db);
}

/** The facts recomputed on today's data for the saved tickets (the stored ones are as started). */
export async function recomputeFacts(id: number, db?: string): Promise<ReviewFacts> {
	return withConnection(async (conn) => {
		const review = await readReview(conn, id);
		return computeFacts(conn, id, review.scope.from, review.facts.truncated);
	}, db);
}

/** The events of the review's tickets with the reviewers' moments merged in, oldest first. */
export async function reviewTimeline(id: number, limit = 1_000, db?: string): Promise<TimelineEntry[]> {
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		const review = await readReview(conn, id);
		const events = await runQuery<Row>(conn, 'review_timeline', { review_id: id, limit });
		const entries: TimelineEntry[] = events.map((e) => ({
			source: 'event',
			occurred_at: iso(e.occurred_at)!,
			ticket_id: String(e.ticket_id),
			type: String(e.type),
			from_tier: num(e.from_tier),
			to_tier: num(e.to_tier),
			kind: (e.kind as string | null) ?? null,
			trigger: (e.trigger as string | null) ?? null,
			actor: (e.actor as string | null) ?? null,
			team: (e.team as string | null) ?? null,
			note: (e.note as string | null) ?? null
		}));
		for (const m of review.moments) {
			entries.push({ source: 'moment', occurred_at: m.occurred_at, ticket_id: m.ticket_id, type: m.kind, from_tier: null, to_tier: null, kind: null, trigger: null, actor: null, team: null, note: m.note, moment_id: m.id });
		}
		// Stable: events keep their file order; a moment goes after the events of its instant.
		return entries.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at) || (a.source === b.source ? 0 : a.source === 'event' ? -1 : 1));
	}, db);
}

// ---- saving the steps ----------------------------------------------------------------------------

type FormInput = Record<string, unknown>;

export async function saveSummary(id: number, input: FormInput, db?: string): Promise<void> {
	const { version, ...summary } = SummaryForm.parse(input);
	await mutate(id, version, 1, summary, async (conn) => {
		await conn.run('UPDATE reviews SET title = $title, summary = $summary WHERE id = $id', { id, title: summary.title, summary: JSON.stringify(summary) });
		return { entity: 'review', entityId: id, change: 'updated summary', result: undefined };
	}, db);
}

export async function addMoment(id: number, input: FormInput, db?: string): Promise<number> {
	const { version, ...parsed } = MomentForm.parse(input);
	// A time without an offset is local time in HANDOFF_TZ, as everywhere else; stored as UTC.
	const at = DateTime.fromISO(parsed.occurred_at, { zone: timeZone() });
	if (!at.isValid) throw new z.ZodError([{ code: 'custom', path: ['occurred_at'], message: 'is not a real date and time', input: parsed.occurred_at }]);
	const m = { ...parsed, occurred_at: at.toUTC().toISO()! };
	return mutate(id, version, 2, m, async (conn) => {
		const [{ id: mid }] = await query<{ id: number }>(
			conn,
			`INSERT INTO review_moments (review_id, occurred_at, kind, note, ticket_id, created_at) VALUES ($id, $at::TIMESTAMPTZ, $kind, $note, $ticket, now()) RETURNING id`,
			{ id, at: m.occurred_at, kind: m.kind, note: m.note, ticket: m.ticket_id ?? null }
		);
		return { entity: 'moment', entityId: Number(mid), change: 'created', result: Number(mid) };
	}, db);
}

export async function deleteMoment(id: number, momentId: number, version: number, db?: string): Promise<void> {
	await mutate(id, version, 2, { moment_id: momentId }, async (conn) => {
		await conn.run('DELETE FROM review_moments WHERE id = $mid AND review_id = $id', { id, mid: momentId });
		return { entity: 'moment', entityId: momentId, change: 'deleted', result: undefined };
	}, db);
}

export async function saveAnalysis(id: number, input: FormInput, db?: string): Promise<void> {
	const { version, ...analysis } = RootCauseForm.parse(input);
	await mutate(id, version, 3, analysis, async (conn) => {
		await conn.run('UPDATE reviews SET analysis = $analysis WHERE id = $id', { id, analysis: JSON.stringify(analysis) });
		return { entity: 'review', entityId: id, change: 'updated root cause', result: undefined };
	}, db);
}

export async function addFinding(id: number, input: FormInput, db?: string): Promise<number> {
	const { version, ...f } = FindingForm.parse(input);
	return mutate(id, version, 4, f, async (conn) => {
		const [{ id: fid }] = await query<{ id: number }>(
			conn,
			'INSERT INTO review_findings (review_id, title, detail, created_at) VALUES ($id, $title, $detail, now()) RETURNING id',
			{ id, title: f.title, detail: f.detail }
		);
		return { entity: 'finding', entityId: Number(fid), change: 'created', result: Number(fid) };
	}, db);
}

export async function deleteFinding(id: number, findingId: number, version: number, db?: string): Promise<void> {
	await mutate(id, version, 4, { finding_id: findingId }, async (conn) => {
		await conn.run('UPDATE review_actions SET finding_id = NULL WHERE finding_id = $fid AND review_id = $id', { id, fid: findingId });
		await conn.run('DELETE FROM review_findings WHERE id = $fid AND review_id = $id', { id, fid: findingId });
		return { entity: 'finding', entityId: findingId, change: 'deleted', result: undefined };
	}, db);
}

async function checkFinding(conn: DuckDBConnection, id: number, findingId: number | null) {
	if (findingId === null) return;
	const [f] = await query(conn, 'SELECT 1 FROM review_findings WHERE id = $fid AND review_id = $id', { id, fid: findingId });
	if (!f) throw new ReviewNotFound(`finding ${findingId} is not part of review ${id}`);
}

export async function addAction(id: number, input: FormInput, db?: string): Promise<number> {
	const { version, ...a } = ActionForm.parse(input);
	return mutate(id, version, 4, a, async (conn) => {
		await checkFinding(conn, id, a.finding_id);
		const [{ id: aid }] = await query<{ id: number }>(
			conn,
			`INSERT INTO review_actions (review_id, finding_id, title, type, owner, due_date, status, target, completed_at, created_at, updated_at)
			VALUES ($id, $finding, $title, $type, $owner, $due::DATE, $status, $target, CASE WHEN $status = 'done' THEN now() END, now(), now()) RETURNING id`,
			{ id, finding: a.finding_id, title: a.title, type: a.type, owner: a.owner, due: a.due_date, status: a.status, target: a.target ? JSON.stringify(a.target) : null }
		);
		return { entity: 'action', entityId: Number(aid), change: 'created', result: Number(aid) };
	}, db);
}

/** Replaces an action's fields; marking it done stamps completed_at (kept if it was done already). */
export async function updateAction(id: number, actionId: number, input: FormInput, db?: string): Promise<void> {
	const { version, ...a } = ActionForm.parse(input);
	await mutate(id, version, 4, { action_id: actionId, ...a }, async (conn) => {
		await checkFinding(conn, id, a.finding_id);
		const changed = await query(
			conn,
			`UPDATE review_actions SET finding_id = $finding, title = $title, type = $type, owner = $owner, due_date = $due::DATE,
				completed_at = CASE WHEN $status = 'done' THEN coalesce(CASE WHEN status = 'done' THEN completed_at END, now()) END,
				status = $status, target = $target, updated_at = now()
			WHERE id = $aid AND review_id = $id RETURNING id`,
			{ id, aid: actionId, finding: a.finding_id, title: a.title, type: a.type, owner: a.owner, due: a.due_date, status: a.status, target: a.target ? JSON.stringify(a.target) : null }
		);
		if (!changed.length) throw new ReviewNotFound(`action ${actionId} is not part of review ${id}`);
		return { entity: 'action', entityId: actionId, change: 'updated', result: undefined };
	}, db);
}

export async function deleteAction(id: number, actionId: number, version: number, db?: string): Promise<void> {
	await mutate(id, version, 4, { action_id: actionId }, async (conn) => {
		await conn.run('DELETE FROM review_actions WHERE id = $aid AND review_id = $id', { id, aid: actionId });
		return { entity: 'action', entityId: actionId, change: 'deleted', result: undefined };
	}, db);
}

/** Step 5: the checklist, the sign-off and the status; publishing stamps published_at once. */
export async function saveReviewStatus(id: number, input: FormInput, db?: string): Promise<void> {
	const { version, ...p } = PublishForm.parse(input);
	await mutate(id, version, 5, p, async (conn) => {
		await conn.run(
			`UPDATE reviews SET checklist = $checklist, signed_off_by = nullif($signed, ''), status = $status,
				published_at = CASE WHEN $status = 'published' THEN coalesce(published_at, now()) ELSE published_at END
			WHERE id = $id`,
			{ id, checklist: JSON.stringify(p.checklist.filter((c) => c in CHECKLIST)), signed: p.signed_off_by, status: p.status }
		);
		return { entity: 'review', entityId: id, change: `status ${p.status}`, result: undefined };
	}, db);
}

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	entity: string;
	entity_id: number;
	change: string;
	detail: unknown;
}

export async function reviewAudit(id: number, db?: string): Promise<AuditEntry[]> {
	const rows = await withConnection((conn) => query<Row>(conn, 'SELECT * FROM audit_log WHERE review_id = $id ORDER BY id', { id }), db);
	return rows.map((r) => ({
		id: Number(r.id),
		at: iso(r.changed_at)!,
		actor: String(r.actor),
		entity: String(r.entity),
		entity_id: Number(r.entity_id),
		change: String(r.change),
		detail: JSON.parse(String(r.detail))
	}));
}
