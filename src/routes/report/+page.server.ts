import { error } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { weeklyReport } from '$lib/server/report';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		return { report: await weeklyReport(url.searchParams) };
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};
