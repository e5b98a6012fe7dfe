import { error } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { ROLLING_WEEKS, trendsFromUrl } from '$lib/server/trends';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		return { trends: await trendsFromUrl(url.searchParams), rollingWeeks: ROLLING_WEEKS };
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};
