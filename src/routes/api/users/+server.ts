// Accounts over HTTP, for `handoff user` while the server holds the database (admins only).
import { json } from '@sveltejs/kit';
import { AccountError, createUser, listUsers } from '$lib/server/auth';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => json({ users: await listUsers() });

export const POST: RequestHandler = async ({ request }) => {
	try {
		const user = await createUser((await request.json().catch(() => ({}))));
		return json({ user }, { status: 201 });
	} catch (err) {
		if (err instanceof AccountError) return json({ message: err.message, field: err.field }, { status: err.status });
		throw err;
	}
};
