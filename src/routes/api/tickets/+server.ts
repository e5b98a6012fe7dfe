import { json } from '@sveltejs/kit';
import { kpiTickets, KpiParamsError, parseDrillParams } from '$lib/server/kpis';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	try {
		const { drill, filters } = parseDrillParams(Object.fromEntries(url.searchParams));
		return json(await kpiTickets(drill, filters));
	} catch (err) {
		if (err instanceof KpiParamsError) return json({ message: err.message }, { status: 400 });
		throw err;
	}
};
