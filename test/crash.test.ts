// Crash safety: a process killed with SIGKILL in the middle of its writes. A review save killed
// at random moments leaves the last committed save whole (its rows, version and audit entries
// agree); a server killed during an import restarts on the same file as if the import had
// never been sent. Opening the file again replays DuckDB's write-ahead log; a new database killed
// before it was ever closed opens again too.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { closeInstance, schemaVersion, withConnection } from '../src/lib/server/db.ts';
import { MIGRATIONS } from '../src/lib/server/migrations.ts';
import { getReview, reviewAudit, startReview } from '../src/lib/server/reviews.ts';
import { exited, fingerprint, importCsv, ROOT, startCli, startServer, tempDir, withDb, writeBulkCsv } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,category
A,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,billing
B,2026-03-03T09:00:00Z,,billing
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
A,2026-03-02T10:00:00Z,escalated,1,2
A,2026-03-02T19:00:00Z,resolved,,
`;

const SAVER = path.join(ROOT, 'test', 'fixtures', 'review-saver.ts');
/** Findings and actions each save writes (and so the count a consistent review has). */
const ITEMS = 200;

/** Runs the saver until it has reported `commits` saves, and kills it with SIGKILL `delayMs` later. */
function saveUntilKilled(db: string, id: number, commits: number, delayMs: number) {
	return new Promise<{ last: number; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', SAVER, db, String(id), String(ITEMS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let pending = '';
		let stderr = '';
		let seen = 0;
		let last = 0;
		child.stdout.on('data', (d: Buffer) => {
			const lines = (pending + d).split('\n');
			pending = lines.pop()!;
			for (const line of lines) {
				const m = /^committed (\d+)$/.exec(line);
				if (!m) continue;
				last = Number(m[1]);
				if (++seen === commits) setTimeout(() => child.kill('SIGKILL'), delayMs);
			}
		});
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (_code, signal) => resolve({ last, signal, stderr }));
	});
}

describe('a review save killed with SIGKILL', () => {
	it('keeps the last committed save whole, with one audit entry per save, wherever the kill lands', async () => {
		await withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const scope = { source: 'ticket' as const, from: '2026-03-02', to: '2026-03-09', filters: {} };
			const id = await startReview({ scope, ticketIds: ['A', 'B'] }, db);
			await closeInstance(db);
			let previous = 1;
			// Later kills land in DuckDB's automatic checkpoints as well (each save logs ~0.5 MB).
			for (const commits of [1, 4, 15, 40]) {
				const delay = Math.floor(Math.random() * 25);
				const run = await saveUntilKilled(db, id, commits, delay);
				const at = `killed ${delay} ms after save ${commits} of this run`;
				expect(run.signal, `${at}; the saver failed:\n${run.stderr}`).toBe('SIGKILL');

				const review = await getReview(id, db);
				const v = review.version;
				// The kill may fall between a commit and its "committed" line, never before a commit.
				expect(v, at).toBeGreaterThanOrEqual(run.last);
				expect(v, at).toBeLessThanOrEqual(run.last + 1);
				expect(v, at).toBeGreaterThanOrEqual(previous + commits);
				const tag = `v${v}`;
				expect([review.title, review.summary.summary], at).toEqual([tag, `${tag} summary`]);
				expect(review.findings, at).toHaveLength(ITEMS);
				expect(review.findings.filter((f) => !f.title.startsWith(`${tag} finding `) || !f.detail.startsWith(`${tag} detail `)), at).toEqual([]);
				expect(review.actions, at).toHaveLength(ITEMS);
				expect(review.actions.filter((a) => a.owner !== tag || !a.title.startsWith(`${tag} action `)), at).toEqual([]);
				// Exactly the committed saves are audited: versions 2..v, in order, nothing else.
				const audit = await reviewAudit(id, db);
				expect(audit.map((a) => a.change), at).toEqual(['created', ...Array(v - 1).fill('crash test save')]);
				expect(audit.slice(1).map((a) => (a.detail as { tag: string }).tag), at).toEqual(Array.from({ length: v - 1 }, (_, i) => `v${i + 2}`));
				previous = v;
				await closeInstance(db);
			}
		});
	}, 60_000);
});

describe('handoff serve killed with SIGKILL during an import sent through it', () => {
	it('restarts on the same file with the data exactly as before the import and no trace of it', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'served.duckdb');
		try {
			await importCsv(db, dir, TICKETS, EVENTS);
			await closeInstance(db);
			const before = await fingerprint(db);
			await closeInstance(db);
			const bulk = await writeBulkCsv(dir, 100_000);

			const first = await startServer(db);
			const importing = await startCli(['import', '--tickets', bulk.tickets, '--events', bulk.events, '--db', db, '--progress'], /checking and saving/);
			first.child.kill('SIGKILL');
			expect((await exited(first.child)).signal).toBe('SIGKILL');
			// The CLI loses its server and says so; it does not report an import.
			expect((await exited(importing.child)).code).toBe(1);

			// The dead server's note is still beside the file: the new server must not be fooled by it.
			expect(fs.existsSync(`${db}.server.json`)).toBe(true);
			const second = await startServer(db);
			try {
				const health = await (await fetch(`${second.url}/api/health`)).json();
				expect(health).toEqual({ ok: true, db });
				// Import rows are written by the import's own transaction: the interrupted one left none.
				const history = (await (await fetch(`${second.url}/api/imports`)).json()) as { id: number; status: string }[];
				expect(history.map((h) => [h.id, h.status])).toEqual([[1, 'committed']]);
			} finally {
				second.child.kill('SIGTERM');
				await exited(second.child);
			}
			expect(await fingerprint(db)).toEqual(before);
		} finally {
			await closeInstance(db);
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});

describe('a new database killed before it was ever closed', () => {
	it('opens again, with every migration applied', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'new.duckdb');
		try {
			const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fixtures', 'open-and-wait.ts'), db], {
				cwd: ROOT,
				stdio: ['ignore', 'pipe', 'inherit']
			});
			await new Promise<void>((resolve, reject) => {
				child.stdout.on('data', (d: Buffer) => String(d).includes('open') && resolve());
				child.on('error', reject);
				child.on('exit', (code) => reject(new Error(`the child exited with ${code} before opening`)));
			});
			child.kill('SIGKILL');
			expect((await exited(child)).signal).toBe('SIGKILL');
			// DuckDB could not replay migration 5's ALTER from the write-ahead log: the file never
			// opened again (an internal error, reported as the file being locked).
			const version = await withConnection((conn) => schemaVersion(conn), db);
			expect(version).toBe(MIGRATIONS.length);
		} finally {
			await closeInstance(db);
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 60_000);
});
