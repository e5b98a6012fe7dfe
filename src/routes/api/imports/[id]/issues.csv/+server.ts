import { error } from '@sveltejs/kit';
import { csvRow } from '$lib/csv';
import { importIssues } from '$lib/server/status';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const id = Number(params.id);
	if (!Number.isInteger(id) || id < 1) error(400, 'import id must be a positive whole number');
	const rows = await importIssues(id);
	let body = csvRow(['severity', 'file', 'line', 'field', 'reason', 'record_id']);
	for (const r of rows) body += csvRow([r.severity === 'error' ? 'rejected' : 'warning', r.file, r.line, r.field, r.reason, r.record_id]);
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="import-${id}-rejected-rows.csv"`
		}
	});
};
