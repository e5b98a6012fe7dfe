import { fail } from '@sveltejs/kit';
import { AccountError, changeOwnPassword, createSession, ROLE_LABELS } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	account: locals.open ? null : locals.user,
	roleLabel: locals.user ? ROLE_LABELS[locals.user.role] : null
});

export const actions: Actions = {
	password: async ({ request, locals, cookies, url, getClientAddress }) => {
		const user = locals.user;
		if (!user || locals.open) return fail(400, { message: 'No account is signed in.' });
		const form = await request.formData();
		const next = String(form.get('password') ?? '');
		if (next !== String(form.get('confirm') ?? '')) return fail(400, { message: 'The two new passwords differ.' });
		try {
			await changeOwnPassword(user.username, String(form.get('current') ?? ''), next, getClientAddress());
		} catch (err) {
			if (err instanceof AccountError) return fail(err.status, { message: err.message });
			throw err;
		}
		// Changing the password signed the account out everywhere; stay signed in here.
		const s = await createSession(user.username, request.headers.get('user-agent'));
		setSessionCookie(cookies, url, s.token, s.expires);
		return { changed: true };
	}
};
