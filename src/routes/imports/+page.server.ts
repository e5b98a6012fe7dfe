import { fail } from '@sveltejs/kit';
import { serializeWrite } from '$lib/server/import-jobs';
import { ImportFatalError, runImport } from '$lib/server/import';
import { importHistory } from '$lib/server/status';
import { maxUploadBytes, removeUpload, saveUpload, uploadFile, UploadError } from '$lib/server/uploads';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	history: await importHistory(),
	maxUploadBytes: maxUploadBytes(),
	timeZone: process.env.HANDOFF_TZ ?? 'UTC'
});

// Without JavaScript the form posts here; with it, the page uploads by /api/uploads with progress.
export const actions: Actions = {
	default: async ({ request }) => {
		const form = await request.formData();
		const tickets = form.get('tickets');
		const events = form.get('events');
		if (!(tickets instanceof File) || tickets.size === 0) return fail(400, { error: { file: null, problem: 'choose a tickets file' } });
		const saved: string[] = [];
		try {
			const t = await saveUpload(tickets.stream(), tickets.name, tickets.size);
			saved.push(t.id);
			const e = events instanceof File && events.size > 0 ? await saveUpload(events.stream(), events.name, events.size) : null;
			if (e) saved.push(e.id);
			const summary = await serializeWrite(() =>
				runImport({
					ticketsFile: uploadFile(t.id),
					ticketsName: t.name,
					eventsFile: e ? uploadFile(e.id) : undefined,
					eventsName: e?.name,
					source: 'upload'
				})
			);
			return { summary };
		} catch (err) {
			if (err instanceof ImportFatalError) return fail(400, { error: { file: err.file, problem: err.problem } });
			if (err instanceof UploadError) return fail(err.status, { error: { file: null, problem: err.message } });
			throw err;
		} finally {
			saved.forEach(removeUpload);
		}
	}
};
