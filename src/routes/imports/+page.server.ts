import { fail } from '@sveltejs/kit';
import { serializeWrite } from '$lib/server/import-jobs';
import { ImportFatalError, runImport } from '$lib/server/import';
import { importHistory } from '$lib/server/status';
import { maxUploadBytes, removeUpload, saveUpload, uploadFile, UploadError } from '$lib/server/uploads';
import { z } from 'zod';
import { importExport, type ExtraFile } from '$lib/server/adapter-import';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	history: await importHistory(),
	maxUploadBytes: maxUploadBytes(),
	timeZone: process.env.HANDOFF_TZ ?? 'UTC'
});

const ExportForm = z.object({
	format: z.union([z.literal(''), z.enum(['zendesk', 'freshdesk', 'jsm', 'servicenow', 'servicenow-audit'])]),
	date_order: z.union([z.literal(''), z.enum(['dmy', 'mdy'])])
});

// Without JavaScript the canonical form posts to `upload`; with it, the page uploads by
// /api/uploads with progress. A helpdesk export always posts to `export`.
export const actions: Actions = {
	export: async ({ request }) => {
		const form = await request.formData();
		const file = form.get('export');
		if (!(file instanceof File) || file.size === 0) return fail(400, { exportError: { file: null, problem: 'choose an export file' } });
		const opts = ExportForm.safeParse({ format: form.get('format') ?? '', date_order: form.get('date_order') ?? '' });
		if (!opts.success) return fail(400, { exportError: { file: file.name, problem: opts.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') } });
		const saved: string[] = [];
		try {
			const up = await saveUpload(file.stream(), file.name, file.size);
			saved.push(up.id);
			// Zendesk's optional JSON files: audits, metric events and the group names.
			const extras: ExtraFile[] = [];
			for (const [field, kind] of [['groups', 'zendesk-groups'], ['audits', 'zendesk-audits'], ['metric_events', 'zendesk-metric-events']] as const) {
				const f = form.get(field);
				if (!(f instanceof File) || f.size === 0) continue;
				const x = await saveUpload(f.stream(), f.name, f.size);
				saved.push(x.id);
				extras.push({ kind, file: uploadFile(x.id), name: x.name });
			}
			const exportSummary = await serializeWrite(() =>
				importExport({
					file: uploadFile(up.id),
					name: up.name,
					format: opts.data.format || null,
					dateOrder: opts.data.date_order || null,
					source: 'upload',
					extras
				})
			);
			return { exportSummary };
		} catch (err) {
			if (err instanceof ImportFatalError) return fail(400, { exportError: { file: err.file, problem: err.problem } });
			if (err instanceof UploadError) return fail(err.status, { exportError: { file: null, problem: err.message } });
			throw err;
		} finally {
			saved.forEach(removeUpload);
		}
	},
	upload: async ({ request }) => {
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
