// The review page's forms, read and answered: a posted form as raw fields (kept so a refused
// save loses nothing), the input each save in server/reviews.ts expects, zod errors named by
// the form's own fields, and on a conflict both versions of what the save touched, in words.
import type { z } from 'zod';
import { recordId } from '$lib/params';
import { ACTION_STATUSES, ACTION_TYPES, CHECKLIST, FACTOR_CATEGORIES, MOMENT_KINDS, ROOT_CAUSES, TARGET_METRICS } from '$lib/reviews/schema';
import type { Action, Review } from '$lib/server/reviews';
import { STATUS_WORDS, type ActionName, type ConflictRow, type ConflictView, type RawFields } from '$lib/components/reviews/types';

// ---- reading the forms ----------------------------------------------------------------------

export function rawFields(form: FormData): RawFields {
	const out: RawFields = {};
	for (const [k, v] of form.entries()) {
		if (k === 'version' || k === 'then' || typeof v !== 'string') continue;
		(out[k] ??= []).push(v);
	}
	return out;
}

export const one = (f: RawFields, k: string) => (f[k]?.[0] ?? '').trim();
export const optional = (f: RawFields, k: string) => one(f, k) || undefined;

export function itemId(f: RawFields, k: string): number | null {
	const r = recordId.safeParse(one(f, k));
	return r.success ? r.data : null;
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

export function analysisInput(f: RawFields, version: string) {
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

export function actionInput(f: RawFields, version: string) {
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

/**
 * A datetime-local value is UTC on this page (every time shown is UTC). Seconds are added:
 * DuckDB's TIMESTAMPTZ cast refuses "HH:MMZ", which MomentForm's pattern lets through.
 */
export function utc(s: string): string {
	const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?$/.exec(s);
	return m ? `${m[1]}${m[2] ?? ':00'}Z` : s;
}

// ---- errors in the form's own terms -----------------------------------------------------------

export function errorsOf(err: z.ZodError, f: RawFields): Record<string, string> {
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

export function conflictView(action: ActionName, current: Review, f: RawFields, version: string): ConflictView {
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
