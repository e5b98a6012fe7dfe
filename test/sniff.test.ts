// The type sniffer on hand-made first bytes: each binary signature, the UTF-16/32 byte order
// marks, NUL bytes and invalid UTF-8 are refused with a message that says what to do, while
// UTF-8 text (BOM, CRLF, accents, emoji, a character cut by the 64 KiB window) passes.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, sniffBytes, sniffFile, SNIFF_BYTES, type Sniff } from '../src/lib/server/sniff.ts';
import { ROOT, tempDir } from './helpers.ts';

const bytes = (...parts: (string | number[] | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const problem = (s: Sniff) => (s.ok ? null : s.problem);
const sniff = (b: Uint8Array, complete = true) => problem(sniffBytes(b, complete));

describe('sniffBytes(): binary formats by their signature', () => {
	const cases: [string, Buffer, RegExp][] = [
		['an .xlsx workbook (zip)', bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0], '[Content_Types].xml'), /Excel workbook or zip archive: export it as CSV/],
		['an empty zip', bytes([0x50, 0x4b, 0x05, 0x06], [0, 0, 0, 0]), /Excel workbook or zip archive/],
		['an old .xls (OLE2)', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /old Excel \(\.xls\)/],
		['gzip', bytes([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), /gzip-compressed: unpack it/],
		['zstd', bytes([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58]), /zstd-compressed/],
		['xz', bytes([0xfd], '7zXZ', [0, 0, 4]), /xz-compressed/],
		['7-Zip', bytes('7z', [0xbc, 0xaf, 0x27, 0x1c, 0, 4]), /7-Zip archive/],
		['bzip2', bytes('BZh91AY&SY', [0xd2, 0x3c, 0x00]), /bzip2-compressed/],
		['PDF', bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'), /PDF document/],
		['PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), /image \(PNG\)/],
		['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), /image \(JPEG\)/],
		['GIF', bytes('GIF89a', [1, 0, 1, 0, 0x80, 0]), /image \(GIF\)/],
		['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), /image \(WebP\)/],
		['ELF', bytes([0x7f], 'ELF', [2, 1, 1, 0]), /ELF executable/],
		['a Windows .exe', bytes('MZ', [0x90, 0, 3, 0, 0, 0]), /Windows executable/],
		['Mach-O', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), /Mach-O/],
		['SQLite', bytes('SQLite format 3', [0, 0x10, 0]), /SQLite database/],
		['DuckDB', bytes([1, 2, 3, 4, 5, 6, 7, 0], 'DUCK', [0x40, 0, 0, 0]), /DuckDB database file/],
		['Parquet', bytes('PAR1', [0x15, 0x04, 0x15, 0x00]), /Parquet file/]
	];
	for (const [what, head, message] of cases) {
		it(`refuses ${what}`, () => {
			expect(sniff(head)).toMatch(message);
			// The window may end anywhere in a large file: the verdict is the same.
			expect(sniff(head, false)).toMatch(message);
		});
	}

	it('reads signatures made of letters as text when the file is text ("MZ", "PAR1", "BZh" headers)', () => {
		expect(sniff(bytes('MZ_code,ticket_id,created_at\nA,T1,2026-03-02\n'))).toBeNull();
		expect(sniff(bytes('PAR1,ticket_id\n1,T1\n'))).toBeNull();
		expect(sniff(bytes('BZh,ticket_id\n1,T1\n'))).toBeNull();
		expect(sniff(bytes('abcdefghDUCK,ticket_id\n1,T1\n'))).toBeNull();
	});

	it('refuses HTML, XML and RTF documents saved with a .csv or .xls name', () => {
		expect(sniff(bytes('\uFEFF  <!DOCTYPE html>\n<html><table>'))).toMatch(/web page \(HTML\)/);
		expect(sniff(bytes('<html xmlns:o="urn:schemas-microsoft-com:office:office">'))).toMatch(/web page \(HTML\)/);
		expect(sniff(bytes('<?xml version="1.0"?>\n<Workbook>'))).toMatch(/XML document/);
		expect(sniff(bytes('{\\rtf1\\ansi '))).toMatch(/RTF/);
	});
});

describe('sniffBytes(): encodings', () => {
	it('refuses UTF-16 and UTF-32 by their byte order marks, asking for UTF-8', () => {
		const text = 'ticket_id,created_at\r\n';
		const le16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
		const be16 = Buffer.from(le16).swap16();
		expect(sniff(le16)).toMatch(/is UTF-16 text: save it as UTF-8/);
		expect(sniff(be16)).toMatch(/is UTF-16 text: save it as UTF-8/);
		const le32 = bytes([0xff, 0xfe, 0, 0, 0x74, 0, 0, 0]);
		const be32 = bytes([0, 0, 0xfe, 0xff, 0, 0, 0, 0x74]);
		expect(sniff(le32)).toMatch(/is UTF-32 text: save it as UTF-8/);
		expect(sniff(be32)).toMatch(/is UTF-32 text: save it as UTF-8/);
	});

	it('recognises UTF-16 without a byte order mark by its NUL bytes', () => {
		expect(sniff(Buffer.from('ticket_id,created_at\nT1,2026-03-02\n', 'utf16le'))).toMatch(/looks like UTF-16 text.*save it as UTF-8/);
		expect(sniff(Buffer.from('ticket_id,created_at\nT1,2026-03-02\n', 'utf16le').swap16())).toMatch(/looks like UTF-16 text/);
	});

	it('refuses a NUL byte, naming its line', () => {
		expect(sniff(bytes('ticket_id,subject\nT1,ok\nT2,bad', [0], 'x\n'))).toBe(
			'contains binary data (a NUL byte on line 3), so it is not a CSV or JSON text export'
		);
	});

	it('refuses invalid UTF-8 (Latin-1 text), naming its line', () => {
		expect(sniff(bytes('ticket_id,subject\nT1,caf', [0xe9], '\n'))).toBe(
			'is not UTF-8 text (an invalid byte on line 2): save the export as UTF-8 (in Excel: CSV UTF-8) and import that'
		);
	});

	it('refuses overlong forms, UTF-16 surrogates and code points above U+10FFFF', () => {
		for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xc3, 0x28]]) {
			expect(sniff(bytes('a,b\n', bad, '\n')), bad.join(' ')).toMatch(/is not UTF-8 text/);
		}
	});

	it('passes UTF-8 text: BOM, CRLF, accents, emoji, CJK, JSON and NDJSON', () => {
		expect(sniff(bytes('\uFEFFticket_id,created_at\r\nT1,2026-03-02T09:00:00Z\r\n'))).toBeNull();
		expect(sniff(bytes('ticket_id,subject\nT1,Grüße – café 😀 日本語 ñ\n'))).toBeNull();
		expect(sniff(bytes('ticket_id\tsubject\nT1\tZoë\n'))).toBeNull();
		expect(sniff(bytes('[{"ticket_id":"T1","subject":"Ünïcödé 🎉"}]'))).toBeNull();
		expect(sniff(bytes('{"ticket_id":"T1"}\n{"ticket_id":"T2"}\n'))).toBeNull();
		expect(sniff(bytes(''))).toBeNull(); // empty: the reader says "is empty"
	});

	it('does not count a character cut by the end of the window, but does at the end of the file', () => {
		const emoji = Buffer.from('😀', 'utf8'); // 4 bytes
		const euro = Buffer.from('€', 'utf8'); // 3 bytes
		const e = Buffer.from('é', 'utf8'); // 2 bytes
		for (const ch of [emoji, euro, e]) {
			for (let cut = 1; cut < ch.length; cut++) {
				const head = bytes('ticket_id,subject\nT1,', ch.subarray(0, cut));
				expect(sniff(head, false)).toBeNull();
				expect(sniff(head, true)).toMatch(/is not UTF-8 text/);
			}
		}
		// A lead byte followed by a byte that cannot continue it is wrong even at the cut.
		expect(sniff(bytes('a,b\n', [0xe2, 0x41]), false)).toMatch(/is not UTF-8 text/);
	});

	it('agrees with a strict TextDecoder on any bytes', () => {
		const strict = new TextDecoder('utf-8', { fatal: true });
		fc.assert(
			fc.property(
				fc.oneof(
					fc.uint8Array({ maxLength: 64 }),
					// mostly valid text with a stray byte here and there
					fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.uint8Array({ maxLength: 3 }), fc.string({ maxLength: 10 })).map(([a, b, c]) => bytes(a, [...b], c))
				),
				(b) => {
					let valid = true;
					try {
						strict.decode(b);
					} catch {
						valid = false;
					}
					expect(firstInvalidUtf8(b, true) === -1).toBe(valid);
				}
			),
			{ seed: 20260311, numRuns: 2000 }
		);
	});
});

describe('sniffFile()', () => {
	it('passes a file larger than the window whose window ends inside a character', async () => {
		const dir = tempDir();
		try {
			const prefix = 'ticket_id,subject\n' + 'T1,'.padEnd(SNIFF_BYTES - 20, 'x');
			const at = Buffer.byteLength(prefix);
			// The emoji starts 2 bytes before the window's end: the window holds half of it.
			const file = path.join(dir, 'big.csv');
			const body = Buffer.concat([Buffer.from(prefix), Buffer.alloc(SNIFF_BYTES - 2 - at, 'y'), Buffer.from('😀\n' + 'T2,z\n'.repeat(100))]);
			expect(body[SNIFF_BYTES - 1]).toBeGreaterThanOrEqual(0x80);
			fs.writeFileSync(file, body);
			expect(await sniffFile(file)).toEqual({ ok: true });
			// The same bytes cut off there for good are a broken file.
			fs.writeFileSync(file, body.subarray(0, SNIFF_BYTES));
			expect(problem(await sniffFile(file))).toMatch(/is not UTF-8 text/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('passes every export fixture', async () => {
		const fixtures = path.join(ROOT, 'test', 'fixtures', 'adapters');
		const files = fs.readdirSync(fixtures);
		expect(files.length).toBeGreaterThan(5);
		for (const f of files) expect(await sniffFile(path.join(fixtures, f)), f).toEqual({ ok: true });
	});
});
