import path from 'node:path';
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { BackupError } from '$lib/server/backup';
import { dbPath } from '$lib/server/db';
import { backupInQueue } from '$lib/server/import-jobs';
import type { RequestHandler } from './$types';

// `out` is a path on the server's machine: `handoff backup` sends the one its user chose.
const BackupRequest = z
	.object({
		out: z
			.string()
			.max(4096)
			.refine((p) => path.isAbsolute(p), 'must be an absolute path')
			.refine((p) => p.endsWith('.duckdb'), 'must end in .duckdb')
			.optional()
	})
	.strict();

export const POST: RequestHandler = async ({ request, locals }) => {
	const parsed = BackupRequest.safeParse(await request.json().catch(() => null));
	if (!parsed.success) {
		return json({ message: `bad backup request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}` }, { status: 400 });
	}
	// A signed-in admin may back up beside the database; only the server's own command line
	// (which presents the link token) may write a copy anywhere else on the machine.
	const out = parsed.data.out;
	if (out && !locals.viaLink && path.dirname(out) !== path.dirname(dbPath())) {
		return json({ message: `a backup from the browser goes beside the database (${path.dirname(dbPath())}); use 'handoff backup --out' on the server for another place` }, { status: 403 });
	}
	try {
		return json(await backupInQueue(out));
	} catch (err) {
		if (err instanceof BackupError) return json({ message: err.message }, { status: 409 });
		throw err;
	}
};
