// Backups and restores of the database file. A backup is DuckDB's own copy of every table,
// sequence and row (COPY FROM DATABASE) into a new single .duckdb file, taken in one
// transaction, written under a temporary name and renamed only once complete. A restore checks
// that a file is a Handoff database this build can read, moves the current file aside (so it
// can be undone) and puts a copy in its place. Who may ask for either is the caller's business
// (the CLI, or /api/backup inside the server's write queue).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { closeInstance, DatabaseLockedError, getInstance, LOCK_CONFLICT, query, schemaVersion, withConnection } from './db.ts';
import { MIGRATIONS } from './migrations.ts';
import { findRunningServer } from './server-link.ts';

/** A refusal with a message for the user; nothing was changed. */
export class BackupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BackupError';
	}
}

export interface BackupSummary {
	file: string;
	bytes: number;
	seconds: number;
	schemaVersion: number;
	/** Rows per table, as copied. */
	tables: Record<string, number>;
}

export interface RestoreSummary {
	file: string;
	db: string;
	/** Where the database that was replaced now is, or null when there was none. */
	movedAside: string | null;
	/** The backup's schema version, and the version after the migrations ran on it. */
	fromVersion: number;
	schemaVersion: number;
	tables: Record<string, number>;
	seconds: number;
}

/** 20261126-185700: UTC, sortable, safe in a file name. */
export function fileStamp(at = new Date()): string {
	return at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** The default backup: handoff-backup-YYYYMMDD-HHMMSS.duckdb (UTC) beside the database. */
export function defaultBackupPath(db: string, at = new Date()): string {
	return path.join(path.dirname(db), `handoff-backup-${fileStamp(at)}.duckdb`);
}

// ATTACH, COPY and CHECKPOINT cannot take bound parameters (DuckDB's parser refuses `ATTACH $p`),
// so the values they need are made trusted instead: a file path is refused unless it holds no
// quote or control character (then it cannot leave its literal), aliases are generated here,
// and catalog names come from DuckDB itself and are quoted as identifiers.
function pathLiteral(file: string): string {
	if (/['\u0000-\u001f\u007f]/.test(file)) throw new BackupError(`${JSON.stringify(file)}: a backup path may not hold a quote (') or a control character; choose another name`);
	return `'${file}'`;
}
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function tableCounts(conn: DuckDBConnection, catalog: string): Promise<Record<string, number>> {
	const names = await query<{ name: string }>(
		conn,
		`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = $catalog AND schema_name = 'main' AND NOT temporary ORDER BY table_name`,
		{ catalog }
	);
	const out: Record<string, number> = {};
	for (const { name } of names) {
		const [r] = await query<{ n: number }>(conn, `SELECT count(*)::BIGINT::DOUBLE AS n FROM ${ident(catalog)}.main.${ident(name)}`);
		out[name] = Number(r.n);
	}
	return out;
}

async function catalogVersion(conn: DuckDBConnection, catalog: string): Promise<number | null> {
	const [has] = await query(conn, `SELECT 1 FROM duckdb_tables() WHERE database_name = $catalog AND schema_name = 'main' AND table_name = 'schema_migrations'`, { catalog });
	if (!has) return null;
	const [r] = await query<{ v: number }>(conn, `SELECT coalesce(max(version), 0)::INTEGER AS v FROM ${ident(catalog)}.main.schema_migrations`);
	return Number(r.v);
}

/** A private in-memory DuckDB with `file` attached read-only as `src`: never changes the file. */
async function withReadOnly<T>(file: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
	const literal = pathLiteral(file);
	const instance = await DuckDBInstance.create(':memory:', { memory_limit: process.env.HANDOFF_MEMORY_LIMIT ?? '768MB' });
	const conn = await instance.connect();
	try {
		try {
			await conn.run(`ATTACH ${literal} AS src (TYPE duckdb, READ_ONLY)`);
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			if (LOCK_CONFLICT.test(message)) throw new DatabaseLockedError(file, err);
			if (/not a valid DuckDB database/i.test(message)) throw new BackupError(`${file} is not a Handoff database (not a DuckDB file)`);
			throw new BackupError(`${file} cannot be opened: ${message}`);
		}
		return await fn(conn);
	} finally {
		conn.closeSync();
		instance.closeSync();
	}
}

/**
 * Writes `target` through `write(tmp)`, which must leave a complete file at `tmp`: a crash or
 * an error leaves at most a *.partial file, never a half backup under the final name.
 */
async function writeAtomically<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
	if (!target.endsWith('.duckdb')) throw new BackupError(`a backup file's name ends in .duckdb (got ${target})`);
	pathLiteral(target); // refused before anything is written
	if (fs.existsSync(target)) throw new BackupError(`${target} exists already: a backup never overwrites a file, choose another --out`);
	if (!fs.statSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory()) throw new BackupError(`there is no directory ${path.dirname(target)}`);
	const tmp = `${target}.${crypto.randomBytes(4).toString('hex')}.partial`;
	try {
		const out = await write(tmp);
		// The copy is checkpointed and detached, so the file alone holds everything.
		if (fs.existsSync(`${tmp}.wal`)) throw new Error(`the copy left a write-ahead log (${tmp}.wal) behind`);
		if (fs.existsSync(target)) throw new BackupError(`${target} appeared while the backup ran; the backup is not kept`);
		fs.renameSync(tmp, target);
		return out;
	} finally {
		fs.rmSync(tmp, { force: true });
		fs.rmSync(`${tmp}.wal`, { force: true });
	}
}

/** COPY FROM DATABASE `catalog` into a new file `tmp`, in one transaction: one instant's data. */
async function copyCatalog(conn: DuckDBConnection, catalog: string, tmp: string): Promise<{ tables: Record<string, number>; schemaVersion: number }> {
	const alias = `handoff_backup_${crypto.randomBytes(4).toString('hex')}`;
	await conn.run(`ATTACH ${pathLiteral(tmp)} AS ${alias} (TYPE duckdb)`);
	try {
		await conn.run('BEGIN TRANSACTION');
		let out;
		try {
			await conn.run(`COPY FROM DATABASE ${ident(catalog)} TO ${alias}`);
			out = { tables: await tableCounts(conn, alias), schemaVersion: (await catalogVersion(conn, alias)) ?? 0 };
			await conn.run('COMMIT');
		} catch (err) {
			await conn.run('ROLLBACK');
			throw err;
		}
		await conn.run(`CHECKPOINT ${alias}`);
		return out;
	} finally {
		await conn.run(`DETACH ${alias}`);
	}
}

async function summarize(file: string, started: number, copied: { tables: Record<string, number>; schemaVersion: number }): Promise<BackupSummary> {
	return { file, bytes: fs.statSync(file).size, seconds: (performance.now() - started) / 1000, ...copied };
}

/**
 * Backs up `db` from inside the process that has it open (the server): call it inside the
 * write queue, so no import is half-way, and the copy is still one snapshot of the data.
 */
export async function backupOpenDatabase(out: string, db: string): Promise<BackupSummary> {
	const target = path.resolve(out);
	const started = performance.now();
	const copied = await writeAtomically(target, (tmp) =>
		withConnection(async (conn) => {
			const [{ name }] = await query<{ name: string }>(conn, 'SELECT current_database() AS name');
			return copyCatalog(conn, name, tmp);
		}, db)
	);
	return summarize(target, started, copied);
}

/** Backs up `db` when no process holds it, reading it read-only: the file is left exactly as it was. */
export async function backupFile(out: string, db: string): Promise<BackupSummary> {
	const target = path.resolve(out);
	if (!fs.existsSync(db)) throw new BackupError(`there is no database at ${db}`);
	const started = performance.now();
	const copied = await writeAtomically(target, (tmp) =>
		withReadOnly(db, async (conn) => {
			if ((await catalogVersion(conn, 'src')) === null) throw new BackupError(`${db} is not a Handoff database (it has no schema_migrations table)`);
			return copyCatalog(conn, 'src', tmp);
		})
	);
	return summarize(target, started, copied);
}

/** What a backup file holds, after checking that this build can open it. */
export async function inspectBackup(file: string): Promise<{ schemaVersion: number; tables: Record<string, number> }> {
	if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new BackupError(`there is no file ${file}`);
	// A backup is one file; a database with a write-ahead log beside it is a live one.
	if (fs.existsSync(`${file}.wal`)) throw new BackupError(`${file} has unsaved changes in ${file}.wal: make a backup of it with 'handoff backup --db ${file}' and restore that`);
	return withReadOnly(file, async (conn) => {
		const version = await catalogVersion(conn, 'src');
		if (version === null || version < 1) throw new BackupError(`${file} is not a Handoff database (it has no schema_migrations table)`);
		if (version > MIGRATIONS.length) {
			throw new BackupError(`${file} was made by a newer Handoff (schema version ${version}; this one knows up to ${MIGRATIONS.length}): upgrade Handoff to restore it`);
		}
		return { schemaVersion: version, tables: await tableCounts(conn, 'src') };
	});
}

/** True when the database holds anything a user made: tickets, imports, reviews, mappings. */
async function holdsData(db: string): Promise<boolean> {
	return withReadOnly(db, async (conn) => {
		const counts = await tableCounts(conn, 'src');
		return Object.entries(counts).some(([t, n]) => n > 0 && t !== 'schema_migrations' && t !== 'app_meta');
	});
}

/**
 * Replaces `db` with a copy of the backup `file`. Refuses while a server or another process
 * holds `db`, and refuses to replace a database that holds data unless `force`. The current
 * file is renamed to <db>.before-restore-<UTC stamp>; if the copy then fails to open (or to
 * migrate), it is put back.
 */
export async function restoreDatabase(file: string, db: string, opts: { force?: boolean } = {}): Promise<RestoreSummary> {
	const started = performance.now();
	const source = path.resolve(file);
	if (source === db) throw new BackupError(`${source} is the database itself`);
	const backup = await inspectBackup(source);
	const server = await findRunningServer(db);
	if (server) throw new BackupError(`${db} is served at ${server.url} (pid ${server.pid}): stop the server first`);
	const exists = fs.existsSync(db);
	if (!exists && fs.existsSync(`${db}.wal`)) throw new BackupError(`${db}.wal is left without its database: move it away first`);
	if (exists) {
		let full: boolean;
		try {
			full = await holdsData(db);
		} catch (err) {
			// A database another process has open is never replaced; an unreadable file only with --force.
			if (err instanceof DatabaseLockedError) throw new BackupError(`${db} is open in another process (a server or an import): stop it first`);
			if (!opts.force) throw err;
			full = true;
		}
		if (full && !opts.force) throw new BackupError(`${db} already holds data: add --force to replace it (it is kept as ${path.basename(db)}.before-restore-<time>)`);
	}
	const aside = exists ? `${db}.before-restore-${fileStamp()}` : null;
	if (aside && fs.existsSync(aside)) throw new BackupError(`${aside} exists already: wait a second and try again`);
	// The long copy goes to a side name first: the database is only missing between two renames.
	const placing = `${db}.restoring`;
	fs.mkdirSync(path.dirname(db), { recursive: true });
	try {
		fs.copyFileSync(source, placing);
	} catch (err) {
		fs.rmSync(placing, { force: true });
		throw err;
	}
	if (aside) {
		fs.renameSync(db, aside);
		if (fs.existsSync(`${db}.wal`)) fs.renameSync(`${db}.wal`, `${aside}.wal`);
	}
	try {
		fs.renameSync(placing, db);
		// Opening runs the migrations this build has and the backup lacks.
		await getInstance(db);
		const version = await withConnection(schemaVersion, db);
		await closeInstance(db);
		return { file: source, db, movedAside: aside, fromVersion: backup.schemaVersion, schemaVersion: version, tables: backup.tables, seconds: (performance.now() - started) / 1000 };
	} catch (err) {
		await closeInstance(db).catch(() => undefined);
		fs.rmSync(placing, { force: true });
		fs.rmSync(db, { force: true });
		fs.rmSync(`${db}.wal`, { force: true });
		if (aside) {
			fs.renameSync(aside, db);
			if (fs.existsSync(`${aside}.wal`)) fs.renameSync(`${aside}.wal`, `${db}.wal`);
		}
		throw err;
	}
}
