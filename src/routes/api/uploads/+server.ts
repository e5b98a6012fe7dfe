import { json } from '@sveltejs/kit';
import { saveUpload, UploadError } from '$lib/server/uploads';
import type { RequestHandler } from './$types';

// The raw file is the request body, streamed to disk: large exports never sit in memory.
export const POST: RequestHandler = async ({ request, url }) => {
	const declared = request.headers.get('content-length');
	try {
		const upload = await saveUpload(request.body, url.searchParams.get('name') ?? 'upload', declared ? Number(declared) : undefined);
		return json(upload, { status: 201 });
	} catch (err) {
		if (err instanceof UploadError) return json({ message: err.message }, { status: err.status });
		throw err;
	}
};
