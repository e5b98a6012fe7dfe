import { json } from '@sveltejs/kit';
import { dbPath } from '$lib/server/db';

export function GET() {
	return json({ ok: true, db: dbPath() });
}
