// The CSV fast path (DuckDB's reader plus SQL checks, import-fast.ts) must be indistinguishable
// from the streaming path (papaparse and zod, the reference): every file is imported twice, into
// two databases, once each way, and the tables, the issues and the summaries must be identical.
// The fast path may decline a file (then both are the streaming path); the tests check it does
// not decline the files it is for.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_FIELDS, TICKET_FIELDS } from '../src/lib/import/canonical.ts';
import { ImportFatalError, runImport, type ImportProgress, type ImportRequest, type ImportSummary } from '../src/lib/server/import.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { writeDemoCsv } from '../src/lib/server/demo-data.ts';
import { withDb } from './helpers.ts';
import { layoutArb, serialize, tableArb, ZONES, type Layout, type Table } from './import-arbitraries.ts';

/** Everything an import writes, as rows (the history without its clock times). */
async function contents(db: string) {
	return withConnection(async (c) => {
		const all = async (sql: string) => JSON.stringify(await query(c, sql), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
		return {
			tickets: await all('SELECT * FROM tickets ORDER BY ticket_id'),
			events: await all('SELECT * FROM events ORDER BY event_key'),
			rejects: await all('SELECT * FROM import_rejects ORDER BY ALL'),
			imports: await all('SELECT * EXCLUDE (started_at, finished_at) FROM imports ORDER BY id'),
			facts: await all(`SELECT (SELECT sum(hash(f)) FROM ticket_facts f)::VARCHAR AS f, (SELECT sum(hash(s)) FROM segment_sla s)::VARCHAR AS s`)
		};
	}, db);
}

type Outcome = { summary: Omit<ImportSummary, 'seconds' | 'phaseSeconds' | 'readers'>; readers: ImportSummary['readers'] } | { fatal: string };

async function attempt(req: ImportRequest): Promise<Outcome> {
	try {
		const { seconds: _s, phaseSeconds: _p, readers, ...summary } = await runImport(req);
		return { summary, readers };
	} catch (err) {
		if (err instanceof ImportFatalError) return { fatal: err.message };
		throw err;
	}
}

/** Imports the files both ways and expects the same outcome; returns the fast side's readers. */
async function both(streamingDb: string, fastDb: string, req: Omit<ImportRequest, 'db' | 'source'>) {
	const slow = await attempt({ ...req, source: 'cli', db: streamingDb, streaming: true });
	const fast = await attempt({ ...req, source: 'cli', db: fastDb });
	if ('fatal' in slow || 'fatal' in fast) {
		expect(fast).toEqual(slow);
	} else {
		expect(slow.readers.tickets).toBe('streaming');
		expect(fast.summary).toEqual(slow.summary);
	}
	expect(await contents(fastDb)).toEqual(await contents(streamingDb));
	return 'readers' in fast ? fast.readers : null;
}

function twoDbs(fn: (streamingDb: string, fastDb: string, dir: string) => Promise<void>) {
	return withDb((a, dir) => withDb((b) => fn(a, b, dir)));
}

const write = (dir: string, name: string, text: string) => {
	const f = path.join(dir, name);
	fs.writeFileSync(f, text);
	return f;
};

describe('the CSV fast path', () => {
	it('reads demo exports (quoted commas, quotes and line breaks in descriptions) exactly like the streaming path', () =>
		twoDbs(async (slowDb, fastDb, dir) => {
			const files = await writeDemoCsv(dir, { tickets: 1500, seed: 11, end: new Date('2026-11-23T00:00:00Z') });
			const readers = await both(slowDb, fastDb, { ticketsFile: files.ticketsPath, eventsFile: files.eventsPath });
			expect(readers).toEqual({ tickets: 'duckdb', events: 'duckdb' });
			// The same files again: nothing changes, both ways.
			expect(await both(slowDb, fastDb, { ticketsFile: files.ticketsPath, eventsFile: files.eventsPath })).toEqual({ tickets: 'duckdb', events: 'duckdb' });
		}), 60_000);

	it('leaves to zod every value SQL is not sure of, with the same values, messages and lines', () =>
		twoDbs(async (slowDb, fastDb, dir) => {
			const tickets = write(
				dir,
				'tickets.csv',
				'\uFEFFTicket_ID,Created_At,first_response_at,resolved_at,status,PRIORITY,channel,category,customer_id,vip,team,assignee,csat_score,subject,description,Plan,weird\r\n' +
					// padded ids and words, fractional seconds, an offset without a colon, upper case
					' T1 ,2026-03-02T09:00:00.250Z,2026-03-02T09:05:00+0100,,open , High ,email, billing ,C1, YES ,Team A,Ann,03,Hi,"multi\r\nline, with ""quotes""",,\r\n' +
					// naive times, a date alone, a lower-case z, non-ASCII case folding, an extra column needing JSON escapes
					'T2,2026-03-02 10:00:00,2026-03-02,2026-03-03T10:00:00z,closed,URGENT,chat,,C2,No,,,5,,,"say ""hi"" \\ now",x\r\n' +
					// bad values of every kind: reported, not staged
					'T3,2026-02-30T10:00:00Z,soon,2026-03-03T25:00:00Z,,HİGH,,,,maybe,,,6,,,,\r\n' +
					',2026-03-02T10:00:00Z,,,,,,,,,,,,,,,\r\n' +
					'T4,2026-03-02T11:00:00+05:30,,2026-03-02T12:00:00-00:00,,low,,Billing,,1,,,1,s,d,pro,\r\n'
			);
			const events = write(
				dir,
				'events.csv',
				'event_id,ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor,team,note\n' +
					'E1,T1,2026-03-02T09:10:00Z,ESCALATED,1,2,Functional,technical_complexity,Bob,,\n' +
					'E2,T1,2026-03-02T09:20:00Z,escalated,2,,,,,,needs to_tier\n' +
					'E2b,T1,2026-03-02T09:21:00Z,ESCALATED,,3,,,,,upper case needs from_tier\n' +
					'E3,T1,2026-03-02T09:30:00Z,de_escalated, 2 ,+1,,,,,"note, with comma"\n' +
					'E4,T2,2026-03-02T10:30:00Z,teleported,,,,,,,\n' +
					'E5,T9,2026-03-02T10:30:00Z,note,,,,,,,unknown ticket\n' +
					',T4,2026-03-02T11:30:00Z,resolved,,,,,Cy,,\n' +
					',T4,2026-03-02T11:30:00Z,resolved,,,,,Cy,,\n'
			);
			for (const zone of ['UTC', 'Europe/Berlin']) {
				expect(await both(slowDb, fastDb, { ticketsFile: tickets, eventsFile: events, timeZone: zone })).toEqual({ tickets: 'duckdb', events: 'duckdb' });
			}
			// It was checked, not just accepted: the bad rows are reported.
			const [r] = await withConnection((c) => query<{ n: number }>(c, `SELECT count(DISTINCT line)::INTEGER AS n FROM import_rejects WHERE severity = 'error' AND file = 'tickets.csv'`), fastDb);
			expect(r.n).toBe(2); // T3's line and the line without a ticket_id
		}), 60_000);

	it('ends each file\'s progress with its exact row count, not the estimate made from bytes', () =>
		withDb(async (db, dir) => {
			// 3 tickets, one of them spread over 3 lines by a quoted line break; 2 events.
			const ticketsFile = write(dir, 'p-tickets.csv', 'ticket_id,created_at,subject\nA,2026-03-02T09:00:00Z,"one\ntwo\nthree"\nB,2026-03-02T09:00:00Z,\nC,2026-03-02T09:00:00Z,\n');
			const eventsFile = write(dir, 'p-events.csv', 'ticket_id,occurred_at,type\nA,2026-03-02T10:00:00Z,resolved\nB,2026-03-02T10:00:00Z,resolved\n');
			const seen: ImportProgress[] = [];
			const s = await runImport({ ticketsFile, eventsFile, source: 'cli', db, onProgress: (p) => seen.push(p) });
			expect(s.readers).toEqual({ tickets: 'duckdb', events: 'duckdb' });
			const last = (phase: string) => seen.filter((p) => p.phase === phase).at(-1);
			expect(last('reading tickets')).toMatchObject({ rows: 3, bytesRead: fs.statSync(ticketsFile).size });
			expect(last('reading tickets')?.estimated).toBeUndefined();
			expect(last('reading events')).toMatchObject({ rows: 2, bytesRead: fs.statSync(eventsFile).size });
			expect(last('reading events')?.estimated).toBeUndefined();
		}));

	it('declines the files it would read differently, and the streaming path reads them', () =>
		twoDbs(async (slowDb, fastDb, dir) => {
			const header = 'ticket_id,created_at\n';
			const cases: [string, string][] = [
				['blank line', `${header}T1,2026-03-02T09:00:00Z\n\nT2,2026-03-02T09:00:00Z\n`],
				['mixed line endings', `${header}T1,2026-03-02T09:00:00Z\r\nT2,2026-03-02T09:00:00Z\n`],
				['a short row', `ticket_id,created_at,status\nT1,2026-03-02T09:00:00Z\n`],
				['a long row', `${header}T1,2026-03-02T09:00:00Z,extra\n`],
				['quotes in the header', `"ticket_id",created_at\nT1,2026-03-02T09:00:00Z\n`],
				['a repeated column', `ticket_id,created_at,ticket_id\nT1,2026-03-02T09:00:00Z,T2\n`],
				['a numeric column name', `ticket_id,created_at,2024\nT1,2026-03-02T09:00:00Z,x\n`]
			];
			for (const [what, text] of cases) {
				const readers = await both(slowDb, fastDb, { ticketsFile: write(dir, `${what}.csv`, text) });
				expect(readers?.tickets, what).toBe('streaming');
			}
		}), 60_000);

	it('gives the streaming path the files it cannot read, which fails them with the same message', () =>
		twoDbs(async (slowDb, fastDb, dir) => {
			const cases = [
				'ticket_id,created_at\nT1,"2026-03-02T09:00:00Z\nT2,2026\n', // never closed
				'ticket_id,created_at\nT1,"2026-03-02T09:00:00Z" x\n', // text after the closing quote
				'ticket_id,occurred_at,type\nT1,2026-03-02T09:00:00Z,created\n', // an events file as tickets
				'id,created\n1,2\n' // required columns missing
			];
			for (const [i, text] of cases.entries()) {
				const f = write(dir, `bad-${i}.csv`, text);
				const slow = await attempt({ ticketsFile: f, source: 'cli', db: slowDb, streaming: true });
				const fast = await attempt({ ticketsFile: f, source: 'cli', db: fastDb });
				expect('fatal' in fast, text).toBe(true);
				expect(fast).toEqual(slow);
			}
			const bytes = Buffer.concat([Buffer.from('ticket_id,created_at\nT1,2026-03-02T09:00:00Z\nT2,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
			fs.writeFileSync(path.join(dir, 'latin.csv'), bytes);
			const fast = await attempt({ ticketsFile: path.join(dir, 'latin.csv'), source: 'cli', db: fastDb });
			expect(fast).toEqual(await attempt({ ticketsFile: path.join(dir, 'latin.csv'), source: 'cli', db: slowDb, streaming: true }));
			expect(fast).toEqual({ fatal: expect.stringMatching(/^latin\.csv: is not UTF-8 text/) });
			expect(await contents(fastDb)).toEqual(await contents(slowDb));
		}), 60_000);

	it('matches the streaming path on generated CSV files with hostile values, quoting and layouts', () =>
		twoDbs(async (slowDb, fastDb, dir) => {
			let n = 0;
			let fastFiles = 0;
			// Half the files have no blank lines and rows as long as the header: the files the fast
			// path is for; the rest show it declining (or not) with the same outcome.
			const csv = fc.tuple(layoutArb, fc.boolean()).map(([l, tidy]): Layout => ({ ...l, format: 'csv', blankLines: tidy ? [] : l.blankLines }));
			const square = (t: Table) => ({ ...t, rows: t.rows.map((r) => t.header.map((_, i) => r[i] ?? '')) });
			const tableOf = (fields: readonly string[], required: string[]) =>
				fc.tuple(tableArb(fields, required), fc.boolean()).map(([t, tidy]) => (tidy ? square(t) : t));
			await fc.assert(
				fc.asyncProperty(
					tableOf(TICKET_FIELDS, ['ticket_id', 'created_at']),
					csv,
					tableOf(EVENT_FIELDS, ['ticket_id', 'occurred_at', 'type']),
					csv,
					fc.constantFrom(...ZONES),
					async (tt, tl, et, el, zone) => {
						n++;
						// Each case starts from empty databases, so a difference is this case's.
						for (const db of [slowDb, fastDb]) await withConnection((c) => c.run('DELETE FROM import_rejects; DELETE FROM imports; DELETE FROM events; DELETE FROM tickets; DELETE FROM ticket_facts; DELETE FROM segment_sla'), db);
						const ticketsFile = write(dir, `t${n}.csv`, serialize(tt, tl));
						const eventsFile = write(dir, `e${n}.csv`, serialize(et, el));
						const readers = await both(slowDb, fastDb, { ticketsFile, eventsFile, timeZone: zone });
						fastFiles += [readers?.tickets, readers?.events].filter((r) => r === 'duckdb').length;
					}
				),
				{ seed: Number(process.env.FUZZ_SEED ?? 0xfa57), numRuns: Number(process.env.FUZZ_RUNS ?? 80) }
			);
			// The generators must reach the fast path, not only its refusals.
			expect(fastFiles).toBeGreaterThan(20);
		}), process.env.FUZZ_RUNS ? 3_600_000 : 120_000);
});
