// The mapping screen for any other CSV: upload it once, say which column is which canonical
// field, preview what the import would make of the first rows (and what it would reject),
// then save the mapping by name (reusable as `handoff import --mapping NAME`) and import.
// Every step is a plain form post that carries the upload's id, so it works without JavaScript.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { GENERIC_FIELDS, GenericMappingSpec, previewGeneric } from '$lib/import/adapters/generic';
import { readExport, readExportHeader } from '$lib/import/adapters/source';
import { FatalFileError } from '$lib/import/read-records';
import { getColumnMapping, importExport, listColumnMappings, loadMappings, saveColumnMapping } from '$lib/server/adapter-import';
import { serializeWrite } from '$lib/server/import-jobs';
import { ImportFatalError } from '$lib/server/import';
import { readUpload, removeUpload, saveUpload, uploadFile, UploadError } from '$lib/server/uploads';
import type { SourceRow } from '$lib/import/adapters/types';
import type { Actions, PageServerLoad } from './$types';

const PREVIEW_ROWS = 8;

/** The upload and its header, or a 400 naming what is wrong. */
async function opened(id: string) {
	const up = readUpload(id);
	return { upload: up, header: await readExportHeader(uploadFile(id)) };
}

/** A best guess of each field's column from the header's names, for a first screen. */
function guess(header: string[]): Record<string, string> {
	const lower = header.map((h) => h.toLowerCase());
	const find = (...words: string[]) => header[lower.findIndex((h) => words.some((w) => h.includes(w)))] ?? '';
	return {
		ticket_id: find('ticket id', 'ticket_id', 'ref', 'number', 'key', 'id'),
		created_at: find('created', 'opened', 'submitted'),
		resolved_at: find('resolved', 'solved', 'closed'),
		first_response_at: find('first response', 'first reply'),
		group: find('group', 'queue', 'team'),
		assignee: find('assignee', 'owner', 'agent'),
		priority: find('priority', 'urgency', 'severity'),
		status: find('status', 'state'),
		category: find('category', 'type'),
		channel: find('channel', 'source', 'via'),
		customer_id: find('customer', 'requester', 'contact', 'cust'),
		csat: find('csat', 'satisfaction', 'survey', 'stars'),
		subject: find('subject', 'title', 'summary'),
		description: find('description', 'body'),
		vip: find('vip', 'key account')
	};
}

function specFrom(form: FormData) {
	const columns: Record<string, string> = {};
	for (const f of GENERIC_FIELDS) {
		const v = form.get(`col:${f}`);
		if (typeof v === 'string' && v !== '') columns[f] = v;
	}
	const order = form.get('date_order');
	return GenericMappingSpec.safeParse({
		name: form.get('name') ?? '',
		columns,
		...(order === 'dmy' || order === 'mdy' ? { dateOrder: order } : {})
	});
}

export const load: PageServerLoad = async ({ url }) => {
	const saved = await listColumnMappings();
	const id = url.searchParams.get('upload');
	if (!id) return { saved, file: null };
	try {
		const { upload, header } = await opened(id);
		const name = url.searchParams.get('mapping');
		const spec = name ? await getColumnMapping(name) : null;
		return { saved, file: { id, name: upload.name, header }, initial: spec ? { name: spec.name, columns: spec.columns as Record<string, string>, dateOrder: spec.dateOrder ?? '' } : { name: '', columns: guess(header), dateOrder: '' } };
	} catch (err) {
		if (err instanceof UploadError) return { saved, file: null, gone: err.message };
		throw err;
	}
};

const UploadId = z.string().regex(/^[0-9a-f-]{36}$/, 'is not an upload id');

export const actions: Actions = {
	upload: async ({ request }) => {
		const form = await request.formData();
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0) return fail(400, { message: 'choose a CSV file' });
		try {
			const up = await saveUpload(file.stream(), file.name, file.size);
			const mapping = form.get('mapping');
			redirect(303, `/imports/mapping?upload=${up.id}${typeof mapping === 'string' && mapping ? `&mapping=${encodeURIComponent(mapping)}` : ''}`);
		} catch (err) {
			if (err instanceof UploadError) return fail(err.status, { message: err.message });
			throw err;
		}
	},
	preview: async ({ request }) => {
		const form = await request.formData();
		const id = UploadId.safeParse(form.get('upload'));
		if (!id.success) return fail(400, { message: 'the upload is missing; choose the file again' });
		const spec = specFrom(form);
		if (!spec.success) return fail(400, { message: spec.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') });
		const rows: SourceRow[] = [];
		try {
			for await (const r of readExport(uploadFile(id.data))) {
				rows.push(r);
				if (rows.length >= PREVIEW_ROWS) break;
			}
		} catch (err) {
			if (err instanceof FatalFileError) return fail(400, { message: `${readUpload(id.data).name}: ${err.problem}` });
			throw err;
		}
		const preview = await previewGeneric(spec.data, rows, PREVIEW_ROWS * 3, { timeZone: process.env.HANDOFF_TZ ?? 'UTC', mappings: await loadMappings() });
		return { preview: JSON.parse(JSON.stringify(preview)) as typeof preview, spec: spec.data };
	},
	import: async ({ request }) => {
		const form = await request.formData();
		const id = UploadId.safeParse(form.get('upload'));
		if (!id.success) return fail(400, { message: 'the upload is missing; choose the file again' });
		const spec = specFrom(form);
		if (!spec.success) return fail(400, { message: spec.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') });
		try {
			const { upload } = await opened(id.data);
			await serializeWrite(() => saveColumnMapping(spec.data));
			const summary = await serializeWrite(() => importExport({ file: uploadFile(id.data), name: upload.name, mapping: spec.data.name, source: 'upload' }));
			removeUpload(id.data);
			return { summary, spec: spec.data };
		} catch (err) {
			if (err instanceof ImportFatalError) return fail(400, { message: `${err.file}: ${err.problem}` });
			if (err instanceof UploadError) return fail(err.status, { message: err.message });
			throw err;
		}
	}
};
