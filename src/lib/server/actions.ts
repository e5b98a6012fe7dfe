// The action tracker: every review's action items in one list (queries/actions_*.sql) with
// its filters, counts for the overview, the CSV export, an inline status change that goes
// through reviews.ts's updateAction (so versions, validation and the audit log are the
// review's own), and the done actions to mark on trend charts. Impact lives in impact.ts.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { csvRow } from '../csv.ts';
import { describeIssues, filterValue, isoDate, recordId, ticketId } from '../params.ts';
import { ACTION_STATUSES, ACTION_TYPES, ActionForm, ReviewScope, TARGET_METRICS, TargetMetricSpec, version, type ActionStatus, type ActionType } from '../reviews/schema.ts';
import { query, withConnection } from './db.ts';
import { bounds, timeZone } from './kpis.ts';
import { runQuery, type SqlValue } from './queries.ts';
import { actionImpacts, reviewRecurrence, type ActionImpact, type Recurrence } from './impact.ts';
import { addAction, getReview, MAX_REVIEW_TICKETS, ReviewConflict, ReviewNotFound, startReview, updateAction, type Action } from './reviews.ts';

/** Days ahead that count as "due soon" (today included, today + 7 the last). */
export const DUE_SOON_DAYS = 7;

const statusKeys = Object.keys(ACTION_STATUSES) as [ActionStatus, ...ActionStatus[]];
const typeKeys = Object.keys(ACTION_TYPES) as [ActionType, ...ActionType[]];

/** The list's filters and order, as they arrive in the URL. */
export const ActionListParams = z.object({
	/** Exactly this owner: a filter value (see params.ts), as ActionForm only stores such names. */
	owner: filterValue.optional(),
	/** One status, or `active` for open and in progress together. */
	status: z.enum([...statusKeys, 'active']).optional(),
	type: z.enum(typeKeys).optional(),
	review: recordId.optional(),
	due: z.enum(['overdue', 'soon']).optional(),
	/** By due date: soonest first (asc) or latest first. */
	dir: z.enum(['asc', 'desc']).default('asc')
});
export type ActionListQuery = z.output<typeof ActionListParams>;
export const ACTION_LIST_KEYS = ['owner', 'status', 'type', 'review', 'due', 'dir'] as const;

export class ActionParamsError extends Error {}

/** Reads the list parameters of a URL; other parameters are ignored, a bad value throws. */
export function parseActionParams(search: URLSearchParams | Record<string, string | undefined>): ActionListQuery {
	const get = (k: string) => (search instanceof URLSearchParams ? search.get(k) : search[k]) ?? undefined;
	const input = Object.fromEntries(ACTION_LIST_KEYS.map((k) => [k, get(k)]).filter(([, v]) => v !== undefined && v !== ''));
	const r = ActionListParams.safeParse(input);
	if (!r.success) throw new ActionParamsError(describeIssues(r.error));
	return r.data;
}

export interface ActionRow extends Action {
	review_title: string;
	review_status: 'draft' | 'in_review' | 'published';
	/** The review's version: a status change must name it. */
	review_version: number;
	finding_title: string | null;
	overdue: boolean;
	due_soon: boolean;
}

/** Today's date in HANDOFF_TZ. */
export function today(): string {
	return DateTime.now().setZone(timeZone()).toISODate()!;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

function target(v: unknown): Action['target'] {
	if (v === null || v === undefined) return null;
	const r = TargetMetricSpec.safeParse(JSON.parse(String(v)));
	return r.success ? r.data : null;
}

function toRow(r: Row): ActionRow {
	return {
		id: Number(r.id),
		review_id: Number(r.review_id),
		finding_id: r.finding_id === null ? null : Number(r.finding_id),
		title: String(r.title),
		type: r.type as ActionType,
		owner: String(r.owner),
		due_date: day(r.due_date),
		status: r.status as ActionStatus,
		target: target(r.target),
		completed_at: iso(r.completed_at),
		created_at: iso(r.created_at)!,
		updated_at: iso(r.updated_at)!,
		review_title: String(r.review_title),
		review_status: r.review_status as ActionRow['review_status'],
		review_version: Number(r.review_version),
		finding_title: (r.finding_title as string | null) ?? null,
		overdue: r.overdue === true,
		due_soon: r.due_soon === true
	};
}

function listParams(q: Partial<ActionListQuery>, on: string): Record<string, SqlValue> {
	return {
		today: on,
		owner: q.owner ?? null,
		status: q.status ?? null,
		type: q.type ?? null,
		review_id: q.review ?? null,
		due: q.due ?? null,
		dir: q.dir ?? 'asc'
	};
}

/** The actions the filters select, by due date; `on` is the day overdue is judged on. */
export async function listActions(q: Partial<ActionListQuery> = {}, on = today(), db?: string): Promise<ActionRow[]> {
	const rows = await withConnection((conn) => runQuery<Row>(conn, 'actions_list', listParams(q, on)), db);
	return rows.map(toRow);
}

export interface ActionCounts {
	/** Not finished: open or in progress. */
	open: number;
	overdue: number;
	due_soon: number;
}

/** The unfinished actions, the overdue ones and the ones due in the next 7 days, on `on` (default today). */
export async function actionCounts(on = today(), db?: string): Promise<ActionCounts> {
	const [r] = await withConnection((conn) => runQuery<Row>(conn, 'actions_counts', { today: on }), db);
	return { open: Number(r.open), overdue: Number(r.overdue), due_soon: Number(r.due_soon) };
}

export interface ActionFilterOptions {
	owners: string[];
	reviews: { id: number; title: string }[];
}

export async function actionFilterOptions(db?: string): Promise<ActionFilterOptions> {
	const rows = await withConnection((conn) => runQuery<Row>(conn, 'actions_options', {}), db);
	return {
		owners: rows.filter((r) => r.kind === 'owner').map((r) => String(r.value)),
		reviews: rows.filter((r) => r.kind === 'review').map((r) => ({ id: Number(r.review_id), title: String(r.value) }))
	};
}

// ---- CSV ---------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
	'action_id',
	'title',
	'review_id',
	'review_title',
	'type',
	'owner',
	'due_date',
	'status',
	'overdue',
	'due_soon',
	'finding',
	'target_metric',
	'target_filters',
	'completed_at',
	'created_at'
] as const;

function targetFilters(t: Action['target']): string {
	if (!t) return '';
	return (['category', 'team', 'channel', 'priority'] as const)
		.filter((k) => t[k])
		.map((k) => `${k} ${t[k]}`)
		.join('; ');
}

/** The list as CSV (RFC 4180, formula-like cells neutralised by csv.ts). Action lists are small. */
export function actionsCsv(rows: ActionRow[]): string {
	let out = csvRow([...CSV_COLUMNS]);
	for (const a of rows) {
		out += csvRow([
			a.id,
			a.title,
			a.review_id,
			a.review_title,
			a.type,
			a.owner,
			a.due_date,
			a.status,
			a.overdue,
			a.due_soon,
			a.finding_title,
			a.target?.metric ?? '',
			targetFilters(a.target),
			a.completed_at,
			a.created_at
		]);
	}
	return out;
}

// ---- changing a status ---------------------------------------------------------------------------

/** The inline status form of /actions: which action, the review version it was shown at, the new status. */
export const ActionStatusForm = z.object({
	review_id: recordId,
	action_id: recordId,
	version,
	status: z.enum(statusKeys)
});

/**
 * Sets one action's status, keeping its other fields, through updateAction: a stale `version`
 * throws ReviewConflict, an unknown review or action ReviewNotFound.
 */
export async function setActionStatus(input: Record<string, unknown>, db?: string): Promise<{ review_id: number; action_id: number; status: ActionStatus }> {
	const f = ActionStatusForm.parse(input);
	const review = await getReview(f.review_id, db);
	const a = review.actions.find((x) => x.id === f.action_id);
	if (!a) throw new ReviewNotFound(`action ${f.action_id} is not part of review ${f.review_id}`);
	await updateAction(
		f.review_id,
		f.action_id,
		{ version: f.version, title: a.title, type: a.type, owner: a.owner, due_date: a.due_date, status: f.status, finding_id: a.finding_id, target: a.target },
		db
	);
	return { review_id: f.review_id, action_id: f.action_id, status: f.status };
}

// ---- completions on trend charts -------------------------------------------------------------------

export interface Completion {
	/** The local day (HANDOFF_TZ) it was marked done. */
	date: string;
	completed_at: string;
	title: string;
	review_id: number;
	action_id: number;
	metric: keyof typeof TARGET_METRICS | null;
}

export const CompletionParams = z.object({
	from: isoDate,
	to: isoDate,
	category: filterValue.optional()
});

/** The actions marked done in [from, to) (local days), optionally only those about `category`. */
export async function actionCompletions(filters: z.input<typeof CompletionParams>, db?: string): Promise<Completion[]> {
	const f = CompletionParams.parse(filters);
	const zone = timeZone();
	const rows = await withConnection((conn) => runQuery<Row>(conn, 'actions_completions', { ...bounds(f.from, f.to, zone), category: f.category ?? null }), db);
	return rows.map((r) => {
		const at = r.completed_at as Date;
		const metric = r.metric as string | null;
		return {
			date: DateTime.fromJSDate(at, { zone }).toISODate()!,
			completed_at: at.toISOString(),
			title: String(r.title),
			review_id: Number(r.review_id),
			action_id: Number(r.id),
			metric: metric && metric in TARGET_METRICS ? (metric as keyof typeof TARGET_METRICS) : null
		};
	});
}

/** Whether any action exists at all (the empty state says how to create one). */
export async function hasActions(db?: string): Promise<boolean> {
	const [r] = await withConnection((conn) => query<{ n: number }>(conn, 'SELECT count(*)::INTEGER AS n FROM review_actions'), db);
	return Number(r.n) > 0;
}

// ---- the /actions page ----------------------------------------------------------------------------

export interface ActionsPage {
	today: string;
	query: ActionListQuery;
	actions: ActionRow[];
	counts: ActionCounts;
	options: ActionFilterOptions;
	/** Whether there is any action at all (else the page explains where they come from). */
	any: boolean;
	/** Before/after of the listed done actions with a target metric, by action id. */
	impacts: Record<number, ActionImpact>;
	/** With one published review selected: its escalations since publication. */
	recurrence: Recurrence | null;
}

export async function actionsPage(search: URLSearchParams, db?: string): Promise<ActionsPage> {
	const q = parseActionParams(search);
	const on = today();
	const [actions, counts, options] = [await listActions(q, on, db), await actionCounts(on, db), await actionFilterOptions(db)];
	const impacts = await actionImpacts(actions.filter((a) => a.status === 'done'), {}, db);
	return {
		today: on,
		query: q,
		actions,
		counts,
		options,
		any: actions.length > 0 || (await hasActions(db)),
		impacts: Object.fromEntries(impacts),
		recurrence: q.review === undefined ? null : await recurrenceOf(q.review, on, db)
	};
}

/** A selected review's recurrence: null while it is unpublished, or when there is no such review. */
async function recurrenceOf(reviewId: number, on: string, db?: string): Promise<Recurrence | null> {
	try {
		return await reviewRecurrence(reviewId, { today: on }, db);
	} catch (err) {
		if (err instanceof ReviewNotFound) return null;
		throw err;
	}
}

export type StatusChange =
	| { ok: true; action_id: number; message: string }
	| { ok: false; status: 400 | 404 | 409; action_id: number | null; message: string; errors?: Record<string, string> };

/** The form action behind /actions' status buttons: a result to show, never a thrown error for bad input. */
export async function changeStatus(form: Record<string, unknown>, db?: string): Promise<StatusChange> {
	const parsed = ActionStatusForm.safeParse(form);
	if (!parsed.success) {
		const errors = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
		return { ok: false, status: 400, action_id: null, message: `The status could not be changed: ${Object.entries(errors).map(([k, v]) => `${k} ${v}`).join('; ')}`, errors };
	}
	const f = parsed.data;
	try {
		await setActionStatus(f, db);
		const review = await getReview(f.review_id, db);
		const a = review.actions.find((x) => x.id === f.action_id)!;
		return { ok: true, action_id: f.action_id, message: `“${a.title}” is now ${ACTION_STATUSES[f.status].toLowerCase()}.` };
	} catch (err) {
		if (err instanceof ReviewConflict) {
			return {
				ok: false,
				status: 409,
				action_id: f.action_id,
				message: `Not saved: the review “${err.current.title}” was changed by someone else after this page was loaded (it is now at version ${err.current.version}). The list shows its current state; check the action and try again.`
			};
		}
		if (err instanceof ReviewNotFound) return { ok: false, status: 404, action_id: f.action_id, message: `Not saved: ${err.message}.` };
		throw err;
	}
}

// ---- filing actions from a script (POST /api/actions) -------------------------------------------

const ActionInput = ActionForm.omit({ version: true });

/** An action for an existing review: its id and the version the caller last saw. */
export const ExistingReviewAction = z.object({ review_id: recordId, version, action: ActionInput }).strict();

/** An action for a review to start from a scope, as the review pages start one. */
export const NewReviewAction = z
	.object({
		review: z
			.object({
				scope: ReviewScope,
				title: z.string().trim().max(200).optional(),
				ticket_ids: z.array(ticketId).min(1).max(MAX_REVIEW_TICKETS).optional()
			})
			.strict(),
		action: ActionInput
	})
	.strict();

/** The body of POST /api/actions: `review_id` picks the first shape, so errors name the right fields. */
export function parseCreateAction(
	body: unknown
): { kind: 'existing'; body: z.output<typeof ExistingReviewAction> } | { kind: 'new'; body: z.output<typeof NewReviewAction> } {
	const existing = typeof body === 'object' && body !== null && 'review_id' in body;
	return existing ? { kind: 'existing', body: ExistingReviewAction.parse(body) } : { kind: 'new', body: NewReviewAction.parse(body) };
}

export interface CreatedAction {
	review_id: number;
	action_id: number;
	/** The review's version after the action was added: the next save names it. */
	version: number;
}

/** Files one action (zod errors, ReviewConflict, ReviewNotFound and KpiParamsError propagate). */
export async function createAction(body: unknown, db?: string): Promise<CreatedAction> {
	const b = parseCreateAction(body);
	let reviewId: number;
	let v: number;
	if (b.kind === 'existing') {
		reviewId = b.body.review_id;
		v = b.body.version;
	} else {
		const r = b.body.review;
		reviewId = await startReview({ scope: r.scope, title: r.title, ticketIds: r.ticket_ids }, db);
		v = 1;
	}
	const action = b.body.action;
	const actionId = await addAction(reviewId, { ...action, version: v }, db);
	return { review_id: reviewId, action_id: actionId, version: v + 1 };
}
