import { error } from '@sveltejs/kit';
import { ActionParamsError, actionsCsv, listActions, parseActionParams, today } from '$lib/server/actions';
import type { RequestHandler } from './$types';

// The filtered action list as CSV (action lists are small: built whole, not streamed).
export const GET: RequestHandler = async ({ url }) => {
	let q;
	try {
		q = parseActionParams(url.searchParams);
	} catch (err) {
		if (err instanceof ActionParamsError) error(400, err.message);
		throw err;
	}
	const on = today();
	return new Response(actionsCsv(await listActions(q, on)), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="actions-${on}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
