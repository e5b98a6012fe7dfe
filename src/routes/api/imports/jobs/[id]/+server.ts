import { json } from '@sveltejs/kit';
import { describeIssues, uuid } from '$lib/params';
import { getJob } from '$lib/server/import-jobs';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => {
	const id = uuid.safeParse(params.id);
	if (!id.success) return json({ message: describeIssues(id.error, 'import job id') }, { status: 400 });
	const job = getJob(id.data);
	return job ? json(job) : json({ message: `no import job ${id.data} (jobs are kept while the server runs)` }, { status: 404 });
};
