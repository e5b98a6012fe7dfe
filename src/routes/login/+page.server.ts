import { fail, redirect } from '@sveltejs/kit';
import { AccountError, countUsers, signIn } from '$lib/server/auth';
import { safeNext, setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if ((await countUsers()) === 0) redirect(303, '/setup');
	if (locals.user && !locals.open) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: safeNext(url.searchParams.get('next')) };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const form = await request.formData();
		const username = String(form.get('username') ?? '');
		try {
			const s = await signIn({ username, password: String(form.get('password') ?? '') }, getClientAddress(), request.headers.get('user-agent'));
			setSessionCookie(cookies, url, s.token, s.expires);
		} catch (err) {
			if (err instanceof AccountError) return fail(err.status, { message: err.message, username });
			throw err;
		}
		redirect(303, safeNext(String(form.get('next') ?? '')));
	}
};
