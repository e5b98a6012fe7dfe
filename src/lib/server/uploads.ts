// Uploaded export files: streamed to disk beside the database, never buffered whole, with a
// size limit, and refused early when the first bytes show a workbook, an archive or other
// binary (sniff.ts). An import refers to an upload by its id; the file is deleted once imported.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath } from './db.ts';
import { sniffBytes, SNIFF_BYTES } from './sniff.ts';

export interface Upload {
	id: string;
	name: string;
	bytes: number;
	sha256: string;
}

export class UploadError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

const ID = /^[0-9a-f-]{36}$/;

/** HANDOFF_MAX_UPLOAD_MB, default 1024 MB per file. */
export function maxUploadBytes(): number {
	const mb = Number(process.env.HANDOFF_MAX_UPLOAD_MB ?? 1024);
	return (Number.isFinite(mb) && mb > 0 ? mb : 1024) * 1024 * 1024;
}

export function uploadsDir(): string {
	return path.join(path.dirname(dbPath()), 'uploads');
}

export function uploadFile(id: string): string {
	if (!ID.test(id)) throw new UploadError(400, `"${id}" is not an upload id`);
	return path.join(uploadsDir(), `${id}.upload`);
}

export function readUpload(id: string): Upload {
	const file = uploadFile(id);
	try {
		return JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Upload;
	} catch {
		throw new UploadError(404, `upload ${id} does not exist (uploads are deleted once imported)`);
	}
}

export function removeUpload(id: string): void {
	const file = uploadFile(id);
	fs.rmSync(file, { force: true });
	fs.rmSync(`${file}.json`, { force: true });
}

/**
 * Streams a request body to disk; over the limit, stops reading (413); when its first bytes
 * are not a text export, keeps none of it (415). Either way leaves nothing behind.
 */
export async function saveUpload(body: ReadableStream<Uint8Array> | null, name: string, declaredBytes?: number): Promise<Upload> {
	const limit = maxUploadBytes();
	const cleanName = path.basename(name || 'upload').slice(0, 200);
	const mb = Math.round(limit / 1024 / 1024);
	if (!body) throw new UploadError(400, 'the upload is empty (send the file as the request body, with a content-type such as application/octet-stream)');
	if (declaredBytes !== undefined && declaredBytes > limit) {
		throw new UploadError(413, `${cleanName} is larger than the upload limit of ${mb} MB (HANDOFF_MAX_UPLOAD_MB)`);
	}
	fs.mkdirSync(uploadsDir(), { recursive: true });
	const id = crypto.randomUUID();
	const file = uploadFile(id);
	const out = fs.createWriteStream(file);
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	// The first SNIFF_BYTES, kept until they are judged (then `head` is null).
	let head: Buffer[] | null = [];
	let refused: UploadError | null = null;
	const judge = (complete: boolean): UploadError | null => {
		const s = sniffBytes(Buffer.concat(head ?? []).subarray(0, SNIFF_BYTES), complete);
		head = null;
		return s.ok ? null : new UploadError(415, `${cleanName} ${s.problem}`);
	};
	try {
		const reader = body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			bytes += value.byteLength;
			if (bytes > limit) {
				await reader.cancel();
				throw refused ?? new UploadError(413, `${cleanName} is larger than the upload limit of ${mb} MB (HANDOFF_MAX_UPLOAD_MB)`);
			}
			// A refused file is read to its end but not kept: a client still sending when the
			// connection is cut would see a reset instead of the 415 and its message.
			if (refused) continue;
			if (head) {
				head.push(Buffer.from(value));
				if (bytes >= SNIFF_BYTES) refused = judge(false);
				if (refused) continue;
			}
			hash.update(value);
			if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
		}
		if (head) refused = judge(true);
		if (refused) throw refused;
		await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
	} catch (err) {
		// The stream opens its file asynchronously: removed before that, the file would reappear.
		await new Promise<void>((r) => {
			if (out.closed) return r();
			out.once('close', () => r());
			out.destroy();
		});
		fs.rmSync(file, { force: true });
		throw err;
	}
	const upload: Upload = { id, name: cleanName, bytes, sha256: hash.digest('hex') };
	fs.writeFileSync(`${file}.json`, JSON.stringify(upload));
	return upload;
}
