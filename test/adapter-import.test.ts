// The adapter pipeline on a real database, with a small adapter written here for a made-up
// "Acme" export (one row per ticket, a group column): detection, the converted rows imported
// through the canonical path with rejects on the export's own lines, the export kept, and a
// changed group -> tier mapping reaching the KPIs without importing the file again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importExport, keptExports, loadMappings, reapplyMappings, setMapping, exportsDir, exportTimeZone, setExportTimeZone } from '../src/lib/server/adapter-import.ts';
import { detectAdapter } from '../src/lib/import/adapters/index.ts';
import { parseExportDate } from '../src/lib/import/real-dates.ts';
import type { Adapter, ConvertedRow } from '../src/lib/import/adapters/types.ts';
import { computeKpis, parseKpiParams } from '../src/lib/server/kpis.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { ImportFatalError } from '../src/lib/server/import.ts';
import { fingerprint, withDb } from './helpers.ts';

const acme: Adapter = {
	id: 'zendesk', // any id of the union; the label is what users see
	label: 'Acme desk export',
	detect: (h) => ['Case', 'Opened', 'Queue'].filter((c) => h.includes(c)).length / 3,
	async *convert(rows, ctx) {
		for await (const r of rows) {
			const v = r.values;
			const created = parseExportDate(v.Opened, 'dmy') ?? v.Opened;
			const tier = ctx.mappings.group_tier[v.Queue];
			if (tier === undefined) ctx.unmappedGroup(v.Queue);
			const out: ConvertedRow[] = [
				{ kind: 'ticket', line: r.line, record: { ticket_id: v.Case, created_at: created, priority: v.Priority, team: v.Queue, category: 'acme' } }
			];
			if ((tier ?? 1) > 1) {
				out.push({
					kind: 'event',
					line: r.line,
					record: { event_id: `${v.Case}:group`, ticket_id: v.Case, occurred_at: created, type: 'escalated', from_tier: '1', to_tier: String(tier), team: v.Queue }
				});
			}
			yield* out;
		}
	}
};

// Line 1 is the header; line 3 has a priority Acme made up ("asap"), so it is rejected there.
const EXPORT = `Case,Opened,Queue,Priority
A-1,2/3/2026 09:00,Front desk,normal
A-2,2/3/2026 10:00,Billing experts,asap
A-3,3/3/2026 11:00,Billing experts,high
A-4,3/3/2026 12:00,Front desk,low
`;

describe('importExport()', () => {
	it('detects the format, imports the converted rows and reports rejects on the export\'s lines', () =>
		withDb(async (db, dir) => {
			const file = path.join(dir, 'acme.csv');
			fs.writeFileSync(file, EXPORT);
			expect('adapter' in detectAdapter(['Case', 'Opened', 'Queue', 'Priority'], [acme])).toBe(true);
			const s = await importExport({ file, source: 'cli', db, adapters: [acme] });
			expect(s.adapter).toBe('zendesk');
			// 4 tickets read, A-2 rejected for its priority, on line 3 of acme.csv.
			expect([s.tickets.inserted, s.tickets.rejected]).toEqual([3, 1]);
			expect(s.issues[0]).toMatchObject({ file: 'acme.csv', line: 3, field: 'priority' });
			// No group has a tier yet: both are listed, and nothing is escalated.
			expect(s.unmappedGroups).toEqual(['Billing experts', 'Front desk']);
			const [imp] = await withConnection((c) => query<{ format: string }>(c, 'SELECT format FROM imports'), db);
			expect(imp.format).toBe('zendesk');
			// The export is kept for later mapping changes.
			const [kept] = await keptExports(db);
			expect(kept.file_name).toBe('acme.csv');
			expect(fs.readFileSync(path.join(exportsDir(db), kept.sha256), 'utf8')).toBe(EXPORT);
		}));

	it('applies a new group -> tier mapping to the KPIs without importing the file again', () =>
		withDb(async (db, dir) => {
			const file = path.join(dir, 'acme.csv');
			fs.writeFileSync(file, EXPORT);
			await importExport({ file, source: 'cli', db, adapters: [acme] });
			const week = parseKpiParams({ from: '2026-03-02', to: '2026-03-09' });
			// Created Mar 2-3 and kept; none escalated yet -> 0 / 3.
			expect((await computeKpis(week, db)).escalated_tickets).toBe(0);

			await setMapping('group_tier', 'Billing experts', 2, db);
			expect((await loadMappings(db)).group_tier).toEqual({ 'Billing experts': 2 });
			fs.rmSync(file); // the user's copy is gone; the kept one is used
			const [again] = await reapplyMappings(db, [acme]);
			expect(again.unmappedGroups).toEqual(['Front desk']);
			// A-3 (Billing experts, kept) is escalated now: 1 of 3.
			const k = await computeKpis(week, db);
			expect([k.escalated_tickets, k.tickets_created]).toEqual([1, 3]);

			// Mapped to tier 3 instead: the same event (same id) is updated, not duplicated.
			await setMapping('group_tier', 'Billing experts', 3, db);
			await reapplyMappings(db, [acme]);
			const events = await withConnection((c) => query<{ n: number; to_tier: number }>(c, 'SELECT count(*)::INTEGER AS n, max(to_tier)::INTEGER AS to_tier FROM events'), db);
			expect(events[0]).toEqual({ n: 1, to_tier: 3 });

			// Unmapped again: the conversion makes no event for A-3 any more, so it is removed.
			await setMapping('group_tier', 'Billing experts', null, db);
			await reapplyMappings(db, [acme]);
			expect((await computeKpis(week, db)).escalated_tickets).toBe(0);
			const left = await withConnection((c) => query<{ n: number }>(c, 'SELECT count(*)::INTEGER AS n FROM events'), db);
			expect(left[0].n).toBe(0);
		}));

	it('refuses an export it does not recognise, naming the formats, and changes nothing', () =>
		withDb(async (db, dir) => {
			const file = path.join(dir, 'mystery.csv');
			fs.writeFileSync(file, 'Foo,Bar\n1,2\n');
			const before = await fingerprint(db);
			await expect(importExport({ file, source: 'cli', db, adapters: [acme] })).rejects.toThrow(
				'is not an export Handoff recognises (it knows Acme desk export)'
			);
			await expect(importExport({ file, source: 'cli', db, adapters: [acme], format: 'jsm' })).rejects.toThrow('unknown format "jsm"; the formats are zendesk');
			expect(await fingerprint(db)).toEqual(before);
			const canonical = path.join(dir, 'tickets.csv');
			fs.writeFileSync(canonical, 'ticket_id,created_at\nX,2026-03-02T09:00:00Z\n');
			await expect(importExport({ file: canonical, source: 'cli', db, adapters: [acme] })).rejects.toThrow("has the columns of Handoff's own format");
		}));

	it('refuses a compressed export or a binary extra file, naming it, and changes nothing', () =>
		withDb(async (db, dir) => {
			const file = path.join(dir, 'acme.csv');
			fs.writeFileSync(file, EXPORT);
			await importExport({ file, source: 'cli', db, adapters: [acme] });
			const before = await fingerprint(db);
			const gz = path.join(dir, 'acme.csv.gz');
			fs.writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3]));
			await expect(importExport({ file: gz, source: 'cli', db, adapters: [acme] })).rejects.toThrow(
				'acme.csv.gz: is gzip-compressed: unpack it (gunzip) and import the file inside'
			);
			const audits = path.join(dir, 'audits.json');
			fs.writeFileSync(audits, Buffer.from('{"audits": [', 'utf16le'));
			await expect(importExport({ file, source: 'cli', db, adapters: [acme], extras: [{ kind: 'zendesk-audits', file: audits, name: 'my audits.json' }] })).rejects.toThrow(
				'my audits.json: looks like UTF-16 text'
			);
			expect(await fingerprint(db)).toEqual(before);
		}));

	it('refuses an export or its JSON extra with invalid UTF-8 past the first 64 KiB, naming it, and changes nothing', () =>
		withDb(async (db, dir) => {
			// Past the window the upload and import check first, so only the reader sees it; it
			// used to decode leniently and store "caf\uFFFD".
			const file = path.join(dir, 'acme.csv');
			const rows = Array.from({ length: 3_000 }, (_, i) => `B-${i},2/3/2026 09:00,Front desk,normal`).join('\n');
			fs.writeFileSync(file, Buffer.concat([Buffer.from(`${EXPORT}${rows}\nB-x,2/3/2026 09:00,Caf`), Buffer.from([0xe9]), Buffer.from(',normal\n')]));
			expect(fs.statSync(file).size).toBeGreaterThan(64 * 1024);
			const before = await fingerprint(db);
			await expect(importExport({ file, source: 'cli', db, adapters: [acme] })).rejects.toThrow(new ImportFatalError('acme.csv', 'is not valid UTF-8 text (save the export as UTF-8)'));
			// The same for a JSON file that goes with the export (Zendesk's audits).
			const good = path.join(dir, 'good.csv');
			fs.writeFileSync(good, EXPORT);
			const audits = path.join(dir, 'audits.json');
			const note = JSON.stringify({ id: 1, ticket_id: 'A-1', created_at: '2026-03-02T09:00:00Z', events: [{ type: 'Comment', body: 'x'.repeat(70_000) }] });
			fs.writeFileSync(audits, Buffer.concat([Buffer.from(`{"audits": [${note}, {"id": 2, "ticket_id": "A-1", "created_at": "2026-03-02T09:00:00Z", "events": [], "author": "Zo`), Buffer.from([0xeb]), Buffer.from('"}]}')]));
			await expect(importExport({ file: good, source: 'cli', db, adapters: [acme], extras: [{ kind: 'zendesk-audits', file: audits }] })).rejects.toThrow(
				new ImportFatalError('audits.json', 'is not valid UTF-8 text (save the export as UTF-8)')
			);
			expect(await fingerprint(db)).toEqual(before);
			expect(fs.existsSync(exportsDir(db))).toBe(false);
		}));

	it('reads local export times in the account\'s time zone, and reads the kept export again when it changes', () =>
		withDb(async (db, dir) => {
			const file = path.join(dir, 'acme.csv');
			fs.writeFileSync(file, EXPORT);
			await setExportTimeZone('America/New_York', db);
			expect(await exportTimeZone(db)).toEqual({ zone: 'America/New_York', saved: true });
			await importExport({ file, source: 'cli', db, adapters: [acme] });
			const at = async () =>
				(await withConnection((c) => query<{ t: string }>(c, `SELECT strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS t FROM tickets WHERE ticket_id = 'A-1'`), db))[0].t;
			// 2 March 2026 09:00 in New York (EST, UTC-5) is 14:00 UTC.
			expect(await at()).toBe('2026-03-02 14:00');
			await setExportTimeZone('Europe/Berlin', db);
			await reapplyMappings(db, [acme]);
			// 09:00 in Berlin (CET, UTC+1) is 08:00 UTC.
			expect(await at()).toBe('2026-03-02 08:00');
			await expect(setExportTimeZone('Mars/Olympus', db)).rejects.toThrow('"Mars/Olympus" is not a time zone');
		}));

	it('refuses a tier outside 1..9', () =>
		withDb(async (db) => {
			await expect(setMapping('group_tier', 'Billing experts', 12, db)).rejects.toThrow('a tier is a whole number from 1 to 9');
		}));
});
