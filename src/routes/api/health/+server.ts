import { json } from '@sveltejs/kit';
import { dbPath } from '$lib/server/db';
import type { RequestHandler } from './$types';

// Anyone may ask whether the server is up; only the command line (and the open local server)
// learns which database file it holds.
export const GET: RequestHandler = ({ locals }) => json(locals.user?.role === 'admin' ? { ok: true, db: dbPath() } : { ok: true });
