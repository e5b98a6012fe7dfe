import { error } from '@sveltejs/kit';
import { KpiParamsError } from '$lib/server/kpis';
import { DEFAULT_DIR, loadTicketList } from '$lib/server/ticket-list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		return { list: await loadTicketList(url.searchParams), defaultDir: DEFAULT_DIR };
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};
