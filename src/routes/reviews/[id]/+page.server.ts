// The guided review: the load reads the review (and, on the timeline step, its timeline); each
// form action saves one step through server/reviews.ts and redirects back (post/redirect/get),
// so every form works without JavaScript. A refused save answers with what was posted, the
// field errors, and on a stale version both versions, so nothing typed is lost.
import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { version as Version } from '$lib/reviews/schema';
import { agentNames } from '$lib/server/agents';
import { actionImpacts, reviewRecurrence } from '$lib/server/impact';
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
	type Review
} from '$lib/server/reviews';
import type { ActionName, RawFields, StepFailure } from '$lib/components/reviews/types';
import { actionInput, analysisInput, conflictView, errorsOf, itemId, one, optional, rawFields, utc } from './forms.server';
import { BAD_REVIEW_ID, parseReviewId } from '$lib/server/review-export';
import { scopeWords } from '../new/scope.server';
import type { Actions, PageServerLoad } from './$types';

/** The timeline lists at most this many events (a spike's hundreds of tickets stay readable). */
const TIMELINE_LIMIT = 1_500;

function reviewId(raw: string): number {
	const id = parseReviewId(raw);
	if (id === null) error(400, BAD_REVIEW_ID);
	return id;
}

async function reviewOr404(id: number): Promise<Review> {
	try {
		return await getReview(id);
	} catch (err) {
		if (err instanceof ReviewNotFound) error(404, `There is no review ${id}. It may be in another database file.`);
		throw err;
	}
}

export const load: PageServerLoad = async ({ params, url }) => {
	const id = reviewId(params.id);
	const review = await reviewOr404(id);
	const asked = url.searchParams.get('step');
	// Without ?step the review resumes at the furthest step saved.
	const step = asked && /^[1-5]$/.test(asked) ? Number(asked) : Math.min(Math.max(review.step, 1), 5);
	const [names, timeline] = await Promise.all([agentNames(), step === 2 ? reviewTimeline(id, TIMELINE_LIMIT) : Promise.resolve(null)]);
	// Closing the loop, on the last two steps: done actions against their target metric, and
	// for a published review the escalations that came back since.
	const late = step >= 4;
	const impacts = late ? [...(await actionImpacts(review.actions)).values()] : [];
	const recurrence = late ? await reviewRecurrence(id) : null;
	return { review, step, names, timeline, timelineLimit: TIMELINE_LIMIT, scope: scopeWords(review.scope, review.ticket_ids), impacts, recurrence };
};

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
	deleteMoment: action('deleteMoment', (id, f, version) => deleteMoment(id, itemId(f, 'moment_id')!, Version.parse(version))),
	analysis: action('analysis', (id, f, version) => saveAnalysis(id, analysisInput(f, version))),
	addFinding: action('addFinding', (id, f, version) => addFinding(id, { version, title: one(f, 'title'), detail: one(f, 'detail') })),
	deleteFinding: action('deleteFinding', (id, f, version) => deleteFinding(id, itemId(f, 'finding_id')!, Version.parse(version))),
	addAction: action('addAction', (id, f, version) => addAction(id, actionInput(f, version))),
	updateAction: action('updateAction', (id, f, version) => updateAction(id, itemId(f, 'action_id')!, actionInput(f, version))),
	deleteAction: action('deleteAction', (id, f, version) => deleteAction(id, itemId(f, 'action_id')!, Version.parse(version))),
	status: action('status', (id, f, version) => saveReviewStatus(id, { version, checklist: f.checklist ?? [], signed_off_by: one(f, 'signed_off_by'), status: one(f, 'status') }))
};
