// Shared test helpers: temporary database files, the real CLI as a child process, and a
// fingerprint of every table so "the database is exactly as it was" can be asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { closeInstance, query, withConnection } from '../src/lib/server/db.ts';
import { runImport } from '../src/lib/server/import.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CLI = path.join(ROOT, 'bin', 'handoff.js');

export function tempDir(prefix = 'handoff-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Gives `fn` its own database file, closed and removed afterwards. */
export async function withDb<T>(fn: (db: string, dir: string) => Promise<T>): Promise<T> {
	const dir = tempDir();
	const db = path.join(dir, 'test.duckdb');
	try {
		return await fn(db, dir);
	} finally {
		await closeInstance(db);
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const TABLES = [
	'tickets', 'events', 'imports', 'import_rejects', 'app_meta', 'schema_migrations',
	'reviews', 'review_tickets', 'review_moments', 'review_findings', 'review_actions', 'audit_log',
	'users', 'sessions'
];

/**
 * Row count and an order-independent hash of every row, per table: the tables above, or with
 * 'all' every table the file has (the derived facts and the mappings too).
 */
export async function fingerprint(db: string, which: 'core' | 'all' = 'core'): Promise<Record<string, { rows: number; hash: string }>> {
	return withConnection(async (conn) => {
		const out: Record<string, { rows: number; hash: string }> = {};
		const tables =
			which === 'core'
				? TABLES
				: (await query<{ name: string }>(conn, `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY 1`)).map((r) => r.name);
		for (const t of tables) {
			// Table names come from the constant list above or the catalog, never from input.
			const [r] = await query<{ rows: number; hash: string }>(
				conn,
				`SELECT count(*)::INTEGER AS rows, coalesce(sum(hash(x))::VARCHAR, '0') AS hash FROM "${t}" x`
			);
			out[t] = { rows: Number(r.rows), hash: r.hash };
		}
		return out;
	}, db);
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the CLI to completion; `input`, when given, is its standard input. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], {
			cwd: ROOT,
			env: { ...process.env, ...env },
			stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
		});
		if (input !== undefined) child.stdin!.end(input);
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d) => (stdout += d));
		child.stderr!.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

/** Starts a CLI child and resolves once a line of its output matches `ready`. */
export function startCli(
	args: string[],
	ready: RegExp,
	env: Record<string, string> = {}
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		let done = false;
		const onData = (d: Buffer) => {
			output += d;
			const m = output.match(ready);
			if (m && !done) {
				done = true;
				resolve({ child, match: m, output: () => output });
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.on('exit', (code) => {
			if (!done) reject(new Error(`handoff ${args.join(' ')} exited with ${code} before ${ready}:\n${output}`));
		});
	});
}

/** Serves `db` with the built app (`npm run build` first) until stop(); an empty file gets demo data. */
export async function serve(db: string, env: Record<string, string> = {}): Promise<{ url: string; stop: () => Promise<void> }> {
	const { child, url } = await startServer(db, env);
	return {
		url,
		stop: async () => {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
		}
	};
}

/** Starts `handoff serve` (built web app, any free port) on `db`; needs `npm run build` first. */
export async function startServer(db: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
	const started = await startCli(['serve', '--no-build', '--port', '0', '--db', db], /serving .* at (http:\/\/\S+)/, env);
	return { child: started.child, url: started.match[1] };
}

/** Resolves once the child has exited and its output is read, with its exit code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
	return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** Writes a canonical tickets + events CSV pair of `n` tickets with 3 events each, quickly. */
export async function writeBulkCsv(dir: string, n: number, prefix = 'B'): Promise<{ tickets: string; events: string }> {
	const tickets = path.join(dir, `${prefix}-tickets.csv`);
	const events = path.join(dir, `${prefix}-events.csv`);
	const t = fs.createWriteStream(tickets);
	const e = fs.createWriteStream(events);
	t.write('ticket_id,created_at,resolved_at,priority,category,vip,csat_score,subject\n');
	e.write('ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger\n');
	const base = Date.UTC(2026, 0, 5);
	let tb = '';
	let eb = '';
	for (let i = 0; i < n; i++) {
		const created = new Date(base + i * 60_000).toISOString();
		const esc = new Date(base + i * 60_000 + 600_000).toISOString();
		const resolved = new Date(base + i * 60_000 + 3_600_000).toISOString();
		tb += `${prefix}${i},${created},${resolved},normal,billing,false,${(i % 5) + 1},"Subject, ${i}"\n`;
		eb += `${prefix}${i},${created},created,,,,\n${prefix}${i},${esc},escalated,1,2,functional,technical_complexity\n${prefix}${i},${resolved},resolved,,,,\n`;
		if (tb.length > 1 << 20) {
			t.write(tb);
			e.write(eb);
			tb = '';
			eb = '';
		}
	}
	await Promise.all([
		new Promise((r) => t.end(tb, () => r(null))),
		new Promise((r) => e.end(eb, () => r(null)))
	]);
	return { tickets, events };
}

/** Imports a tickets and an events CSV given as text, and checks that no row was rejected. */
export async function importCsv(db: string, dir: string, tickets: string, events: string, timeZone = 'UTC'): Promise<void> {
	fs.writeFileSync(path.join(dir, 't.csv'), tickets);
	fs.writeFileSync(path.join(dir, 'e.csv'), events);
	const s = await runImport({ ticketsFile: path.join(dir, 't.csv'), eventsFile: path.join(dir, 'e.csv'), source: 'cli', db, timeZone });
	expect(s.tickets.rejected + s.events.rejected).toBe(0);
}
