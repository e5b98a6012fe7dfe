// The guided review: the load reads the review (and, on the timeline step, its timeline); each
// form action saves one step through server/reviews.ts and redirects back (post/redirect/get),
// so every form works without JavaScript. A refused save answers with what was posted, the
// field errors, and on a stale version both versions, so nothing typed is lost.
import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ACTION_STATUSES, ACTION_TYPES, CHECKLIST, FACTOR_CATEGORIES, MOMENT_KINDS, ROOT_CAUSES, TARGET_METRICS } from '$lib/reviews/schema';
import { agentNames } from '$lib/server/agents';
import {
	addAction,
	addFinding,
	addMoment,
	deleteAction,
	deleteFinding,
	deleteMoment,
	getReview,
	ReviewConflict,
	ReviewNotFound,
	reviewTimeline,
	saveAnalysis,
	saveReviewStatus,
	saveSummary,
	updateAction,
	type Action,
	type Review
} from '$lib/server/reviews';
import { STATUS_WORDS, type ActionName, type ConflictRow, type ConflictView, type RawFields, type StepFailure } from '$lib/components/reviews/types';
import { scopeWords } from '../new/scope.server';
import type { Actions, PageServerLoad } from './$types';

/** The timeline lists at most this many events (a spike's hundreds of tickets stay readable). */
const TIMELINE_LIMIT = 1_500;

function reviewId(raw: string): number {
	const id = Number(raw);
	if (!/^\d{1,9}$/.test(raw) || id < 1) error(400, `“${raw}” is not a review number.`);
	return id;
}

async function load1(id: number): Promise<Review> {
	try {
		return await getReview(id);
	} catch (err) {
		if (err instanceof ReviewNotFound) error(404, `There is no review ${id}. It may be in another database file.`);
		throw err;
	}
}

export const load: PageServerLoad = async ({ params, url }) => {
	const id = reviewId(params.id);
	const review = await load1(id);
	const asked = url.searchParams.get('step');
	// Without ?step the review resumes at the furthest step saved.
	const step = asked && /^[1-5]$/.test(asked) ? Number(asked) : Math.min(Math.max(review.step, 1), 5);
	const [names, timeline] = await Promise.all([agentNames(), step === 2 ? reviewTimeline(id, TIMELINE_LIMIT) : Promise.resolve(null)]);
	return { review, step, names, timeline, timelineLimit: TIMELINE_LIMIT, scope: scopeWords(review.scope, review.ticket_ids) };
};

// ---- reading the forms ----------------------------------------------------------------------

function rawFields(form: FormData): RawFields {
	const out: RawFields = {};
	for (const [k, v] of form.entries()) {
		if (k === 'version' || k === 'then' || typeof v !== 'string') continue;
		(out[k] ??= []).push(v);
	}
	return out;
}

const one = (f: RawFields, k: string) => (f[k]?.[0] ?? '').trim();
const optional = (f: RawFields, k: string) => one(f, k) || undefined;

function itemId(f: RawFields, k: string): number | null {
	const v = one(f, k);
	return /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/** The factor rows with any text, and the form row each came from (for its error messages). */
function factorRows(f: RawFields) {
	const cats = f.factor_category ?? [];
	const descs = f.factor_description ?? [];
	const rows: { category: string; description: string; row: number }[] = [];
	for (let i = 0; i < Math.max(cats.length, descs.length); i++) {
		const description = (descs[i] ?? '').trim();
		if (description) rows.push({ category: cats[i] ?? '', description, row: i });
	}
	return rows;
}

function analysisInput(f: RawFields, version: string) {
	return {
		version,
		root_cause: one(f, 'root_cause') || null,
		root_cause_detail: one(f, 'root_cause_detail'),
		caught_earlier: one(f, 'caught_earlier'),
		warning_signs: one(f, 'warning_signs'),
		prevent: one(f, 'prevent'),
		trigger: one(f, 'trigger'),
		whys: (f.why ?? []).map((w) => w.trim()).filter(Boolean),
		factors: factorRows(f).map(({ category, description }) => ({ category, description })),
		went_well: one(f, 'went_well'),
		went_wrong: one(f, 'went_wrong'),
		got_lucky: one(f, 'got_lucky')
	};
}

function actionInput(f: RawFields, version: string) {
	const metric = one(f, 'target_metric');
	return {
		version,
		title: one(f, 'title'),
		type: one(f, 'type'),
		owner: one(f, 'owner'),
		due_date: one(f, 'due_date'),
		status: one(f, 'status') || 'open',
		finding_id: one(f, 'finding_id') || null,
		target: metric
			? {
					metric,
					category: optional(f, 'target_category'),
					team: optional(f, 'target_team'),
					channel: optional(f, 'target_channel'),
					priority: optional(f, 'target_priority')
				}
			: null
	};
}

/** A datetime-local value is UTC on this page (every time shown is UTC). */
const utc = (s: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s) ? `${s}Z` : s);

// ---- errors in the form's own terms -----------------------------------------------------------

function errorsOf(err: z.ZodError, f: RawFields): Record<string, string> {
	const rows = factorRows(f);
	const out: Record<string, string> = {};
	for (const issue of err.issues) {
		const [head, index, leaf] = issue.path.map(String);
		let key = head ?? 'form';
		if (head === 'factors' && index !== undefined) key = `factor_${leaf ?? 'description'}.${rows[Number(index)]?.row ?? index}`;
		else if (head === 'target' && index !== undefined) key = `target_${index}`;
		else if (head === 'whys') key = 'why';
		const message = issue.code === 'invalid_value' ? 'pick one from the list' : issue.code === 'invalid_type' ? 'is required' : issue.message;
		out[key] ??= message;
	}
	return out;
}

// ---- conflicts: both versions, side by side ----------------------------------------------------

const label = <T extends Record<string, string | { label: string }>>(map: T, key: string | null | undefined) => {
	if (!key) return '—';
	const v = map[key as keyof T];
	return v === undefined ? key : typeof v === 'string' ? v : v.label;
};
const orDash = (s: string | null | undefined) => (s && s.trim() ? s : '—');

function actionText(a: Action | undefined, findingTitle: (id: number | null) => string): Record<string, string> {
	if (!a) return {};
	return {
		Title: a.title,
		Type: label(ACTION_TYPES, a.type),
		Owner: a.owner,
		'Due date': a.due_date,
		Status: label(ACTION_STATUSES, a.status),
		Finding: findingTitle(a.finding_id),
		'Target metric': a.target ? [label(TARGET_METRICS, a.target.metric), a.target.category, a.target.team, a.target.channel, a.target.priority].filter(Boolean).join(', ') : '—'
	};
}

function conflictView(action: ActionName, current: Review, f: RawFields, version: string): ConflictView {
	const findingTitle = (id: number | null) => (id === null ? '—' : (current.findings.find((x) => x.id === id)?.title ?? `finding ${id} (deleted)`));
	let what: string;
	let rows: ConflictRow[] = [];
	const diff = (pairs: [string, string, string][]) => pairs.filter(([, a, b]) => a !== b).map(([l, saved, yours]) => ({ label: l, saved, yours }));
	switch (action) {
		case 'summary':
			what = 'Your summary was not saved.';
			rows = diff([
				['Title', current.summary.title, one(f, 'title')],
				['Summary', orDash(current.summary.summary), orDash(one(f, 'summary'))],
				['Impact', orDash(current.summary.impact), orDash(one(f, 'impact'))]
			]);
			break;
		case 'analysis': {
			what = 'Your root-cause analysis was not saved.';
			const a = current.analysis;
			const mine = analysisInput(f, version);
			const factors = (xs: { category: string; description: string }[]) =>
				xs.length ? xs.map((x) => `${label(FACTOR_CATEGORIES, x.category)}: ${x.description}`).join('\n') : '—';
			rows = diff([
				['Trigger', orDash(a.trigger), orDash(mine.trigger)],
				['Root cause', label(ROOT_CAUSES, a.root_cause), label(ROOT_CAUSES, mine.root_cause)],
				['Root cause in detail', orDash(a.root_cause_detail), orDash(mine.root_cause_detail)],
				['How could we have caught it earlier?', orDash(a.caught_earlier), orDash(mine.caught_earlier)],
				['Which warning signs were missed?', orDash(a.warning_signs), orDash(mine.warning_signs)],
				['What can we change to prevent it?', orDash(a.prevent), orDash(mine.prevent)],
				['5 whys', a.whys.length ? a.whys.join('\n→ ') : '—', mine.whys.length ? mine.whys.join('\n→ ') : '—'],
				['Contributing factors', factors(a.factors), factors(mine.factors)],
				['Went well', orDash(a.went_well), orDash(mine.went_well)],
				['Went wrong', orDash(a.went_wrong), orDash(mine.went_wrong)],
				['Got lucky', orDash(a.got_lucky), orDash(mine.got_lucky)]
			]);
			break;
		}
		case 'addMoment':
			what = 'Your moment was not added.';
			rows = [
				{
					label: 'Moments',
					saved: current.moments.length ? current.moments.map((m) => `${m.occurred_at.slice(0, 16).replace('T', ' ')} ${label(MOMENT_KINDS, m.kind)}: ${m.note}`).join('\n') : '—',
					yours: `${one(f, 'occurred_at').replace('T', ' ')} ${label(MOMENT_KINDS, one(f, 'kind'))}: ${one(f, 'note')} (new)`
				}
			];
			break;
		case 'addFinding':
			what = 'Your finding was not added.';
			rows = [
				{
					label: 'Findings',
					saved: current.findings.length ? current.findings.map((x) => x.title).join('\n') : '—',
					yours: `${one(f, 'title')} (new)`
				}
			];
			break;
		case 'addAction':
		case 'updateAction': {
			const id = itemId(f, 'action_id');
			const saved = actionText(id === null ? undefined : current.actions.find((a) => a.id === id), findingTitle);
			const mine = actionInput(f, version);
			const findingId = mine.finding_id === null ? null : Number(mine.finding_id);
			const yours: Record<string, string> = {
				Title: mine.title,
				Type: label(ACTION_TYPES, mine.type),
				Owner: mine.owner,
				'Due date': mine.due_date,
				Status: label(ACTION_STATUSES, mine.status),
				Finding: findingTitle(Number.isFinite(findingId) ? findingId : null),
				'Target metric': mine.target
					? [label(TARGET_METRICS, mine.target.metric), mine.target.category, mine.target.team, mine.target.channel, mine.target.priority].filter(Boolean).join(', ')
					: '—'
			};
			what = action === 'addAction' ? 'Your action item was not added.' : id !== null && !saved.Title ? 'This action item was deleted in the meantime; your changes were not saved.' : 'Your changes to this action item were not saved.';
			rows = Object.keys(yours)
				.map((k) => ({ label: k, saved: action === 'addAction' ? '(not there yet)' : (saved[k] ?? '(deleted)'), yours: yours[k] }))
				.filter((r) => action === 'addAction' || r.saved !== r.yours);
			break;
		}
		case 'deleteMoment':
		case 'deleteFinding':
		case 'deleteAction': {
			const kind = action === 'deleteMoment' ? 'moment' : action === 'deleteFinding' ? 'finding' : 'action item';
			const key = action === 'deleteMoment' ? 'moment_id' : action === 'deleteFinding' ? 'finding_id' : 'action_id';
			const id = itemId(f, key);
			const item =
				action === 'deleteMoment'
					? current.moments.find((m) => m.id === id)?.note
					: action === 'deleteFinding'
						? current.findings.find((x) => x.id === id)?.title
						: current.actions.find((a) => a.id === id)?.title;
			what = item ? `The ${kind} was not deleted.` : `The ${kind} is already gone: someone deleted it.`;
			rows = [{ label: kind[0].toUpperCase() + kind.slice(1), saved: item ?? '(deleted)', yours: '(delete)' }];
			break;
		}
		case 'status':
			what = 'Your review status was not saved.';
			rows = diff([
				['Status', label(STATUS_WORDS, current.status), label(STATUS_WORDS, one(f, 'status'))],
				['Signed off by', orDash(current.signed_off_by), orDash(one(f, 'signed_off_by'))],
				['Checklist', current.checklist.map((c) => label(CHECKLIST, c)).join('\n') || '—', (f.checklist ?? []).map((c) => label(CHECKLIST, c)).join('\n') || '—']
			]);
			break;
	}
	return { version: current.version, updated_at: current.updated_at, what, rows };
}

// ---- the actions ----------------------------------------------------------------------------

const STEP_OF: Record<ActionName, number> = {
	summary: 1,
	addMoment: 2,
	deleteMoment: 2,
	analysis: 3,
	addFinding: 4,
	deleteFinding: 4,
	addAction: 4,
	updateAction: 4,
	deleteAction: 4,
	status: 5
};

const ITEM_KEY: Partial<Record<ActionName, string>> = {
	deleteMoment: 'moment_id',
	deleteFinding: 'finding_id',
	updateAction: 'action_id',
	deleteAction: 'action_id'
};

type Save = (id: number, f: RawFields, version: string) => Promise<unknown>;

/** Runs one save; on success, back to the step (or the next one, for "Save and continue"). */
function action(name: ActionName, save: Save) {
	return async ({ params, request }: { params: { id: string }; request: Request }) => {
		const id = reviewId(params.id);
		const form = await request.formData();
		const f = rawFields(form);
		const version = String(form.get('version') ?? '');
		const key = ITEM_KEY[name];
		const failure = (status: number, parts: Partial<StepFailure>) =>
			fail(status, { action: name, itemId: key ? itemId(f, key) : null, fields: f, errors: {}, message: null, conflict: null, ...parts } satisfies StepFailure);
		if (key && itemId(f, key) === null) return failure(400, { message: 'The form did not say which item it is about. Reload the page and try again.' });
		try {
			await save(id, f, version);
		} catch (err) {
			if (err instanceof z.ZodError) return failure(400, { errors: errorsOf(err, f), message: 'Some fields need a look; nothing was saved.' });
			if (err instanceof ReviewConflict) return failure(409, { conflict: conflictView(name, err.current, f, version) });
			if (err instanceof ReviewNotFound) return failure(404, { message: `${err.message[0].toUpperCase()}${err.message.slice(1)}. Reload the page to see the review as it is now.` });
			throw err;
		}
		const then = String(form.get('then') ?? '');
		redirect(303, `/reviews/${id}?step=${/^[1-5]$/.test(then) ? then : STEP_OF[name]}`);
	};
}

export const actions: Actions = {
	summary: action('summary', (id, f, version) => saveSummary(id, { version, title: one(f, 'title'), summary: one(f, 'summary'), impact: one(f, 'impact') })),
	addMoment: action('addMoment', (id, f, version) =>
		addMoment(id, { version, occurred_at: utc(one(f, 'occurred_at')), kind: one(f, 'kind'), note: one(f, 'note'), ticket_id: optional(f, 'ticket_id') })
	),
	deleteMoment: action('deleteMoment', (id, f, version) => deleteMoment(id, itemId(f, 'moment_id')!, z.coerce.number().int().min(1).parse(version))),
	analysis: action('analysis', (id, f, version) => saveAnalysis(id, analysisInput(f, version))),
	addFinding: action('addFinding', (id, f, version) => addFinding(id, { version, title: one(f, 'title'), detail: one(f, 'detail') })),
	deleteFinding: action('deleteFinding', (id, f, version) => deleteFinding(id, itemId(f, 'finding_id')!, z.coerce.number().int().min(1).parse(version))),
	addAction: action('addAction', (id, f, version) => addAction(id, actionInput(f, version))),
	updateAction: action('updateAction', (id, f, version) => updateAction(id, itemId(f, 'action_id')!, actionInput(f, version))),
	deleteAction: action('deleteAction', (id, f, version) => deleteAction(id, itemId(f, 'action_id')!, z.coerce.number().int().min(1).parse(version))),
	status: action('status', (id, f, version) => saveReviewStatus(id, { version, checklist: f.checklist ?? [], signed_off_by: one(f, 'signed_off_by'), status: one(f, 'status') }))
};
