import { error } from '@sveltejs/kit';
import { csvRow } from '$lib/csv';
import { describeIssues, recordId } from '$lib/params';
import { importIssues } from '$lib/server/status';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const parsed = recordId.safeParse(params.id);
	if (!parsed.success) error(400, describeIssues(parsed.error, 'import id'));
	const id = parsed.data;
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
