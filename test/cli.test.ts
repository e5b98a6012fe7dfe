// The real `handoff` command as a child process: exit codes, JSON output, and an import
// killed with SIGKILL half-way that must leave the database exactly as it was.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeInstance } from '../src/lib/server/db.ts';
import { fingerprint, ROOT, runCli, startCli, tempDir, writeBulkCsv } from './helpers.ts';

function small(dir: string) {
	const tickets = path.join(dir, 'tickets.csv');
	const events = path.join(dir, 'events.csv');
	fs.writeFileSync(
		tickets,
		'ticket_id,created_at,resolved_at,csat_score\nT1,2026-03-02T09:00:00Z,2026-03-02T12:00:00Z,5\nT2,2026-03-02T10:00:00Z,,9\n'
	);
	fs.writeFileSync(
		events,
		'ticket_id,occurred_at,type,from_tier,to_tier\nT1,2026-03-02T09:30:00Z,escalated,1,2\nT2,2026-03-02T10:30:00Z,resolved,,\n'
	);
	return { tickets, events };
}

describe('handoff --help', () => {
	it('lists the import, demo, backup, restore and serve commands', async () => {
		const r = await runCli(['--help']);
		expect(r.code).toBe(0);
		for (const cmd of ['handoff import', 'handoff demo', 'handoff backup', 'handoff restore FILE', 'handoff serve']) expect(r.stdout).toContain(cmd);
	});

	it('rejects an unknown command with exit code 2', async () => {
		const r = await runCli(['frobnicate']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('unknown command "frobnicate"');
	});
});

describe('handoff demo', () => {
	it('generates and imports seeded demo data, the same for the same seed', async () => {
		const dir = tempDir();
		const a = await runCli(['demo', '--tickets', '150', '--seed', '9', '--db', path.join(dir, 'a.duckdb'), '--json']);
		const b = await runCli(['demo', '--tickets', '150', '--seed', '9', '--db', path.join(dir, 'b.duckdb'), '--json']);
		expect(a.code).toBe(0);
		const sa = JSON.parse(a.stdout);
		const sb = JSON.parse(b.stdout);
		expect(sa.tickets).toMatchObject({ read: 150, inserted: 150, rejected: 0 });
		expect(sa.events.rejected).toBe(0);
		// Same seed, same data: the same number of events, and no warnings in either.
		expect(sb.events.inserted).toBe(sa.events.inserted);
		expect(sa.warnings).toBe(0);
	});

	it('refuses a size that is not a positive whole number', async () => {
		const r = await runCli(['demo', '--tickets', 'lots']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--tickets must be a positive whole number');
	});
});

describe('handoff import', () => {
	it('commits, exits 0 and reports rejected rows in --json', async () => {
		const dir = tempDir();
		const { tickets, events } = small(dir);
		const r = await runCli(['import', '--tickets', tickets, '--events', events, '--db', path.join(dir, 'h.duckdb'), '--json']);
		expect(r.code).toBe(0);
		const s = JSON.parse(r.stdout);
		// T1 valid, T2 has csat 9: 1 inserted, 1 rejected; T2's event is then rejected as well.
		expect(s.tickets).toMatchObject({ read: 2, inserted: 1, rejected: 1 });
		expect(s.events).toMatchObject({ read: 2, inserted: 1, rejected: 1 });
		expect(s.issues[0]).toMatchObject({ file: 'tickets.csv', line: 3, field: 'csat_score' });
		expect(s.issues[1]).toMatchObject({ file: 'events.csv', line: 3, field: 'ticket_id' });
	});

	it('fails with one clear message and exit 1 when the events file is given as tickets', async () => {
		const dir = tempDir();
		const { events } = small(dir);
		const db = path.join(dir, 'h.duckdb');
		const r = await runCli(['import', '--tickets', events, '--db', db]);
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain('events.csv');
		expect(r.stderr).toContain('looks like an events file');
		expect(r.stdout).toBe('');
	});

	it('refuses a workbook with exit 1 and one line that names it, leaving the database as it was', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'h.duckdb');
		const { tickets, events } = small(dir);
		expect((await runCli(['import', '--tickets', tickets, '--events', events, '--db', db])).code).toBe(0);
		const before = await fingerprint(db);
		await closeInstance(db);
		const xlsx = path.join(dir, 'Tickets March.xlsx');
		fs.writeFileSync(xlsx, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), Buffer.from('xl/workbook.xml')]));
		const r = await runCli(['import', '--tickets', xlsx, '--db', db]);
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain('Tickets March.xlsx: looks like an Excel workbook or zip archive: export it as CSV');
		expect(await fingerprint(db)).toEqual(before);
		await closeInstance(db);
	});

	/**
	 * Imports a small pair, fingerprints the database, then starts a 200,000-ticket import and
	 * kills it with SIGKILL as soon as its progress output matches `moment`.
	 */
	async function killImportAt(moment: RegExp) {
		const dir = tempDir();
		const db = path.join(dir, 'h.duckdb');
		const first = small(dir);
		expect((await runCli(['import', '--tickets', first.tickets, '--events', first.events, '--db', db])).code).toBe(0);
		const before = await fingerprint(db);
		await closeInstance(db);

		const bulk = await writeBulkCsv(dir, 200_000);
		const run = await startCli(['import', '--tickets', bulk.tickets, '--events', bulk.events, '--db', db, '--progress'], moment);
		run.child.kill('SIGKILL');
		await new Promise((r) => run.child.once('exit', r));
		const after = await fingerprint(db);
		await closeInstance(db);
		return { db, bulk, before, after };
	}

	it('leaves the database exactly as it was when killed with SIGKILL while reading', async () => {
		const { before, after } = await killImportAt(/reading events: (about )?[\d,]+ rows/);
		expect(after).toEqual(before);
	});

	it('leaves the database exactly as it was when killed with SIGKILL while saving', async () => {
		const { db, bulk, before, after } = await killImportAt(/checking and saving/);
		// The kill lands inside the transaction: nothing of it may survive.
		expect(after).toEqual(before);

		// And the file is still a working database: the same import now commits in full.
		const again = await runCli(['import', '--tickets', bulk.tickets, '--events', bulk.events, '--db', db, '--json']);
		expect(again.code).toBe(0);
		expect(JSON.parse(again.stdout).tickets.inserted).toBe(200_000);
	}, 150_000); // two 200,000-ticket imports: about 40 s alone, more beside other test files
});

describe('handoff import --export', () => {
	it('reads a ServiceNow export, lists its groups without a tier, and applies a mapping', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'x.duckdb');
		const sample = path.join(ROOT, 'test', 'fixtures', 'adapters', 'servicenow-audit-uci-sample.csv');
		const first = await runCli(['import', '--export', sample, '--db', db]);
		expect(first.stderr).toBe('');
		expect(first.code).toBe(0);
		expect(first.stdout).toContain('Read as: ServiceNow');
		expect(first.stdout).toMatch(/50 groups have no tier yet/);
		const set = await runCli(['map', 'set', 'group_tier', 'Group 70', '2', '--db', db]);
		expect([set.code, set.stdout.trim()]).toEqual([0, `group_tier "Group 70" -> 2. Run 'handoff map apply' to update the KPIs.`]);
		const apply = await runCli(['map', 'apply', '--db', db]);
		expect(apply.code).toBe(0);
		expect(apply.stdout).toContain('still without a tier');
		expect(apply.stdout).not.toContain('Group 70,');
		const bad = await runCli(['map', 'set', 'group_tier', 'Group 70', 'two', '--db', db]);
		expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('a tier is a whole number from 1 to 9')]);
	});

	it('reads any CSV with a saved column mapping, and refuses one whose columns are missing', async () => {
		const dir = tempDir();
		const db = path.join(dir, 'x.duckdb');
		const spec = path.join(dir, 'legacy.json');
		fs.writeFileSync(spec, JSON.stringify({ name: 'legacy', columns: { ticket_id: 'Ref', created_at: 'Opened (local)', group: 'Queue', priority: 'Urgency' }, dateOrder: 'mdy', values: { priority: { P2: 'high', 'Sev 1': 'urgent' } } }));
		const saved = await runCli(['map', 'save-columns', spec, '--db', db]);
		expect(saved.code).toBe(0);
		const csv = path.join(ROOT, 'test', 'fixtures', 'adapters', 'generic-legacy.csv');
		const r = await runCli(['import', '--export', csv, '--mapping', 'legacy', '--db', db, '--json']);
		expect(r.code).toBe(0);
		const s = JSON.parse(r.stdout);
		// A-1 and A-2 read; A-3's opening date is "?", so it is rejected on line 4 (created_at).
		expect([s.tickets.inserted, s.tickets.rejected]).toEqual([2, 1]);
		expect(s.issues[0]).toMatchObject({ line: 4, field: 'created_at' });
		const other = path.join(dir, 'other.csv');
		fs.writeFileSync(other, 'Id,When\n1,2026-03-02\n');
		const refused = await runCli(['import', '--export', other, '--mapping', 'legacy', '--db', db]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('has no column "Ref", "Opened (local)", "Queue", "Urgency", which the mapping "legacy" reads');
	});
});
