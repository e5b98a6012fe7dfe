// Reads a helpdesk export as SourceRows for the adapters: the header exactly as exported
// (trimmed; a repeated name such as Jira's "Watchers" becomes "Watchers (2)", "Watchers (3)"),
// and each row's cells by that name with the row's first line in the file. Streamed with
// papaparse, pausing while the adapter catches up, so a large export is not held in memory.
// Decoded as strict UTF-8 like the canonical files: invalid bytes throw FatalFileError.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { SourceRow } from './types.ts';
import { uniqueHeader } from './header.ts';
import { FatalFileError, StrictUtf8 } from '../read-records.ts';

export { uniqueHeader };

const newlines = (s: string) => {
	let n = 0;
	for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
	return n;
};

function toRow(header: string[], cells: string[], line: number): SourceRow {
	const values: Record<string, string> = {};
	for (let i = 0; i < header.length; i++) values[header[i]] = (cells[i] ?? '').trim();
	return { line, values };
}

/** The rows of a CSV text (tests, small files): header and rows as SourceRows. */
export function parseExportText(text: string): { header: string[]; rows: SourceRow[] } {
	const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false });
	const [first, ...rest] = parsed.data;
	const header = uniqueHeader(first ?? []);
	const rows: SourceRow[] = [];
	let line = 1 + newlines((first ?? []).join(','));
	line += 1;
	for (const cells of rest) {
		const start = line;
		line += 1 + cells.reduce((n, c) => n + newlines(c), 0);
		if (cells.length === 1 && cells[0] === '') continue;
		rows.push(toRow(header, cells, start));
	}
	return { header, rows };
}

/** The header of an export file, read from its first record only. */
export async function readExportHeader(file: string): Promise<string[]> {
	return new Promise((resolve, reject) => {
		let done = false;
		const input = fs.createReadStream(file, { encoding: 'utf8' });
		Papa.parse<string[]>(input as unknown as File, {
			delimiter: ',',
			step(result, parser) {
				if (done) return;
				done = true;
				parser.abort();
				input.destroy();
				resolve(uniqueHeader(result.data));
			},
			complete: () => (done ? undefined : resolve([])),
			error: (err: Error) => reject(err)
		});
	});
}

/** Streams the rows of an export file; the header comes first through `onHeader`. */
export async function* readExport(file: string, onHeader?: (header: string[]) => void): AsyncIterable<SourceRow> {
	const queue: SourceRow[] = [];
	let header: string[] | null = null;
	let line = 1;
	let finished = false;
	let failure: Error | null = null;
	let parser: Papa.Parser | null = null;
	let wake: (() => void) | null = null;
	let paused = false;
	const notify = () => {
		wake?.();
		wake = null;
	};
	const label = path.basename(file);
	const raw = fs.createReadStream(file);
	const text = raw.pipe(new StrictUtf8(label));
	raw.on('error', (err) => text.destroy(new FatalFileError(label, `cannot be read (${err.message})`)));
	// Exports are comma-separated: a guessed delimiter picks ';' on a small Jira export whose
	// comment cells hold 'date;author;text'.
	Papa.parse<string[]>(text as unknown as File, {
		delimiter: ',',
		step(result, p) {
			parser = p;
			const cells = result.data;
			const start = line;
			line += 1 + cells.reduce((n, c) => n + newlines(c), 0);
			if (header === null) {
				header = uniqueHeader(cells);
				onHeader?.(header);
				return;
			}
			if (cells.length === 1 && cells[0] === '') return;
			queue.push(toRow(header, cells, start));
			if (queue.length >= 1_000) {
				p.pause();
				paused = true;
			}
			notify();
		},
		complete() {
			finished = true;
			notify();
		},
		error(err: Error) {
			failure = err;
			finished = true;
			notify();
		}
	});
	while (true) {
		if (queue.length) {
			yield queue.shift()!;
			// Resume only a parser paused here: resuming a running one makes papaparse poll forever.
			if (queue.length === 0 && paused && !finished) {
				paused = false;
				(parser as Papa.Parser | null)?.resume();
			}
			continue;
		}
		if (failure) throw failure;
		if (finished) return;
		await new Promise<void>((r) => (wake = r));
	}
}
