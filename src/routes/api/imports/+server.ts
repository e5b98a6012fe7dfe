import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { startImportJob } from '$lib/server/import-jobs';
import { importHistory } from '$lib/server/status';
import { UploadError } from '$lib/server/uploads';
import type { RequestHandler } from './$types';

const StartImport = z.object({
	tickets: z.string().uuid(),
	events: z.string().uuid().optional(),
	source: z.enum(['cli', 'upload', 'demo']).default('upload'),
	/** The tickets upload is a helpdesk export, read by this format or saved column mapping. */
	export: z
		.object({
			format: z.enum(['zendesk', 'freshdesk', 'jsm', 'servicenow', 'servicenow-audit']).optional(),
			mapping: z.string().trim().min(1).max(80).optional(),
			dateOrder: z.enum(['dmy', 'mdy']).optional()
		})
		.strict()
		.optional()
});

export const GET: RequestHandler = async () => json(await importHistory());

export const POST: RequestHandler = async ({ request }) => {
	const parsed = StartImport.safeParse(await request.json().catch(() => null));
	if (!parsed.success) {
		return json({ message: `bad import request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}` }, { status: 400 });
	}
	try {
		return json(startImportJob(parsed.data), { status: 202 });
	} catch (err) {
		if (err instanceof UploadError) return json({ message: err.message }, { status: err.status });
		throw err;
	}
};
