import { error } from '@sveltejs/kit';
import { lastCompleteWeek } from '$lib/server/overview';
import { ReviewListParamsError, reviewsPage } from '$lib/server/review-list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		const [page, startPeriod] = await Promise.all([reviewsPage(url.searchParams), lastCompleteWeek()]);
		return { ...page, startPeriod };
	} catch (err) {
		if (err instanceof ReviewListParamsError) error(400, err.message);
		throw err;
	}
};
