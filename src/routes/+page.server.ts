import { fail } from '@sveltejs/kit';
import { serializeWrite } from '$lib/server/import-jobs';
import { clearDemoData } from '$lib/server/status';
import type { Actions } from './$types';

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
