// saveUpload() on streamed bodies cut into chunks the way a request arrives: a text export is
// kept byte for byte, a binary one is refused with 415 and a message naming it, and nothing of
// a refused upload stays on disk.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveUpload, uploadFile, uploadsDir, UploadError } from '../src/lib/server/uploads.ts';
import { SNIFF_BYTES } from '../src/lib/server/sniff.ts';
import { tempDir } from './helpers.ts';

let dir: string;
beforeEach(() => {
	dir = tempDir();
	vi.stubEnv('HANDOFF_DB', path.join(dir, 'h.duckdb'));
});
afterEach(() => {
	vi.unstubAllEnvs();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** A request body delivering `bytes` in chunks of `size`. */
function body(bytes: Buffer, size: number): ReadableStream<Uint8Array> {
	let at = 0;
	return new ReadableStream({
		pull(c) {
			if (at >= bytes.length) return c.close();
			c.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
			at += size;
		}
	});
}

async function refusal(p: Promise<unknown>): Promise<UploadError> {
	const err = await p.then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(UploadError);
	return err as UploadError;
}

/** The files in the uploads folder, once a file opened asynchronously would have appeared. */
async function left(): Promise<string[]> {
	await new Promise((r) => setTimeout(r, 100));
	return fs.existsSync(uploadsDir()) ? fs.readdirSync(uploadsDir()) : [];
}

describe('saveUpload()', () => {
	it('keeps a UTF-8 export whose window ends inside a character, arriving in odd-sized chunks', async () => {
		const text = Buffer.from('\uFEFFticket_id,subject\r\n' + 'T1,Grüße 😀 café\r\n'.repeat(10_000));
		expect(text.length).toBeGreaterThan(SNIFF_BYTES);
		const up = await saveUpload(body(text, 4_099), 'tickets.csv');
		expect(up).toMatchObject({ name: 'tickets.csv', bytes: text.length });
		expect(fs.readFileSync(uploadFile(up.id)).equals(text)).toBe(true);
	});

	it('refuses a small image with 415, naming it, and leaves no file behind', async () => {
		const png = Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG\r\n'), Buffer.from([0x1a, 0x0a, 0, 0, 0, 0x0d])]);
		const err = await refusal(saveUpload(body(png, 1_000), 'screenshot.png'));
		expect(err.status).toBe(415);
		expect(err.message).toBe('screenshot.png is an image (PNG), not a data export');
		expect(await left()).toEqual([]);
	});

	it('refuses a large workbook from its first bytes and leaves no file behind', async () => {
		const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2 * 1024 * 1024, 0x41)]);
		const err = await refusal(saveUpload(body(xlsx, 16 * 1024), 'Tickets.xlsx'));
		expect(err.status).toBe(415);
		expect(err.message).toContain('Tickets.xlsx looks like an Excel workbook or zip archive: export it as CSV');
		expect(await left()).toEqual([]);
	});

	it('refuses UTF-16 and invalid UTF-8 within the first 64 KiB', async () => {
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ticket_id\r\nT1\r\n', 'utf16le')]);
		expect((await refusal(saveUpload(body(utf16, 7), 'u.csv'))).message).toBe('u.csv is UTF-16 text: save it as UTF-8 (in Excel: Save As > CSV UTF-8) and import that');
		const latin1 = Buffer.from('ticket_id,subject\nT1,caf\xe9\n', 'latin1');
		expect((await refusal(saveUpload(body(latin1, 5), 'l.csv'))).message).toMatch(/^l\.csv is not UTF-8 text \(an invalid byte on line 2\)/);
		expect(await left()).toEqual([]);
	});
});
