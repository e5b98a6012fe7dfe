import { error } from '@sveltejs/kit';
import { BAD_REVIEW_ID, parseReviewId, reviewDocumentById } from '$lib/server/review-export';
import { ReviewNotFound } from '$lib/server/reviews';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const id = parseReviewId(params.id);
	if (id === null) error(400, BAD_REVIEW_ID);
	try {
		return { doc: await reviewDocumentById(id) };
	} catch (err) {
		if (err instanceof ReviewNotFound) error(404, err.message);
		throw err;
	}
};
