// Decides from a file's first bytes whether it is a text export Handoff can read (UTF-8 CSV,
// TSV, JSON or NDJSON, with or without a BOM), so a workbook, an archive, a PDF or UTF-16 text
// is refused up front with a message that says what to do. Parsing is left to the readers.
import fs from 'node:fs';

/** How much of a file is looked at. */
export const SNIFF_BYTES = 64 * 1024;

export type Sniff = { ok: true } | { ok: false; problem: string };

const ZIP = 'looks like an Excel workbook or zip archive: export it as CSV (UTF-8), or unzip it and import the file inside';
const UTF16 = 'is UTF-16 text: save it as UTF-8 (in Excel: Save As > CSV UTF-8) and import that';
const UTF32 = 'is UTF-32 text: save it as UTF-8 and import that';

interface Magic {
	bytes: (number | null)[]; // null matches any byte
	at?: number;
	problem: string;
	/**
	 * Signatures made of ordinary letters ("MZ", "PAR1") could start a CSV header, so they only
	 * name the format of a file that is binary anyway (a NUL byte or invalid UTF-8).
	 */
	weak?: boolean;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const MAGICS: Magic[] = [
	{ bytes: [0x50, 0x4b, 0x03, 0x04], problem: ZIP },
	{ bytes: [0x50, 0x4b, 0x05, 0x06], problem: ZIP }, // an empty zip
	{ bytes: [0x50, 0x4b, 0x07, 0x08], problem: ZIP }, // a spanned zip
	{ bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], problem: 'looks like an old Excel (.xls) or Word file: export it as CSV (UTF-8)' },
	{ bytes: [0x1f, 0x8b], problem: 'is gzip-compressed: unpack it (gunzip) and import the file inside' },
	{ bytes: [0x28, 0xb5, 0x2f, 0xfd], problem: 'is zstd-compressed: unpack it and import the file inside' },
	{ bytes: [0xfd, ...ascii('7zXZ'), 0x00], problem: 'is xz-compressed: unpack it and import the file inside' },
	{ bytes: [...ascii('7z'), 0xbc, 0xaf, 0x27, 0x1c], problem: 'is a 7-Zip archive: unpack it and import the file inside' },
	{ bytes: ascii('Rar!\x1a\x07'), problem: 'is a RAR archive: unpack it and import the file inside' },
	{ bytes: ascii('BZh'), problem: 'is bzip2-compressed: unpack it and import the file inside', weak: true },
	{ bytes: ascii('%PDF-'), problem: 'is a PDF document, not a data export: export the tickets as CSV or JSON' },
	{ bytes: [0x89, ...ascii('PNG\r\n\x1a\n')], problem: 'is an image (PNG), not a data export' },
	{ bytes: [0xff, 0xd8, 0xff], problem: 'is an image (JPEG), not a data export' },
	{ bytes: ascii('GIF87a'), problem: 'is an image (GIF), not a data export' },
	{ bytes: ascii('GIF89a'), problem: 'is an image (GIF), not a data export' },
	{ bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')], problem: 'is an image (WebP), not a data export' },
	{ bytes: [0x7f, ...ascii('ELF')], problem: 'is a program (ELF executable), not a data export' },
	{ bytes: [0xcf, 0xfa, 0xed, 0xfe], problem: 'is a program (Mach-O executable), not a data export' },
	{ bytes: [0xce, 0xfa, 0xed, 0xfe], problem: 'is a program (Mach-O executable), not a data export' },
	{ bytes: [0xca, 0xfe, 0xba, 0xbe], problem: 'is a program (Mach-O or Java class file), not a data export' },
	{ bytes: ascii('MZ'), problem: 'is a program (Windows executable), not a data export', weak: true },
	{ bytes: ascii('SQLite format 3\0'), problem: 'is an SQLite database, not an export: export its tables as CSV' },
	{ bytes: ascii('DUCK'), at: 8, problem: 'is a DuckDB database file, not an export: export its tables as CSV', weak: true },
	{ bytes: ascii('PAR1'), problem: 'is a Parquet file: export it as CSV', weak: true }
];

function matches(head: Uint8Array, m: Magic): boolean {
	const at = m.at ?? 0;
	if (head.length < at + m.bytes.length) return false;
	return m.bytes.every((b, i) => b === null || head[at + i] === b);
}

/**
 * The offset of the first byte that is not valid UTF-8, or -1. When the bytes are only the
 * start of the file (`complete` false), a character cut off at the end is not an error.
 */
export function firstInvalidUtf8(b: Uint8Array, complete: boolean): number {
	const n = b.length;
	let i = 0;
	while (i < n) {
		const c = b[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		// The lead byte fixes the length and the allowed range of the second byte, which is
		// what rules out overlong forms, UTF-16 surrogates and code points above U+10FFFF.
		let need: number;
		let lo = 0x80;
		let hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c === 0xe0) lo = 0xa0;
			else if (c === 0xed) hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c === 0xf0) lo = 0x90;
			else if (c === 0xf4) hi = 0x8f;
		} else return i;
		for (let k = 1; k <= need; k++) {
			if (i + k >= n) return complete ? i : -1;
			const d = b[i + k];
			if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
		}
		i += need + 1;
	}
	return -1;
}

function lineAt(b: Uint8Array, offset: number): number {
	let line = 1;
	for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
	return line;
}

/** UTF-16 without a BOM: ASCII text in it has a NUL in every other byte. */
function looksUtf16(b: Uint8Array): boolean {
	const n = Math.min(b.length, 1024) & ~1;
	if (n < 4) return false;
	let even = 0;
	let odd = 0;
	for (let i = 0; i < n; i += 2) {
		if (b[i] === 0) even++;
		if (b[i + 1] === 0) odd++;
	}
	const pairs = n / 2;
	return (even > pairs * 0.6 && odd < pairs * 0.1) || (odd > pairs * 0.6 && even < pairs * 0.1);
}

const TEXT_DOCUMENTS: [RegExp, string][] = [
	[/^<\?xml/i, 'is an XML document, not CSV or JSON: export the data as CSV (UTF-8)'],
	[/^<(!doctype html|html)/i, 'is a web page (HTML), not CSV or JSON: some helpdesks save ".xls" exports as HTML; export as CSV instead'],
	[/^\{\\rtf/, 'is a rich-text (RTF) document, not CSV or JSON: export the data as CSV (UTF-8)']
];

/**
 * Judges the first bytes of a file. `complete` says whether `head` is the whole file (then a
 * multi-byte character cut off at the end is invalid; otherwise the cut is ours).
 */
export function sniffBytes(head: Uint8Array, complete: boolean): Sniff {
	const b = (i: number) => head[i];
	if (head.length >= 4 && b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return { ok: false, problem: UTF32 };
	if (head.length >= 4 && b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return { ok: false, problem: UTF32 };
	if (head.length >= 2 && ((b(0) === 0xff && b(1) === 0xfe) || (b(0) === 0xfe && b(1) === 0xff))) return { ok: false, problem: UTF16 };

	const nul = head.indexOf(0);
	const badByte = nul === -1 ? firstInvalidUtf8(head, complete) : -1;
	const binary = nul !== -1 || badByte !== -1;
	for (const m of MAGICS) if ((!m.weak || binary) && matches(head, m)) return { ok: false, problem: m.problem };

	if (nul !== -1) {
		if (looksUtf16(head)) return { ok: false, problem: 'looks like UTF-16 text (without a byte order mark): save it as UTF-8 and import that' };
		return { ok: false, problem: `contains binary data (a NUL byte on line ${lineAt(head, nul)}), so it is not a CSV or JSON text export` };
	}
	if (badByte !== -1) {
		return { ok: false, problem: `is not UTF-8 text (an invalid byte on line ${lineAt(head, badByte)}): save the export as UTF-8 (in Excel: CSV UTF-8) and import that` };
	}
	const start = new TextDecoder('utf-8').decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart();
	for (const [re, problem] of TEXT_DOCUMENTS) if (re.test(start)) return { ok: false, problem };
	return { ok: true };
}

/** Reads the first SNIFF_BYTES of a file and judges them; file-system errors are thrown. */
export async function sniffFile(file: string): Promise<Sniff> {
	const fh = await fs.promises.open(file, 'r');
	try {
		const { size } = await fh.stat();
		const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
		let got = 0;
		while (got < buf.length) {
			const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
			if (bytesRead === 0) break;
			got += bytesRead;
		}
		return sniffBytes(buf.subarray(0, got), got >= size);
	} finally {
		await fh.close();
	}
}
