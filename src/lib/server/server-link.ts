// How a CLI process and a running server share one DuckDB file. DuckDB lets one process write
// a file, so the server leaves a note beside the database (<db>.server.json) while it runs;
// the CLI reads it and hands its import to the server over HTTP instead of opening the file.
// The note holds a random token, readable only by the file's owner, that the server accepts as
// an administrator: whoever can read the note can read the database beside it anyway.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { ImportFatalError, type ImportProgress, type ImportSource, type ImportSummary } from './import.ts';
import type { ExportOptions, ImportJob } from './import-jobs.ts';
import type { BackupSummary } from './backup.ts';

export interface ServerInfo {
	pid: number;
	url: string;
	db: string;
	startedAt: string;
	/** Bearer token the server accepts from command-line clients on this machine. */
	token: string;
}

export function newLinkToken(): string {
	return randomBytes(32).toString('base64url');
}

/** Headers that authenticate a command-line request to the running server. */
export function linkHeaders(server: Pick<ServerInfo, 'token'>): Record<string, string> {
	return { authorization: `Bearer ${server.token}` };
}

export function serverInfoPath(db: string): string {
	return `${db}.server.json`;
}

export function writeServerInfo(info: ServerInfo): void {
	const file = serverInfoPath(info.db);
	fs.rmSync(file, { force: true });
	fs.writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
}

export function removeServerInfo(db: string): void {
	const file = serverInfoPath(db);
	try {
		const info = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerInfo;
		if (info.pid === process.pid) fs.rmSync(file);
	} catch {
		// Already gone, or written by another server: not ours to remove.
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The server that holds `db`, if one is running and answers. */
export async function findRunningServer(db: string): Promise<ServerInfo | null> {
	let info: ServerInfo;
	try {
		info = JSON.parse(fs.readFileSync(serverInfoPath(db), 'utf8')) as ServerInfo;
	} catch {
		return null;
	}
	if (!alive(info.pid) || info.pid === process.pid) return null;
	try {
		const res = await fetch(new URL('/api/health', info.url), { headers: linkHeaders(info), signal: AbortSignal.timeout(3000) });
		if (!res.ok) return null;
		const health = (await res.json()) as { db?: string };
		return health.db === db ? info : null;
	} catch {
		return null;
	}
}

async function upload(server: ServerInfo, file: string): Promise<string> {
	const url = new URL('/api/uploads', server.url);
	url.searchParams.set('name', path.basename(file));
	const res = await fetch(url, {
		method: 'POST',
		headers: { ...linkHeaders(server), 'content-type': 'application/octet-stream', 'content-length': String(fs.statSync(file).size) },
		body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
		duplex: 'half'
	} as RequestInit);
	const body = (await res.json()) as { id?: string; message?: string };
	if (!res.ok || !body.id) throw new ImportFatalError(path.basename(file), body.message ?? `upload failed (HTTP ${res.status})`);
	return body.id;
}

/** Sends the files to the running server's import queue and waits for the result. */
export async function importThroughServer(
	server: ServerInfo,
	files: { ticketsFile: string; eventsFile?: string; source: ImportSource; export?: ExportOptions },
	onProgress?: (p: ImportProgress) => void
): Promise<ImportSummary> {
	const tickets = await upload(server, files.ticketsFile);
	const events = files.eventsFile ? await upload(server, files.eventsFile) : undefined;
	const res = await fetch(new URL('/api/imports', server.url), {
		method: 'POST',
		headers: { ...linkHeaders(server), 'content-type': 'application/json', origin: new URL(server.url).origin },
		body: JSON.stringify({ tickets, events, source: files.source, ...(files.export ? { export: files.export } : {}) })
	});
	let job = (await res.json()) as ImportJob & { message?: string };
	if (!res.ok) throw new Error(job.message ?? `the server refused the import (HTTP ${res.status})`);
	while (job.state === 'queued' || job.state === 'running') {
		await new Promise((r) => setTimeout(r, 250));
		const poll = await fetch(new URL(`/api/imports/jobs/${job.id}`, server.url), { headers: linkHeaders(server) });
		job = (await poll.json()) as ImportJob;
		if (job.progress) onProgress?.(job.progress);
	}
	if (job.state === 'failed') {
		throw job.error?.file ? new ImportFatalError(job.error.file, job.error.problem) : new Error(job.error?.problem ?? 'import failed');
	}
	if (!job.summary) throw new Error('the server finished the import without a summary');
	return job.summary;
}

/** Asks the running server for a backup (it copies between two queued writes) and waits for it. */
export async function backupThroughServer(server: ServerInfo, out?: string): Promise<BackupSummary> {
	const res = await fetch(new URL('/api/backup', server.url), {
		method: 'POST',
		headers: { ...linkHeaders(server), 'content-type': 'application/json', origin: new URL(server.url).origin },
		body: JSON.stringify(out ? { out } : {})
	});
	const body = (await res.json().catch(() => ({}))) as Partial<BackupSummary> & { message?: string };
	if (!res.ok || !body.file) throw new Error(body.message ?? `the server at ${server.url} did not make the backup (HTTP ${res.status}); if it runs an older Handoff, restart it`);
	return body as BackupSummary;
}
