import { error } from '@sveltejs/kit';
import { DateTime } from 'luxon';
import { KpiParamsError } from '$lib/server/kpis';
import { lastCompleteWeek } from '$lib/server/overview';
import { computeTiers, parseTiersParams } from '$lib/server/tiers';
import type { PageServerLoad } from './$types';

/** Without a period in the URL: the last 4 complete ISO weeks of the data (half a period is a 400). */
const DEFAULT_WEEKS = 4;

export const load: PageServerLoad = async ({ url }) => {
	const params = Object.fromEntries(url.searchParams);
	let { from, to } = params;
	if (!from && !to) {
		const week = await lastCompleteWeek();
		if (!week) return { tiers: null, from: '', to: '' };
		to = week.to;
		from = DateTime.fromISO(week.to).minus({ weeks: DEFAULT_WEEKS }).toISODate()!;
	}
	try {
		const { filters, transition } = parseTiersParams({ ...params, from, to });
		return { tiers: await computeTiers(filters, undefined, transition), from, to, filters };
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};
