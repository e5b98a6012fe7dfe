import { json } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { trendsFromUrl } from '$lib/server/trends';
import type { RequestHandler } from './$types';

/** The JSON the Trends page draws; without from and to, the page's default period. 404 without data. */
export const GET: RequestHandler = async ({ url }) => {
	try {
		const trends = await trendsFromUrl(url.searchParams);
		return trends ? json(trends) : json({ message: 'no tickets are loaded' }, { status: 404 });
	} catch (err) {
		if (err instanceof KpiParamsError) return json({ message: err.message }, { status: 400 });
		throw err;
	}
};
