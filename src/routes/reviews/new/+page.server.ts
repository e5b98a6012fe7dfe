import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { MAX_REVIEW_TICKETS, ReviewNotFound, startReview } from '$lib/server/reviews';
import { recentSpikes, resolveScope, ScopeError } from './scope.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	try {
		const choice = await resolveScope(url.searchParams);
		return { choice, maxTickets: MAX_REVIEW_TICKETS, spikes: choice.source === 'range' ? await recentSpikes() : [] };
	} catch (err) {
		if (err instanceof ScopeError) error(err.status, err.message);
		throw err;
	}
};

const Title = z.string().trim().max(200, 'must be at most 200 characters');

// The form posts to this same URL, so the scope comes from the query string, as on the page.
export const actions: Actions = {
	default: async ({ url, request }) => {
		const form = await request.formData();
		const title = Title.safeParse(form.get('title') ?? '');
		if (!title.success) return fail(400, { title: String(form.get('title')), error: `The title ${title.error.issues[0].message}.` });
		let id: number;
		try {
			const choice = await resolveScope(url.searchParams);
			if (choice.count === 0) return fail(400, { title: title.data, error: 'This scope holds no tickets, so there is nothing to review. Pick another period or fewer filters.' });
			id = await startReview({ scope: choice.scope, ticketIds: choice.ticketIds, title: title.data || undefined });
		} catch (err) {
			if (err instanceof ScopeError) return fail(err.status, { title: title.data, error: err.message });
			if (err instanceof ReviewNotFound) return fail(400, { title: title.data, error: err.message });
			throw err;
		}
		redirect(303, `/reviews/${id}`);
	}
};
