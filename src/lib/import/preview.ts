// The Imports page's look at a file before it is sent: detected format and columns, and the
// first rows checked against the same zod schemas the server uses. Runs in the browser.
import Papa from 'papaparse';
import { checkHeader, eventSchema, fieldErrors, normalizeHeader, ticketSchema, EVENT_FIELDS, TICKET_FIELDS, TICKET_REQUIRED, EVENT_REQUIRED, type FileKind } from './canonical.ts';
import { TimeZoneRules } from './timestamps.ts';

export interface PreviewColumn {
	name: string;
	role: 'required' | 'known' | 'extra';
}

export interface PreviewRow {
	line: number;
	values: string[];
	problems: string[];
}

export interface FilePreview {
	format: 'csv' | 'json' | 'ndjson';
	columns: PreviewColumn[];
	missing: string[];
	rows: PreviewRow[];
	fatal?: string;
}

const PREVIEW_ROWS = 5;
const HEAD_BYTES = 256 * 1024;

function roleOf(kind: FileKind, name: string): PreviewColumn['role'] {
	const required: readonly string[] = kind === 'tickets' ? TICKET_REQUIRED : EVENT_REQUIRED;
	const known: readonly string[] = kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS;
	return required.includes(name) ? 'required' : known.includes(name) ? 'known' : 'extra';
}

/** Top-level records of the start of a JSON array or NDJSON text (the tail may be cut off). */
function jsonHead(text: string, format: 'json' | 'ndjson'): { line: number; value: Record<string, unknown> }[] {
	const out: { line: number; value: Record<string, unknown> }[] = [];
	if (format === 'ndjson') {
		text.split('\n').forEach((l, i) => {
			if (out.length >= PREVIEW_ROWS || l.trim() === '') return;
			try {
				out.push({ line: i + 1, value: JSON.parse(l) });
			} catch {
				// the last line may be cut off by the preview window
			}
		});
		return out;
	}
	let depth = 0;
	let inString = false;
	let escaped = false;
	let start = -1;
	let line = 1;
	let startLine = 1;
	for (let i = text.indexOf('[') + 1; i > 0 && i < text.length && out.length < PREVIEW_ROWS; i++) {
		const c = text[i];
		if (c === '\n') line++;
		if (inString) {
			if (escaped) escaped = false;
			else if (c === '\\') escaped = true;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{') {
			if (depth++ === 0) {
				start = i;
				startLine = line;
			}
		} else if (c === '}' && --depth === 0) {
			try {
				out.push({ line: startLine, value: JSON.parse(text.slice(start, i + 1)) });
			} catch {
				break;
			}
		}
	}
	return out;
}

export async function previewFile(file: File, kind: FileKind, timeZone = 'UTC'): Promise<FilePreview> {
	const head = await file.slice(0, HEAD_BYTES).text();
	const trimmed = head.replace(/^\uFEFF/, '').trimStart();
	const lower = file.name.toLowerCase();
	const format: FilePreview['format'] =
		lower.endsWith('.ndjson') || lower.endsWith('.jsonl') || (!lower.endsWith('.json') && trimmed.startsWith('{'))
			? 'ndjson'
			: lower.endsWith('.json') || trimmed.startsWith('[')
				? 'json'
				: 'csv';
	let header: string[] = [];
	let records: { line: number; fields: Record<string, string> }[] = [];
	if (format === 'csv') {
		const parsed = Papa.parse<string[]>(head, { preview: PREVIEW_ROWS + 1, skipEmptyLines: false, delimiter: ',' });
		const [first = [], ...rest] = parsed.data;
		header = first.map(normalizeHeader);
		let line = 2;
		for (const row of rest) {
			const start = line;
			line += 1 + row.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
			if (row.length === 1 && row[0] === '') continue;
			records.push({ line: start, fields: Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])) });
		}
	} else {
		const items = jsonHead(head, format);
		header = items.length ? Object.keys(items[0].value).map(normalizeHeader) : [];
		records = items.map(({ line, value }) => ({
			line,
			fields: Object.fromEntries(
				Object.entries(value).map(([k, v]) => [normalizeHeader(k), v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)])
			)
		}));
	}
	const check = checkHeader(kind, header);
	const known: readonly string[] = kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS;
	const required: readonly string[] = kind === 'tickets' ? TICKET_REQUIRED : EVENT_REQUIRED;
	const zone = new TimeZoneRules(timeZone);
	const schema = kind === 'tickets' ? ticketSchema(zone) : eventSchema(zone);
	const rows = records.slice(0, PREVIEW_ROWS).map(({ line, fields }) => {
		const input = Object.fromEntries(known.map((f) => [f, fields[f] ?? '']));
		const result = schema.safeParse(input);
		return {
			line,
			values: header.map((h) => fields[h] ?? ''),
			problems: result.success ? [] : fieldErrors(result.error).map((e) => `${e.field} ${e.reason}`)
		};
	});
	return {
		format,
		columns: header.map((name) => ({ name, role: roleOf(kind, name) })),
		missing: required.filter((r) => !header.includes(r)),
		rows,
		fatal: check.fatal
	};
}
