import { error, fail } from '@sveltejs/kit';
import { actionsPage, ActionParamsError, changeStatus } from '$lib/server/actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		return await actionsPage(url.searchParams);
	} catch (err) {
		if (err instanceof ActionParamsError) error(400, err.message);
		throw err;
	}
};

export const actions: Actions = {
	// One action's status, from the list (works without JavaScript; the page enhances it).
	status: async ({ request }) => {
		const result = await changeStatus(Object.fromEntries(await request.formData()));
		return result.ok ? result : fail(result.status, result);
	}
};
