// Streams the records of an export file (CSV, JSON array or NDJSON) one at a time, with the
// physical line each record starts on, without ever holding the file in memory.
// Validation is the caller's job; this module only says what the file contains.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import Papa from 'papaparse';
import { normalizeHeader } from './canonical.ts';

export type FileFormat = 'csv' | 'json' | 'ndjson';

/** A problem that makes the whole file unusable. */
export class FatalFileError extends Error {
	constructor(
		readonly file: string,
		readonly problem: string
	) {
		super(`${file}: ${problem}`);
		this.name = 'FatalFileError';
	}
}

export interface RecordSource {
	/**
	 * Called once with the normalized column names before any record. For JSON there is no
	 * header: `fromRecord` is true and the columns are the first record's keys.
	 */
	onHeader(columns: string[], fromRecord: boolean): void;
	/** One record; `fields` keys are normalized column names, values are text ('' when absent). */
	onRecord(fields: Record<string, string>, line: number): void;
	/** A record that could not be read as one (bad JSON line, broken quotes): rejected, not fatal. */
	onBadRecord(line: number, reason: string): void;
	onProgress?(bytesRead: number, totalBytes: number): void;
	/** Every raw chunk, in order (for the file's digest). */
	onBytes?(chunk: Buffer): void;
}

/** Decodes UTF-8 strictly: an invalid byte sequence is fatal, as SPEC.md requires. */
export class StrictUtf8 extends Transform {
	private decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
	constructor(private readonly label: string) {
		super({ decodeStrings: true, readableObjectMode: true });
	}
	_transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
		try {
			const s = this.decoder.decode(chunk, { stream: true });
			if (s) this.push(s);
			done();
		} catch {
			done(new FatalFileError(this.label, 'is not valid UTF-8 text (save the export as UTF-8)'));
		}
	}
	_flush(done: TransformCallback) {
		try {
			const s = this.decoder.decode();
			if (s) this.push(s);
			done();
		} catch {
			done(new FatalFileError(this.label, 'is not valid UTF-8 text (it ends inside a character)'));
		}
	}
}

function countNewlines(s: string): number {
	let n = 0;
	let i = s.indexOf('\n');
	while (i !== -1) {
		n++;
		i = s.indexOf('\n', i + 1);
	}
	return n;
}

/** Picks the format from the extension, or from the first character for other names. */
export async function detectFormat(file: string): Promise<FileFormat> {
	const ext = path.extname(file).toLowerCase();
	if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
	if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
	const fh = await fs.promises.open(file, 'r');
	try {
		const buf = Buffer.alloc(512);
		const { bytesRead } = await fh.read(buf, 0, 512, 0);
		const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
		if (head.startsWith('[')) return 'json';
		if (head.startsWith('{')) return 'ndjson';
		if (ext === '.json') return 'json';
		return 'csv';
	} finally {
		await fh.close();
	}
}

function openText(file: string, label: string, source: RecordSource) {
	const total = fs.statSync(file).size;
	// Each chunk is parsed and validated in one go on the main thread: 64 KB keeps that under
	// about 10 ms, so a server importing still answers its other requests (1 MB took 100 ms).
	const raw = fs.createReadStream(file, { highWaterMark: 1 << 16 });
	let read = 0;
	raw.on('data', (chunk) => {
		read += chunk.length;
		source.onBytes?.(chunk as Buffer);
		source.onProgress?.(read, total);
	});
	const text = new StrictUtf8(label);
	raw.on('error', (err) => text.destroy(new FatalFileError(label, `cannot be read (${err.message})`)));
	return raw.pipe(text);
}

export async function readRecords(file: string, label: string, format: FileFormat, source: RecordSource): Promise<void> {
	if (!fs.existsSync(file)) throw new FatalFileError(label, 'does not exist');
	if (format === 'csv') return readCsv(file, label, source);
	return readJson(file, label, format, source);
}

function readCsv(file: string, label: string, source: RecordSource): Promise<void> {
	return new Promise((resolve, reject) => {
		const input = openText(file, label, source);
		let header: string[] | null = null;
		let line = 1;
		let failure: unknown = null;
		let parser: Papa.Parser | null = null;
		const fail = (err: unknown) => {
			if (failure) return;
			failure = err;
			parser?.abort();
			input.destroy();
			reject(err);
		};
		input.on('error', fail);
		Papa.parse<string[]>(input as unknown as File, {
			delimiter: ',',
			skipEmptyLines: false,
			step(result, p) {
				parser = p;
				if (failure) return;
				const row = result.data;
				const start = line;
				let span = 0;
				for (let i = 0; i < row.length; i++) if (row[i].indexOf('\n') !== -1) span += countNewlines(row[i]);
				line += 1 + span;
				try {
					if (header === null) {
						header = row.map(normalizeHeader);
						source.onHeader(header, false);
						return;
					}
					if (row.length === 1 && row[0] === '') return; // a blank line
					// A broken quote shifts every field after it, so no later row could be trusted.
					if (result.errors.some((e) => e.type === 'Quotes')) {
						const unclosed = !result.errors.some((e) => e.code === 'InvalidQuotes');
						fail(
							new FatalFileError(
								label,
								unclosed
									? `line ${start}: a quoted field is never closed, so the rest of the file cannot be read`
									: `line ${start}: malformed quotes (text after a closing quote); fix the quoting and import again`
							)
						);
						return;
					}
					const fields: Record<string, string> = {};
					for (let i = 0; i < header.length; i++) fields[header[i]] = row[i] ?? '';
					source.onRecord(fields, start);
				} catch (err) {
					fail(err);
				}
			},
			complete() {
				if (failure) return;
				if (header === null) return reject(new FatalFileError(label, 'is empty (no header row)'));
				resolve();
			},
			error(err: Error) {
				fail(err instanceof FatalFileError ? err : new FatalFileError(label, `cannot be parsed as CSV (${err.message})`));
			}
		});
	});
}

function toText(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return JSON.stringify(v);
}

function jsonRecord(value: unknown): Record<string, string> | null {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
	const fields: Record<string, string> = {};
	for (const [k, v] of Object.entries(value)) fields[normalizeHeader(k)] = toText(v);
	return fields;
}

/**
 * JSON arrays are split into their top-level elements by a small scanner that tracks strings
 * and nesting, so each element is parsed alone and its line is known.
 */
function readJson(file: string, label: string, format: 'json' | 'ndjson', source: RecordSource): Promise<void> {
	return new Promise((resolve, reject) => {
		const input = openText(file, label, source);
		let headerSeen = false;
		let failure: unknown = null;
		const emit = (textOfRecord: string, line: number) => {
			let value: unknown;
			try {
				value = JSON.parse(textOfRecord);
			} catch (err) {
				if (format === 'json') throw new FatalFileError(label, `line ${line}: invalid JSON (${(err as Error).message})`);
				source.onBadRecord(line, `invalid JSON (${(err as Error).message})`);
				return;
			}
			const fields = jsonRecord(value);
			if (!fields) {
				source.onBadRecord(line, 'is not a JSON object');
				return;
			}
			if (!headerSeen) {
				headerSeen = true;
				source.onHeader(Object.keys(fields), true);
			}
			source.onRecord(fields, line);
		};

		// Scanner state, carried across chunks.
		let line = 1;
		let depth = 0; // nesting inside the top-level array
		let inString = false;
		let topString = false;
		let escaped = false;
		let started = false; // saw the opening '['
		let ended = false;
		let buf = '';
		let recordLine = 0;
		let ndLine = '';

		const scanArray = (chunk: string) => {
			let from = 0;
			for (let i = 0; i < chunk.length; i++) {
				const c = chunk.charCodeAt(i);
				if (c === 10) line++;
				if (inString) {
					if (escaped) escaped = false;
					else if (c === 92) escaped = true;
					else if (c === 34) {
						inString = false;
						if (topString) {
							topString = false;
							source.onBadRecord(recordLine, 'is not a JSON object');
							from = i + 1;
						}
					}
					continue;
				}
				if (!started) {
					if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
					if (c !== 91) throw new FatalFileError(label, 'is not a JSON array of records');
					started = true;
					from = i + 1;
					continue;
				}
				if (ended) {
					if (c === 32 || c === 9 || c === 10 || c === 13) continue;
					throw new FatalFileError(label, `line ${line}: unexpected text after the end of the JSON array`);
				}
				if (depth === 0) {
					if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44) {
						from = i + 1;
						continue;
					}
					if (c === 93) {
						ended = true;
						continue;
					}
					depth = c === 123 || c === 91 ? 1 : 0;
					recordLine = line;
					from = i;
					buf = '';
					if (c === 34) {
						// A bare string element is not a record; reported once its closing quote is seen.
						inString = true;
						topString = true;
						continue;
					}
					if (depth === 0) {
						// a bare scalar element: read up to the next separator
						let j = i;
						while (j < chunk.length && !',]\n\r \t'.includes(chunk[j])) j++;
						emit(chunk.slice(i, j), recordLine);
						i = j - 1;
						from = j;
					}
					continue;
				}
				if (c === 34) inString = true;
				else if (c === 123 || c === 91) depth++;
				else if (c === 125 || c === 93) {
					depth--;
					if (depth === 0) {
						emit(buf + chunk.slice(from, i + 1), recordLine);
						buf = '';
						from = i + 1;
					}
				}
			}
			if (depth > 0 || (inString && !topString)) buf += chunk.slice(from);
		};

		const scanLines = (chunk: string) => {
			ndLine += chunk;
			let nl = ndLine.indexOf('\n');
			while (nl !== -1) {
				const text = ndLine.slice(0, nl).replace(/\r$/, '');
				ndLine = ndLine.slice(nl + 1);
				if (text.trim() !== '') emit(text.replace(/^\uFEFF/, ''), line);
				line++;
				nl = ndLine.indexOf('\n');
			}
		};

		input.on('data', (chunk: string) => {
			if (failure) return;
			try {
				if (format === 'json') scanArray(chunk);
				else scanLines(chunk);
			} catch (err) {
				failure = err;
				input.destroy();
				reject(err);
			}
		});
		input.on('error', (err) => {
			if (failure) return;
			failure = err;
			reject(err instanceof FatalFileError ? err : new FatalFileError(label, err.message));
		});
		input.on('end', () => {
			if (failure) return;
			try {
				if (format === 'ndjson' && ndLine.trim() !== '') emit(ndLine.replace(/\r$/, ''), line);
				if (format === 'json' && (!started || !ended)) {
					throw new FatalFileError(label, started ? 'the JSON array is cut off before its closing ]' : 'is empty');
				}
				resolve();
			} catch (err) {
				reject(err);
			}
		});
	});
}
