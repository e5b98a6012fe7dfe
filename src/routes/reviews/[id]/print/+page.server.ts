import { error } from '@sveltejs/kit';
import { parseReviewId, reviewDocumentById } from '$lib/server/review-export';
import { ReviewNotFound } from '$lib/server/reviews';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const id = parseReviewId(params.id);
	if (id === null) error(404, `there is no review ${params.id}`);
	try {
		return { doc: await reviewDocumentById(id) };
	} catch (err) {
		if (err instanceof ReviewNotFound) error(404, err.message);
		throw err;
	}
};
