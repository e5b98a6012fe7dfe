import { json } from '@sveltejs/kit';
import { ZodError } from 'zod';
import { describeIssues } from '$lib/params';
import { actionCounts, ActionParamsError, createAction, listActions, parseActionParams, today } from '$lib/server/actions';
import { actionImpacts } from '$lib/server/impact';
import { KpiParamsError } from '$lib/server/kpis';
import { ReviewConflict, ReviewNotFound } from '$lib/server/reviews';
import type { RequestHandler } from './$types';

// GET: the action list of /actions (same filters), with the counts and each done action's impact.
export const GET: RequestHandler = async ({ url }) => {
	try {
		const q = parseActionParams(url.searchParams);
		const on = today();
		const actions = await listActions(q, on);
		const impacts = await actionImpacts(actions.filter((a) => a.status === 'done'));
		return json({
			today: on,
			filters: q,
			counts: await actionCounts(on),
			actions: actions.map((a) => ({ ...a, impact: impacts.get(a.id)?.comparison ?? null }))
		});
	} catch (err) {
		if (err instanceof ActionParamsError) return json({ message: err.message }, { status: 400 });
		throw err;
	}
};

// POST: files one action, as JSON, in a review or in a review it starts from a scope:
//   {"review_id": 3, "version": 7, "action": {...}}     version: the review's, as last seen
//   {"review": {"scope": {...}, "title"?, "ticket_ids"?}, "action": {...}}
// action: title, type, owner, due_date (YYYY-MM-DD), status?, finding_id?, target?
// ({"metric": "escalation_rate", "category"?, "team"?, "channel"?, "priority"?}).
// 201 {review_id, action_id, version}; 400 bad input; 404 unknown review or ticket; 409 stale version.
export const POST: RequestHandler = async ({ request }) => {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return json({ message: 'the body must be JSON' }, { status: 400 });
	}
	try {
		return json(await createAction(body), { status: 201 });
	} catch (err) {
		if (err instanceof ZodError) return json({ message: describeIssues(err), issues: err.issues }, { status: 400 });
		if (err instanceof KpiParamsError) return json({ message: err.message }, { status: 400 });
		if (err instanceof ReviewConflict) {
			const message = `review ${err.current.id} is at version ${err.current.version}, not the one sent: nothing was saved (the attempt is in the review's audit log)`;
			return json({ message, version: err.current.version }, { status: 409 });
		}
		if (err instanceof ReviewNotFound) return json({ message: err.message }, { status: 404 });
		throw err;
	}
};
