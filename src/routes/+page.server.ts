import { error, fail } from '@sveltejs/kit';
import { serializeWrite } from '$lib/server/import-jobs';
import { KpiParamsError } from '$lib/server/kpis';
import { overview } from '$lib/server/overview';
import { clearDemoData } from '$lib/server/status';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		return await overview(url.searchParams);
	} catch (err) {
		if (err instanceof KpiParamsError) error(400, err.message);
		throw err;
	}
};

export const actions: Actions = {
	clearDemo: async () => {
		try {
			const removed = await serializeWrite(() => clearDemoData());
			return { cleared: removed };
		} catch (err) {
			return fail(500, { message: `could not clear the demo data: ${(err as Error).message}` });
		}
	}
};
