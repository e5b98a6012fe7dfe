import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectFormat, FatalFileError, readRecords, type FileFormat } from '../src/lib/import/read-records.ts';

let dir: string;
beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
});
afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function write(name: string, content: string | Buffer): string {
	const file = path.join(dir, `${++counter}-${name}`);
	fs.writeFileSync(file, content);
	return file;
}

interface Read {
	header: string[] | null;
	records: { line: number; fields: Record<string, string> }[];
	bad: { line: number; reason: string }[];
	bytes: number;
}

async function read(file: string, format: FileFormat): Promise<Read> {
	const out: Read = { header: null, records: [], bad: [], bytes: 0 };
	await readRecords(file, 'the-file', format, {
		onHeader(columns) {
			expect(out.header, 'onHeader is called once').toBeNull();
			out.header = columns;
		},
		onRecord(fields, line) {
			out.records.push({ line, fields });
		},
		onBadRecord(line, reason) {
			out.bad.push({ line, reason });
		},
		onBytes(chunk) {
			out.bytes += chunk.length;
		}
	});
	return out;
}

const lines = (r: Read) => r.records.map((x) => x.line);

async function fatal(file: string, format: FileFormat): Promise<FatalFileError> {
	let caught: unknown;
	try {
		await read(file, format);
	} catch (err) {
		caught = err;
	}
	expect(caught).toBeInstanceOf(FatalFileError);
	const e = caught as FatalFileError;
	expect(e.file).toBe('the-file');
	expect(e.message.startsWith('the-file: ')).toBe(true);
	return e;
}

describe('readRecords: CSV', () => {
	it('reads a plain file, header = line 1, each record with its line', async () => {
		const r = await read(write('t.csv', 'ticket_id,created_at\nT1,2026-03-02\nT2,2026-03-03\n'), 'csv');
		expect(r.header).toEqual(['ticket_id', 'created_at']);
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', created_at: '2026-03-02' } },
			{ line: 3, fields: { ticket_id: 'T2', created_at: '2026-03-03' } }
		]);
		expect(r.bad).toEqual([]);
	});

	it('drops a UTF-8 byte order mark from the first column name', async () => {
		const r = await read(write('bom.csv', '\uFEFFticket_id,created_at\nT1,2026-03-02\n'), 'csv');
		expect(r.header).toEqual(['ticket_id', 'created_at']);
		expect(r.records).toEqual([{ line: 2, fields: { ticket_id: 'T1', created_at: '2026-03-02' } }]);
	});

	it('reads CRLF line ends without leaving \\r in the last field', async () => {
		const r = await read(write('crlf.csv', 'ticket_id,status\r\nT1,open\r\nT2,solved\r\n'), 'csv');
		expect(r.header).toEqual(['ticket_id', 'status']);
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', status: 'open' } },
			{ line: 3, fields: { ticket_id: 'T2', status: 'solved' } }
		]);
	});

	it('reads a file without a final newline', async () => {
		const r = await read(write('nofinal.csv', 'ticket_id,status\nT1,open\nT2,solved'), 'csv');
		expect(r.records.map((x) => x.fields.status)).toEqual(['open', 'solved']);
		expect(lines(r)).toEqual([2, 3]);
	});

	it('reads quoted commas and escaped quotes', async () => {
		const r = await read(write('q.csv', 'ticket_id,subject\nT1,"Refund, please"\nT2,"He said ""hi"""\n'), 'csv');
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', subject: 'Refund, please' } },
			{ line: 3, fields: { ticket_id: 'T2', subject: 'He said "hi"' } }
		]);
	});

	it('counts the lines of a quoted field with newlines: a record on lines 2-4 makes the next start on line 5', async () => {
		const csv = 'ticket_id,description\nT1,"first\nsecond\nthird"\nT2,plain\n';
		const r = await read(write('nl.csv', csv), 'csv');
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', description: 'first\nsecond\nthird' } },
			{ line: 5, fields: { ticket_id: 'T2', description: 'plain' } }
		]);
	});

	it('counts the lines of a quoted field with CRLF newlines', async () => {
		const csv = 'ticket_id,description\r\nT1,"a\r\nb"\r\nT2,c\r\n';
		const r = await read(write('nlcrlf.csv', csv), 'csv');
		expect(lines(r)).toEqual([2, 4]);
		expect(r.records[0].fields.description).toBe('a\r\nb');
		expect(r.records[1].fields.description).toBe('c');
	});

	it('skips blank lines but counts them', async () => {
		// line 1 header, 2 T1, 3 blank, 4 T2, 5 blank, 6 blank, 7 T3
		const csv = 'ticket_id,status\nT1,open\n\nT2,open\n\n\nT3,open\n';
		const r = await read(write('blank.csv', csv), 'csv');
		expect(r.records.map((x) => [x.fields.ticket_id, x.line])).toEqual([
			['T1', 2],
			['T2', 4],
			['T3', 7]
		]);
		expect(r.bad).toEqual([]);
	});

	it('skips blank CRLF lines but counts them', async () => {
		const csv = 'ticket_id,status\r\nT1,open\r\n\r\nT2,open\r\n';
		const r = await read(write('blankcrlf.csv', csv), 'csv');
		expect(r.records.map((x) => [x.fields.ticket_id, x.line])).toEqual([
			['T1', 2],
			['T2', 4]
		]);
	});

	it('reads mixed-case headers in any column order and keeps an extra column', async () => {
		const csv = 'Created_At, STATUS ,Ticket_ID,Region\n2026-03-02,open,T1,EMEA\n';
		const r = await read(write('mixed.csv', csv), 'csv');
		expect(r.header).toEqual(['created_at', 'status', 'ticket_id', 'region']);
		expect(r.records).toEqual([
			{ line: 2, fields: { created_at: '2026-03-02', status: 'open', ticket_id: 'T1', region: 'EMEA' } }
		]);
	});

	it('pads a short row with empty fields', async () => {
		const r = await read(write('short.csv', 'ticket_id,created_at,status,priority\nT1,2026-03-02\n'), 'csv');
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', created_at: '2026-03-02', status: '', priority: '' } }
		]);
	});

	it('ignores extra trailing fields', async () => {
		const r = await read(write('long.csv', 'ticket_id,status\nT1,open,surplus,more\nT2,solved\n'), 'csv');
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', status: 'open' } },
			{ line: 3, fields: { ticket_id: 'T2', status: 'solved' } }
		]);
	});

	it('keeps empty fields as empty strings', async () => {
		const r = await read(write('empty-fields.csv', 'ticket_id,status,priority\nT1,,\n'), 'csv');
		expect(r.records).toEqual([{ line: 2, fields: { ticket_id: 'T1', status: '', priority: '' } }]);
	});

	it('reads non-ASCII text', async () => {
		const r = await read(write('utf8.csv', 'ticket_id,subject\nT1,Grüße 😀 – 日本\n'), 'csv');
		expect(r.records[0].fields.subject).toBe('Grüße 😀 – 日本');
	});

	it('reads a header-only file as no records', async () => {
		const r = await read(write('header-only.csv', 'ticket_id,created_at\n'), 'csv');
		expect(r.header).toEqual(['ticket_id', 'created_at']);
		expect(r.records).toEqual([]);
	});

	it('passes every byte to onBytes (for the file digest)', async () => {
		const content = 'ticket_id,subject\nT1,Grüße\n';
		const r = await read(write('bytes.csv', content), 'csv');
		expect(r.bytes).toBe(Buffer.byteLength(content));
	});

	it('is fatal on invalid UTF-8 bytes', async () => {
		const bytes = Buffer.concat([Buffer.from('ticket_id,subject\nT1,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
		const e = await fatal(write('latin1.csv', bytes), 'csv');
		expect(e.problem).toMatch(/UTF-8/);
	});

	it('is fatal on an empty file', async () => {
		const e = await fatal(write('empty.csv', ''), 'csv');
		expect(e.problem).toMatch(/empty/);
	});

	it('is fatal on a quote that is never closed', async () => {
		const csv = 'ticket_id,subject\nT1,ok\nT2,"never closed\nT3,lost\n';
		const e = await fatal(write('unterminated.csv', csv), 'csv');
		expect(e.problem).toMatch(/line 3/);
		expect(e.problem).toMatch(/never closed/);
	});

	it('is fatal when the file does not exist', async () => {
		const e = await fatal(path.join(dir, 'no-such-file.csv'), 'csv');
		expect(e.problem).toMatch(/does not exist/);
	});
});

describe('readRecords: broken quoting', () => {
	it('fails the file on text after a closing quote instead of swallowing the rows after it', async () => {
		// papaparse would read "x"y as a bad field and then lose T2 and T3 inside an open quote.
		const e = await fatal(write('bad-quote.csv', 'ticket_id,subject\nT1,"x"y\nT2,z\nT3,w\n'), 'csv');
		expect(e.problem).toContain('line 2');
		expect(e.problem).toContain('malformed quotes');
	});
});

describe('readRecords: JSON array', () => {
	it('reports a bare string element as a bad record with its line', async () => {
		const r = await read(write('strings.json', '[\n{"ticket_id":"T1"},\n"T2",\n{"ticket_id":"T3"}\n]'), 'json');
		expect(lines(r)).toEqual([2, 4]);
		expect(r.bad).toEqual([{ line: 3, reason: 'is not a JSON object' }]);
	});

	it('reads a pretty-printed array, each record on the line where its element starts', async () => {
		const json = [
			'[', //                                  line 1
			'  {', //                                line 2: first element starts
			'    "ticket_id": "T1",',
			'    "created_at": "2026-03-02"',
			'  },',
			'  {"ticket_id": "T2", "created_at": "2026-03-03"},', // line 6
			'', //                                   line 7
			'  {', //                                line 8
			'    "ticket_id": "T3",',
			'    "subject": "has } and ] and \\" inside"',
			'  }',
			']',
			''
		].join('\n');
		const r = await read(write('t.json', json), 'json');
		expect(r.header).toEqual(['ticket_id', 'created_at']);
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1', created_at: '2026-03-02' } },
			{ line: 6, fields: { ticket_id: 'T2', created_at: '2026-03-03' } },
			{ line: 8, fields: { ticket_id: 'T3', subject: 'has } and ] and " inside' } }
		]);
		expect(r.bad).toEqual([]);
	});

	it('turns numbers, booleans and null into text and lower-cases keys', async () => {
		const r = await read(write('types.json', '[{"Ticket_ID": "T1", "csat_score": 4, "vip": true, "team": null}]'), 'json');
		expect(r.header).toEqual(['ticket_id', 'csat_score', 'vip', 'team']);
		expect(r.records).toEqual([{ line: 1, fields: { ticket_id: 'T1', csat_score: '4', vip: 'true', team: '' } }]);
	});

	it('reads an array with a BOM and CRLF line ends', async () => {
		const r = await read(write('bom.json', '\uFEFF[\r\n{"ticket_id":"T1"},\r\n{"ticket_id":"T2"}\r\n]\r\n'), 'json');
		expect(r.records).toEqual([
			{ line: 2, fields: { ticket_id: 'T1' } },
			{ line: 3, fields: { ticket_id: 'T2' } }
		]);
	});

	it('reports an element that is not an object as a bad record with its line', async () => {
		const r = await read(write('scalar.json', '[\n{"ticket_id":"T1"},\n42,\n{"ticket_id":"T2"}\n]'), 'json');
		expect(lines(r)).toEqual([2, 4]);
		expect(r.bad).toEqual([{ line: 3, reason: 'is not a JSON object' }]);
	});

	it('is fatal when the array is cut off', async () => {
		const e = await fatal(write('cut.json', '[\n{"ticket_id":"T1"},\n{"ticket_id":"T2",\n'), 'json');
		expect(e.problem).toMatch(/cut off/);
	});

	it('is fatal when the array is cut off right after a complete element', async () => {
		const e = await fatal(write('cut2.json', '[\n{"ticket_id":"T1"},\n'), 'json');
		expect(e.problem).toMatch(/cut off/);
	});

	it('is fatal when the file is not an array', async () => {
		await fatal(write('object.json', '{"ticket_id":"T1"}'), 'json');
	});

	it('is fatal on an empty file', async () => {
		const e = await fatal(write('empty.json', ''), 'json');
		expect(e.problem).toMatch(/empty/);
	});

	it('is fatal on invalid UTF-8 bytes', async () => {
		const bytes = Buffer.concat([Buffer.from('[{"ticket_id":"T'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]);
		const e = await fatal(write('bad.json', bytes), 'json');
		expect(e.problem).toMatch(/UTF-8/);
	});
});

describe('readRecords: NDJSON', () => {
	it('reads one record per line, skipping blank lines but counting them', async () => {
		const nd = '{"ticket_id":"T1"}\n\n{"ticket_id":"T2"}\r\n{"ticket_id":"T3"}';
		const r = await read(write('t.ndjson', nd), 'ndjson');
		expect(r.header).toEqual(['ticket_id']);
		expect(r.records).toEqual([
			{ line: 1, fields: { ticket_id: 'T1' } },
			{ line: 3, fields: { ticket_id: 'T2' } },
			{ line: 4, fields: { ticket_id: 'T3' } }
		]);
	});

	it('reports a line that is not valid JSON as a bad record with its line, and goes on', async () => {
		const nd = '{"ticket_id":"T1"}\n{"ticket_id": T2}\n{"ticket_id":"T3"}\n';
		const r = await read(write('bad.ndjson', nd), 'ndjson');
		expect(lines(r)).toEqual([1, 3]);
		expect(r.bad).toHaveLength(1);
		expect(r.bad[0].line).toBe(2);
		expect(r.bad[0].reason).toMatch(/invalid JSON/);
	});

	it('is fatal on invalid UTF-8 bytes', async () => {
		const bytes = Buffer.concat([Buffer.from('{"ticket_id":"T1"}\n{"ticket_id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
		const e = await fatal(write('bad-utf8.ndjson', bytes), 'ndjson');
		expect(e.problem).toMatch(/UTF-8/);
	});
});

describe('detectFormat', () => {
	it('goes by the extension', async () => {
		expect(await detectFormat(write('a.csv', '[not json'))).toBe('csv');
		expect(await detectFormat(write('a.ndjson', '[1]'))).toBe('ndjson');
		expect(await detectFormat(write('a.jsonl', '{}'))).toBe('ndjson');
	});

	it('looks at the first character otherwise', async () => {
		expect(await detectFormat(write('a.json', '\uFEFF  [\n{}]'))).toBe('json');
		expect(await detectFormat(write('a.json', '{"a":1}\n{"a":2}\n'))).toBe('ndjson');
		expect(await detectFormat(write('upload', 'ticket_id,created_at\n'))).toBe('csv');
		expect(await detectFormat(write('upload', '[{"ticket_id":"T1"}]'))).toBe('json');
	});
});
