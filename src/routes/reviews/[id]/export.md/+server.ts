import { error } from '@sveltejs/kit';
import { BAD_REVIEW_ID, exportReview, parseReviewId } from '$lib/server/review-export';
import { ReviewNotFound } from '$lib/server/reviews';
import type { RequestHandler } from './$types';

// The review as a Markdown file to keep or paste elsewhere; user text is escaped in review-export.ts.
export const GET: RequestHandler = async ({ params }) => {
	const id = parseReviewId(params.id);
	if (id === null) error(400, BAD_REVIEW_ID);
	try {
		const { filename, markdown } = await exportReview(id);
		return new Response(markdown, {
			headers: {
				'content-type': 'text/markdown; charset=utf-8',
				'content-disposition': `attachment; filename="${filename}"`,
				'cache-control': 'no-store'
			}
		});
	} catch (err) {
		if (err instanceof ReviewNotFound) error(404, err.message);
		throw err;
	}
};
