import { json } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { computeTiers, parseTiersParams } from '$lib/server/tiers';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	try {
		const { filters, transition } = parseTiersParams(Object.fromEntries(url.searchParams));
		return json(await computeTiers(filters, undefined, transition));
	} catch (err) {
		if (err instanceof KpiParamsError) return json({ message: err.message }, { status: 400 });
		throw err;
	}
};
