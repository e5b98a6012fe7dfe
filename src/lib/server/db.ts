// The one DuckDB instance of this process, on HANDOFF_DB, and its schema migrations.
// Everything that reads or writes the database goes through withConnection();
// the SQL of the migrations is the schema's single source of truth.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ensureFacts } from './facts.ts';
import { MIGRATIONS } from './migrations.ts';

export const DEFAULT_DB_PATH = 'data/handoff.duckdb';

export function dbPath(explicit?: string): string {
	return path.resolve(explicit || process.env.HANDOFF_DB || DEFAULT_DB_PATH);
}

const opened = new Map<string, Promise<DuckDBInstance>>();

/** DuckDB's words when another process holds the file (not any error that mentions a "Block"). */
export const LOCK_CONFLICT = /Could not set lock on file/;

/** Raised when another process holds the write lock on the database file. */
export class DatabaseLockedError extends Error {
	constructor(file: string, cause: unknown) {
		const detail = cause instanceof Error ? cause.message : String(cause);
		const pid = /PID (\d+)/.exec(detail)?.[1];
		super(
			`${file} is in use by another Handoff process${pid ? ` (pid ${pid})` : ''}. ` +
				`If it is the server, 'handoff import' sends the files to it; otherwise wait for the other import to finish.`
		);
		this.name = 'DatabaseLockedError';
	}
}

async function open(file: string): Promise<DuckDBInstance> {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	let instance: DuckDBInstance;
	try {
		// DuckDB spills to <db>.tmp beyond this, which keeps a 1M-ticket import's memory bounded.
		instance = await DuckDBInstance.fromCache(file, { memory_limit: process.env.HANDOFF_MEMORY_LIMIT ?? '768MB' });
	} catch (err) {
		if (err instanceof Error && LOCK_CONFLICT.test(err.message)) throw new DatabaseLockedError(file, err);
		throw err;
	}
	const conn = await instance.connect();
	try {
		await migrate(conn);
		await ensureFacts(conn);
	} finally {
		conn.closeSync();
	}
	return instance;
}

/** The process-wide instance for `file` (default HANDOFF_DB), opened and migrated on first use. */
export function getInstance(file = dbPath()): Promise<DuckDBInstance> {
	let p = opened.get(file);
	if (!p) {
		p = open(file);
		opened.set(file, p);
		p.catch(() => opened.delete(file));
	}
	return p;
}

export async function withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>, file = dbPath()): Promise<T> {
	const instance = await getInstance(file);
	const conn = await instance.connect();
	try {
		return await fn(conn);
	} finally {
		conn.closeSync();
	}
}

/**
 * Like withConnection, with `n` connections of the instance: statements on different
 * connections run side by side (each gets the instance's worker threads while it has work).
 * `fn` must have nothing left running on them when it settles.
 */
export async function withConnections<T>(n: number, fn: (conns: DuckDBConnection[]) => Promise<T>, file = dbPath()): Promise<T> {
	const instance = await getInstance(file);
	const conns: DuckDBConnection[] = [];
	try {
		for (let i = 0; i < n; i++) conns.push(await instance.connect());
		return await fn(conns);
	} finally {
		for (const c of conns) c.closeSync();
	}
}

/** Checkpoints and closes the instance so the file is self-contained and the lock is released. */
export async function closeInstance(file = dbPath()): Promise<void> {
	const p = opened.get(file);
	if (!p) return;
	opened.delete(file);
	const instance = await p;
	const conn = await instance.connect();
	try {
		await conn.run('CHECKPOINT');
	} finally {
		conn.closeSync();
	}
	instance.closeSync();
}

export async function schemaVersion(conn: DuckDBConnection): Promise<number> {
	const r = await conn.runAndReadAll('SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_migrations');
	return Number(r.getRowObjectsJS()[0].v);
}

/**
 * Applies the migrations the file has not seen yet, each in its own transaction, so a file
 * written by an older Handoff is upgraded in place and never recreated.
 */
export async function migrate(conn: DuckDBConnection, upTo = MIGRATIONS.length): Promise<void> {
	await conn.run(
		'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)'
	);
	const current = await schemaVersion(conn);
	const pending = MIGRATIONS.slice(current, upTo);
	for (const m of pending) {
		await conn.run('BEGIN TRANSACTION');
		try {
			await conn.run(m.sql);
			await conn.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
			await conn.run('COMMIT');
		} catch (err) {
			await conn.run('ROLLBACK');
			throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
		}
	}
	// Into the file itself, not only the write-ahead log: DuckDB 1.5 cannot replay an ALTER of a
	// table whose default calls nextval() (migration 5 alters audit_log), so a new database whose process
	// died before its first checkpoint would never open again.
	if (pending.length > 0) await conn.run('CHECKPOINT');
}

/** Runs a query and returns plain JS rows (bigint counts should be cast in SQL). */
export async function query<T = Record<string, unknown>>(
	conn: DuckDBConnection,
	sql: string,
	params?: Record<string, string | number | boolean | null> | (string | number | boolean | null)[]
): Promise<T[]> {
	const reader = await conn.runAndReadAll(sql, params as never);
	return reader.getRowObjectsJS() as T[];
}
