// The server's import queue. Imports run one at a time in this process (DuckDB has one writer),
// while dashboards keep reading on other connections; callers poll a job for its progress.
// Backups wait in the same queue, so a backup never holds half an import.
import crypto from 'node:crypto';
import { backupOpenDatabase, defaultBackupPath, type BackupSummary } from './backup.ts';
import { dbPath } from './db.ts';
import { ImportFatalError, runImport, type ImportProgress, type ImportSource, type ImportSummary } from './import.ts';
import { readUpload, removeUpload, uploadFile } from './uploads.ts';
import { importExport } from './adapter-import.ts';
import type { AdapterId } from '../import/adapters/types.ts';

export interface ImportJob {
	id: string;
	state: 'queued' | 'running' | 'done' | 'failed';
	createdAt: string;
	files: { tickets: string; events: string | null };
	progress?: ImportProgress;
	summary?: ImportSummary;
	error?: { file: string | null; problem: string };
}

const jobs = new Map<string, ImportJob>();
let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every write queued before it; the server's only way to write. */
export function serializeWrite<T>(fn: () => Promise<T>): Promise<T> {
	const next = queue.then(fn, fn);
	queue = next.catch(() => undefined);
	return next;
}

/** Backs up the served database between two queued writes (default file: beside the database). */
export function backupInQueue(out?: string): Promise<BackupSummary> {
	const db = dbPath();
	return serializeWrite(() => backupOpenDatabase(out ?? defaultBackupPath(db), db));
}

export function getJob(id: string): ImportJob | undefined {
	return jobs.get(id);
}

export interface ExportOptions {
	format?: AdapterId;
	mapping?: string;
	dateOrder?: 'dmy' | 'mdy';
}

export function startImportJob(req: { tickets: string; events?: string; source: ImportSource; export?: ExportOptions }): ImportJob {
	const tickets = readUpload(req.tickets);
	const events = req.events ? readUpload(req.events) : null;
	const job: ImportJob = {
		id: crypto.randomUUID(),
		state: 'queued',
		createdAt: new Date().toISOString(),
		files: { tickets: tickets.name, events: events?.name ?? null }
	};
	jobs.set(job.id, job);
	// Keep the last 50 jobs for polling; history proper is the imports table.
	if (jobs.size > 50) jobs.delete(jobs.keys().next().value as string);
	void serializeWrite(async () => {
		job.state = 'running';
		try {
			job.summary = req.export
				? await importExport({
						file: uploadFile(tickets.id),
						name: tickets.name,
						format: req.export.format ?? null,
						mapping: req.export.mapping ?? null,
						dateOrder: req.export.dateOrder ?? null,
						source: req.source
					})
				: await runImport({
				ticketsFile: uploadFile(tickets.id),
				ticketsName: tickets.name,
				eventsFile: events ? uploadFile(events.id) : undefined,
				eventsName: events?.name,
				source: req.source,
				onProgress: (p) => (job.progress = p)
			});
			job.state = 'done';
		} catch (err) {
			job.state = 'failed';
			job.error =
				err instanceof ImportFatalError
					? { file: err.file, problem: err.problem }
					: { file: null, problem: err instanceof Error ? err.message : String(err) };
		} finally {
			removeUpload(tickets.id);
			if (events) removeUpload(events.id);
		}
	});
	return job;
}
