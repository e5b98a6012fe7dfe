// Accounts, for admins: add people with a role, change roles, set a new password, remove.
// Plain form actions; the last admin can be neither demoted nor removed.
import { fail } from '@sveltejs/kit';
import { AccountError, createUser, listUsers, removeUser, ROLE_LABELS, ROLES, setPassword, setRole, type Role } from '$lib/server/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => ({
	users: await listUsers(),
	roles: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
	me: locals.user?.username ?? null,
	open: locals.open,
	welcome: url.searchParams.has('welcome')
});

async function attempt(action: string, username: string, fn: () => Promise<void>) {
	try {
		await fn();
		return { done: action, username };
	} catch (err) {
		if (err instanceof AccountError) return fail(err.status, { action, username, message: err.message });
		throw err;
	}
}

const field = (form: FormData, name: string) => String(form.get(name) ?? '');

export const actions: Actions = {
	add: async ({ request }) => {
		const f = await request.formData();
		return attempt('add', field(f, 'username'), async () => {
			await createUser({ username: field(f, 'username'), displayName: field(f, 'displayName'), role: field(f, 'role') as Role, password: field(f, 'password') });
		});
	},
	role: async ({ request }) => {
		const f = await request.formData();
		return attempt('role', field(f, 'username'), () => setRole(field(f, 'username'), field(f, 'role') as Role));
	},
	password: async ({ request }) => {
		const f = await request.formData();
		return attempt('password', field(f, 'username'), () => setPassword(field(f, 'username'), field(f, 'password')));
	},
	remove: async ({ request, locals }) => {
		const f = await request.formData();
		const username = field(f, 'username');
		if (username === locals.user?.username) return fail(400, { action: 'remove', username, message: 'You cannot remove your own account while signed in to it.' });
		return attempt('remove', username, () => removeUser(username));
	}
};
