import { json } from '@sveltejs/kit';
import { getJob } from '$lib/server/import-jobs';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => {
	const job = getJob(params.id);
	return job ? json(job) : json({ message: `no import job ${params.id} (jobs are kept while the server runs)` }, { status: 404 });
};
