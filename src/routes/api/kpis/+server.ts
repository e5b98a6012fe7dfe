import { json } from '@sveltejs/kit';
import { cachedKpis, KpiParamsError, parseKpiParams } from '$lib/server/kpis';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	try {
		return json(await cachedKpis(parseKpiParams(Object.fromEntries(url.searchParams))));
	} catch (err) {
		if (err instanceof KpiParamsError) return json({ message: err.message }, { status: 400 });
		throw err;
	}
};
