import { error } from '@sveltejs/kit';
import { actionCompletions } from '$lib/server/actions';
import { KpiParamsError } from '$lib/server/kpis';
import { ROLLING_WEEKS, trendsFromUrl } from '$lib/server/trends';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		const trends = await trendsFromUrl(url.searchParams);
		// Review actions marked done in the period (about this category when one is picked),
		// drawn on the charts so a fix can be read against the line.
		const completions = trends
			? await actionCompletions({ from: trends.period.from, to: trends.period.to, category: trends.filters.category })
			: [];
		return { trends, rollingWeeks: ROLLING_WEEKS, completions };
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};
