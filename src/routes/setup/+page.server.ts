// First-run setup: while no account exists, whoever uses the open loopback app creates the first
// admin and is signed in as it. From then on everyone signs in.
import { fail, redirect } from '@sveltejs/kit';
import { AccountError, countUsers, createSession, createUser } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if ((await countUsers()) > 0) redirect(303, '/login');
	return { open: locals.open };
};

export const actions: Actions = {
	default: async ({ request, locals, cookies, url }) => {
		if ((await countUsers()) > 0) redirect(303, '/login');
		if (!locals.open) return fail(403, { message: 'Create the first admin on the server itself: handoff user add --role admin <name>', username: '' });
		const form = await request.formData();
		const username = String(form.get('username') ?? '');
		const password = String(form.get('password') ?? '');
		if (password !== String(form.get('confirm') ?? '')) return fail(400, { message: 'The two passwords differ.', username });
		try {
			const user = await createUser({ username, displayName: String(form.get('displayName') ?? ''), role: 'admin', password });
			const s = await createSession(user.username, request.headers.get('user-agent'));
			setSessionCookie(cookies, url, s.token, s.expires);
		} catch (err) {
			if (err instanceof AccountError) return fail(err.status, { message: err.message, username });
			throw err;
		}
		redirect(303, '/users?welcome=1');
	}
};
