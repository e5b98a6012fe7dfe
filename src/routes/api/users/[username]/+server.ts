import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { AccountError, Password, removeUser, RoleSchema, setPassword, setRole } from '$lib/server/auth';
import type { RequestHandler } from './$types';

const Change = z.object({ role: RoleSchema.optional(), password: Password.optional() }).strict();

async function answer(fn: () => Promise<unknown>): Promise<Response> {
	try {
		return json(await fn());
	} catch (err) {
		if (err instanceof AccountError) return json({ message: err.message, field: err.field }, { status: err.status });
		throw err;
	}
}

export const PATCH: RequestHandler = async ({ params, request }) =>
	answer(async () => {
		const r = Change.safeParse(await request.json().catch(() => null));
		if (!r.success) throw new AccountError(400, `${r.error.issues[0]?.path.join('.') || 'body'}: ${r.error.issues[0]?.message}`);
		if (r.data.role) await setRole(params.username, r.data.role);
		if (r.data.password) await setPassword(params.username, r.data.password);
		return { ok: true };
	});

export const DELETE: RequestHandler = async ({ params }) =>
	answer(async () => {
		await removeUser(params.username);
		return { ok: true };
	});
