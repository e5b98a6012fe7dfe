import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runImport, ImportFatalError, type ImportRequest, type ImportSummary } from '../src/lib/server/import.ts';
import { closeInstance, query, withConnection } from '../src/lib/server/db.ts';

interface Ctx {
	dir: string;
	db: string;
	/** Writes a file into the test's directory and returns its path. */
	file(name: string, content: string | Buffer): string;
	run(tickets: string, events?: string, more?: Partial<ImportRequest>): Promise<ImportSummary>;
	rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

/** Gives the test its own temporary DuckDB file, closed and removed afterwards. */
async function withDb(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
	const db = path.join(dir, 'test.duckdb');
	const ctx: Ctx = {
		dir,
		db,
		file(name, content) {
			const p = path.join(dir, name);
			fs.writeFileSync(p, content);
			return p;
		},
		run(tickets, events, more = {}) {
			return runImport({ ticketsFile: tickets, eventsFile: events, source: 'cli', db, timeZone: 'UTC', ...more });
		},
		rows<T>(sql: string) {
			return withConnection((conn) => query<T>(conn, sql), db);
		}
	};
	try {
		await fn(ctx);
	} finally {
		await closeInstance(db);
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const csv = (...lines: string[]) => lines.join('\n') + '\n';

/** Epoch microseconds of a UTC wall time (month 1-based), as DuckDB's epoch_us gives it. */
const utcUs = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;

/** Tickets and events as stored, without the columns that record which import wrote them. */
async function content(ctx: Ctx) {
	return {
		tickets: await ctx.rows(
			'SELECT COLUMNS(* EXCLUDE (import_id, line))::VARCHAR FROM tickets ORDER BY ticket_id'
		),
		events: await ctx.rows('SELECT COLUMNS(* EXCLUDE (import_id, line))::VARCHAR FROM events ORDER BY event_key')
	};
}

/** Every table of the database file, every row, as text. */
async function snapshot(ctx: Ctx): Promise<Record<string, unknown[]>> {
	const tables = await ctx.rows<{ name: string }>(
		`SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() ORDER BY 1`
	);
	const out: Record<string, unknown[]> = {};
	for (const { name } of tables) out[name] = await ctx.rows(`SELECT COLUMNS(*)::VARCHAR FROM "${name}" ORDER BY ALL`);
	return out;
}

async function expectFatal(promise: Promise<unknown>): Promise<ImportFatalError> {
	let caught: unknown;
	try {
		await promise;
	} catch (err) {
		caught = err;
	}
	expect(caught).toBeInstanceOf(ImportFatalError);
	return caught as ImportFatalError;
}

describe('runImport: counts and rejected rows', () => {
	it('reports every rejected row with file, line, field and reason, and counts what it did', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.csv',
				csv(
					'ticket_id,created_at,priority,category,vip,csat_score,subject', // 1
					'T1,2026-03-02T09:00:00Z,high,billing,yes,5,Refund', //             2 ok
					'T2,2026-03-02T10:00:00Z,asap,login,no,,Cannot log in', //          3 rejected: priority
					'T3,2026-03-03T08:00:00Z,,,,7,Slow', //                             4 rejected: csat_score
					'T4,2026-03-03T09:00:00Z,low,api,,,API down' //                     5 ok
				)
			);
			const events = ctx.file(
				'events.csv',
				csv(
					'event_id,ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor', //  1
					'E1,T1,2026-03-02T09:30:00Z,escalated,1,2,functional,technical_complexity,ana', // 2 ok
					'E2,T1,2026-03-02T12:00:00Z,resolved,,,,,bob', //                                 3 ok
					'E3,T2,2026-03-02T10:30:00Z,responded,,,,,ana', //                                4 T2 was rejected
					'E4,T9,2026-03-02T11:00:00Z,note,,,,,ana', //                                     5 T9 unknown
					'E5,T4,2026-03-03T09:10:00Z,escalated,,2,,,ana', //                               6 no from_tier
					'E6,T4,2026-03-03T09:20:00Z,escalated,1,2,sideways,,ana', //                      7 bad kind
					'E7,T4,2026-03-03T10:00:00Z,responded,,,,,carl' //                                8 ok
				)
			);
			const s = await ctx.run(tickets, events);

			// tickets: 4 read, T1 and T4 inserted, T2 and T3 rejected
			expect(s.tickets).toEqual({ read: 4, inserted: 2, updated: 0, unchanged: 0, rejected: 2 });
			// events: 7 read, E1 E2 E7 inserted, E3..E6 rejected
			expect(s.events).toEqual({ read: 7, inserted: 3, updated: 0, unchanged: 0, rejected: 4 });
			expect(s.warnings).toBe(0);
			expect(s.status).toBe('committed_with_rejects');

			expect(s.issues.map(({ severity, file, line, field }) => ({ severity, file, line, field }))).toEqual([
				{ severity: 'error', file: 'tickets.csv', line: 3, field: 'priority' },
				{ severity: 'error', file: 'tickets.csv', line: 4, field: 'csat_score' },
				{ severity: 'error', file: 'events.csv', line: 4, field: 'ticket_id' },
				{ severity: 'error', file: 'events.csv', line: 5, field: 'ticket_id' },
				{ severity: 'error', file: 'events.csv', line: 6, field: 'from_tier' },
				{ severity: 'error', file: 'events.csv', line: 7, field: 'kind' }
			]);
			const reason = (file: string, line: number) => s.issues.find((i) => i.file === file && i.line === line)!.reason;
			expect(reason('tickets.csv', 3)).toContain('asap');
			expect(reason('tickets.csv', 4)).toContain('"7"');
			expect(reason('events.csv', 4)).toContain('unknown ticket_id T2');
			expect(reason('events.csv', 4)).toContain('rejected');
			expect(reason('events.csv', 5)).toContain('unknown ticket_id T9');
			expect(reason('events.csv', 6)).toContain('required for escalated');
			expect(reason('events.csv', 7)).toContain('sideways');

			// what is stored
			expect(await ctx.rows('SELECT ticket_id FROM tickets ORDER BY 1')).toEqual([{ ticket_id: 'T1' }, { ticket_id: 'T4' }]);
			expect(await ctx.rows('SELECT event_id FROM events ORDER BY 1')).toEqual([
				{ event_id: 'E1' },
				{ event_id: 'E2' },
				{ event_id: 'E7' }
			]);
			// the full list of issues is kept with the import, the counts in the history
			expect(
				await ctx.rows(`SELECT file, line, field FROM import_rejects WHERE import_id = ${s.importId} ORDER BY file DESC, line`)
			).toEqual([
				{ file: 'tickets.csv', line: 3, field: 'priority' },
				{ file: 'tickets.csv', line: 4, field: 'csat_score' },
				{ file: 'events.csv', line: 4, field: 'ticket_id' },
				{ file: 'events.csv', line: 5, field: 'ticket_id' },
				{ file: 'events.csv', line: 6, field: 'from_tier' },
				{ file: 'events.csv', line: 7, field: 'kind' }
			]);
			expect(
				await ctx.rows(
					`SELECT status, tickets_read, tickets_inserted, tickets_rejected, events_read, events_inserted, events_rejected
					FROM imports WHERE id = ${s.importId}`
				)
			).toEqual([
				{
					status: 'committed_with_rejects',
					tickets_read: 4,
					tickets_inserted: 2,
					tickets_rejected: 2,
					events_read: 7,
					events_inserted: 3,
					events_rejected: 4
				}
			]);
		}));

	it('stores typed values with the defaults of SPEC.md', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.csv',
				csv(
					'TICKET_ID,Created_At,vip,priority,category,csat_score', //
					'T1,2026-03-02T09:00:00Z,YES, HIGH ,Billing,4',
					'T2,2026-03-02T10:00:00Z,,,,'
				)
			);
			const s = await ctx.run(tickets);
			expect(s.tickets).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
			expect(s.status).toBe('committed');
			expect(
				await ctx.rows(
					'SELECT ticket_id, vip, priority, category, csat_score::INTEGER AS csat FROM tickets ORDER BY ticket_id'
				)
			).toEqual([
				{ ticket_id: 'T1', vip: true, priority: 'high', category: 'Billing', csat: 4 },
				{ ticket_id: 'T2', vip: false, priority: 'normal', category: '(none)', csat: null }
			]);
		}));
});

describe('runImport: JSON and NDJSON files', () => {
	it('keeps keys that only later JSON records have, as extra columns', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'late-keys.json',
				'[{"ticket_id":"J1","created_at":"2026-03-02T09:00:00Z"},{"ticket_id":"J2","created_at":"2026-03-02T10:00:00Z","region":"EU"}]'
			);
			const s = await ctx.run(tickets);
			expect(s.ignoredColumns.tickets).toEqual(['region']);
			expect(await ctx.rows(`SELECT ticket_id, extra FROM tickets ORDER BY ticket_id`)).toEqual([
				{ ticket_id: 'J1', extra: null },
				{ ticket_id: 'J2', extra: '{"region":"EU"}' }
			]);
		}));

	it('rejects a JSON record without a required field as a row, whatever its position', () =>
		withDb(async (ctx) => {
			// The first record has no created_at: one rejected row, not a fatal "missing column".
			const tickets = ctx.file('first-bad.json', '[{"ticket_id":"K1"},{"ticket_id":"K2","created_at":"2026-03-02T09:00:00Z"}]');
			const s = await ctx.run(tickets);
			expect(s.tickets).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
			expect(s.issues[0]).toMatchObject({ line: 1, field: 'created_at', reason: 'is required' });
		}));

	it('imports a JSON array of tickets and NDJSON events, reporting a bad NDJSON line with its line', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.json',
				[
					'[', //                                                                      1
					'  {"ticket_id": "T1", "created_at": "2026-03-02T09:00:00Z", "csat_score": 5, "vip": true},', // 2
					'  {', //                                                                    3
					'    "ticket_id": "T2",',
					'    "created_at": "2026-03-02T10:00:00Z",',
					'    "csat_score": 9', //                                                    rejected: csat 9
					'  }',
					']'
				].join('\n')
			);
			const events = ctx.file(
				'events.ndjson',
				[
					'{"ticket_id": "T1", "occurred_at": "2026-03-02T09:30:00Z", "type": "responded"}', // 1
					'', //                                                                             2
					'{"ticket_id": "T1", "occurred_at": oops}', //                                     3 not JSON
					'{"ticket_id": "T1", "occurred_at": "2026-03-02T12:00:00Z", "type": "resolved"}' // 4
				].join('\n')
			);
			const s = await ctx.run(tickets, events);
			expect(s.tickets).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
			expect(s.events).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
			expect(s.issues.map(({ file, line, field }) => ({ file, line, field }))).toEqual([
				{ file: 'tickets.json', line: 3, field: 'csat_score' },
				{ file: 'events.ndjson', line: 3, field: '(row)' }
			]);
			expect(await ctx.rows(`SELECT ticket_id, csat_score::INTEGER AS csat, vip FROM tickets`)).toEqual([
				{ ticket_id: 'T1', csat: 5, vip: true }
			]);
			expect(await ctx.rows(`SELECT type, line FROM events ORDER BY line`)).toEqual([
				{ type: 'responded', line: 1 },
				{ type: 'resolved', line: 4 }
			]);
		}));
});

describe('runImport: duplicates', () => {
	it('keeps the last valid row of a ticket_id that appears twice', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.csv',
				csv(
					'ticket_id,created_at,priority,subject', // 1
					'T1,2026-03-02T09:00:00Z,low,first', //     2 replaced by line 4
					'T2,2026-03-02T09:30:00Z,low,other', //     3
					'T1,2026-03-02T09:00:00Z,urgent,second', // 4 the last valid T1
					'T1,2026-03-02T09:00:00Z,asap,third' //     5 rejected, so it does not win
				)
			);
			const events = ctx.file('events.csv', csv('ticket_id,occurred_at,type', 'T1,2026-03-02T10:00:00Z,note'));
			const s = await ctx.run(tickets, events);
			// 4 rows read; T1 and T2 inserted once each; line 5 rejected
			expect(s.tickets).toEqual({ read: 4, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
			// T1 has a valid row, so its event is not rejected
			expect(s.events).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
			// line 2 is reported as replaced by line 4
			expect(s.warnings).toBe(1);
			expect(s.issues.find((i) => i.severity === 'warning')).toMatchObject({ file: 'tickets.csv', line: 2, field: 'ticket_id' });
			expect(await ctx.rows(`SELECT ticket_id, priority, subject, line FROM tickets ORDER BY ticket_id`)).toEqual([
				{ ticket_id: 'T1', priority: 'urgent', subject: 'second', line: 4 },
				{ ticket_id: 'T2', priority: 'low', subject: 'other', line: 3 }
			]);
		}));

	it('stores one event when the same event appears twice with the instant written differently', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', csv('ticket_id,created_at', 'T1,2026-03-02T09:00:00Z'));
			const events = ctx.file(
				'events.csv',
				csv(
					'ticket_id,occurred_at,type,from_tier,to_tier,actor,note', //   1
					'T1,2026-03-02T10:00:00Z,escalated,1,2,ana,first', //            2
					'T1,2026-03-02T11:00:00+01:00,escalated,1,2,ana,second' //       3 same key: 11:00+01:00 = 10:00Z
				)
			);
			const s = await ctx.run(tickets, events);
			expect(s.events).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
			expect(s.warnings).toBe(1);
			// the later row replaces the earlier one; 10:00Z
			expect(
				await ctx.rows(`SELECT note, line, epoch_us(occurred_at)::DOUBLE AS us FROM events`)
			).toEqual([{ note: 'second', line: 3, us: utcUs(2026, 3, 2, 10, 0) }]);
		}));

	it('stores one event per event_id when an event_id repeats', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', csv('ticket_id,created_at', 'T1,2026-03-02T09:00:00Z'));
			const events = ctx.file(
				'events.csv',
				csv(
					'event_id,ticket_id,occurred_at,type,note',
					'E1,T1,2026-03-02T10:00:00Z,note,old',
					'E2,T1,2026-03-02T10:05:00Z,note,other',
					'E1,T1,2026-03-02T10:01:00Z,note,new'
				)
			);
			const s = await ctx.run(tickets, events);
			expect(s.events).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
			expect(await ctx.rows(`SELECT event_id, note FROM events ORDER BY event_id`)).toEqual([
				{ event_id: 'E1', note: 'new' },
				{ event_id: 'E2', note: 'other' }
			]);
		}));
});

describe('runImport: several records on one line (a JSON array written on one line)', () => {
	// Found by test/fuzz-import.test.ts: "later" was decided by line, so repeats on one line were
	// all kept (two rows for T1), a repeat on a later line dropped every record sharing the
	// earlier line, and rejected events were counted once per line.
	it('keeps the last of a repeated ticket or event, and only that one is replaced', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.json',
				JSON.stringify([
					{ ticket_id: 'T1', created_at: '2026-03-02T09:00:00Z', subject: 'first' },
					{ ticket_id: 'T2', created_at: '2026-03-02T09:30:00Z', subject: 'beside it' },
					{ ticket_id: 'T1', created_at: '2026-03-02T09:00:00Z', subject: 'second' }
				])
			);
			const events = ctx.file(
				'events.json',
				'[' +
					JSON.stringify({ event_id: 'E1', ticket_id: 'T1', occurred_at: '2026-03-02T10:00:00Z', type: 'note', note: 'old' }) + ',' +
					JSON.stringify({ event_id: 'E2', ticket_id: 'T2', occurred_at: '2026-03-02T10:05:00Z', type: 'note', note: 'beside it' }) + ',\n' +
					JSON.stringify({ event_id: 'E1', ticket_id: 'T1', occurred_at: '2026-03-02T10:01:00Z', type: 'note', note: 'new' }) + ']\n'
			);
			const s = await ctx.run(tickets, events);
			expect(s.tickets).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
			expect(s.events).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
			expect(await ctx.rows(`SELECT ticket_id, subject FROM tickets ORDER BY ticket_id`)).toEqual([
				{ ticket_id: 'T1', subject: 'second' },
				{ ticket_id: 'T2', subject: 'beside it' }
			]);
			expect(await ctx.rows(`SELECT event_id, note FROM events ORDER BY event_id`)).toEqual([
				{ event_id: 'E1', note: 'new' },
				{ event_id: 'E2', note: 'beside it' }
			]);
			// One warning per replaced row, each on its own line, naming the line of the row kept.
			expect(s.issues.filter((i) => i.severity === 'warning').map((i) => [i.file, i.line, i.reason])).toEqual([
				['tickets.json', 1, 'ticket_id T1 appears again on line 1; that later row is kept'],
				['events.json', 1, 'the same event appears again on line 2; that later row is kept']
			]);
		}));

	it('counts every rejected event, not every line with a rejected event', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.json', JSON.stringify([{ ticket_id: 'T1', created_at: '2026-03-02T09:00:00Z' }]));
			const events = ctx.file(
				'events.json',
				JSON.stringify([
					{ ticket_id: 'X1', occurred_at: '2026-03-02T10:00:00Z', type: 'note' },
					{ ticket_id: 'X2', occurred_at: '2026-03-02T10:00:00Z', type: 'note' },
					{ ticket_id: 'T1', occurred_at: 'soon', type: 'note' },
					{ ticket_id: 'T1', occurred_at: '2026-03-02T10:00:00Z', type: 'note' }
				])
			);
			const s = await ctx.run(tickets, events);
			expect(s.events).toEqual({ read: 4, inserted: 1, updated: 0, unchanged: 0, rejected: 3 });
			expect(s.status).toBe('committed_with_rejects');
			const [imp] = await ctx.rows<{ events_rejected: number }>('SELECT events_rejected FROM imports');
			expect(imp.events_rejected).toBe(3);
		}));
});

describe('runImport: time zones', () => {
	it('stores naive timestamps as the UTC instant of the configured zone, and offsets as written', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file(
				'tickets.csv',
				csv(
					'ticket_id,created_at,resolved_at',
					'T1,2026-03-02 10:00,2026-03-02', //         CET: 10:00 - 1h = 09:00Z; date alone = 2026-03-01 23:00Z
					'T2,2026-07-15T10:00:00,', //                CEST: 10:00 - 2h = 08:00Z
					'T3,2026-03-02T10:00:00Z,2026-03-02T12:00-05:00' // offsets win: 10:00Z; 12:00 + 5h = 17:00Z
				)
			);
			const events = ctx.file(
				'events.csv',
				csv(
					'ticket_id,occurred_at,type', //
					'T1,2026-03-02 11:30,note', //                          CET: 10:30Z
					'T1,2026-10-25 02:30,note' //                           ambiguous: first occurrence, CEST: 00:30Z
				)
			);
			const s = await ctx.run(tickets, events, { timeZone: 'Europe/Berlin' });
			expect(s.tickets.inserted).toBe(3);
			expect(s.events.inserted).toBe(2);
			expect(
				await ctx.rows(
					`SELECT ticket_id, epoch_us(created_at)::DOUBLE AS created, epoch_us(resolved_at)::DOUBLE AS resolved
					FROM tickets ORDER BY ticket_id`
				)
			).toEqual([
				{ ticket_id: 'T1', created: utcUs(2026, 3, 2, 9, 0), resolved: utcUs(2026, 3, 1, 23, 0) },
				{ ticket_id: 'T2', created: utcUs(2026, 7, 15, 8, 0), resolved: null },
				{ ticket_id: 'T3', created: utcUs(2026, 3, 2, 10, 0), resolved: utcUs(2026, 3, 2, 17, 0) }
			]);
			expect(await ctx.rows(`SELECT epoch_us(occurred_at)::DOUBLE AS us FROM events ORDER BY 1`)).toEqual([
				{ us: utcUs(2026, 3, 2, 10, 30) },
				{ us: utcUs(2026, 10, 25, 0, 30) }
			]);
		}));

	it('reads the same naive text as UTC when the zone is UTC', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', csv('ticket_id,created_at', 'T1,2026-03-02 10:00'));
			await ctx.run(tickets, undefined, { timeZone: 'UTC' });
			expect(await ctx.rows(`SELECT epoch_us(created_at)::DOUBLE AS us FROM tickets`)).toEqual([
				{ us: utcUs(2026, 3, 2, 10, 0) }
			]);
		}));
});

describe('runImport: importing again', () => {
	const TICKETS = csv(
		'ticket_id,created_at,first_response_at,resolved_at,status,priority,category,vip,csat_score,subject,description,region',
		'T1,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T12:00:00Z,solved,high,billing,yes,4,Refund,"line one',
		'line two",EU',
		'T2,2026-03-02T10:00:00Z,,,open,,,,,,,',
		'T3,2026-03-03T10:00:00.123456Z,,,new,low,Login,0,,"Can\'t, log in",,US'
	);
	const EVENTS = csv(
		'ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor,note',
		'T1,2026-03-02T09:10:00Z,responded,,,,,ana,',
		'T1,2026-03-02T09:30:00Z,escalated,1,2,functional,technical_complexity,ana,needs a specialist',
		'T1,2026-03-02T12:00:00Z,resolved,,,,,bob,',
		'T2,2026-03-02T10:05:00Z,assigned,,,,,,'
	);

	it('changes nothing when the same files are imported again', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', TICKETS);
			const events = ctx.file('events.csv', EVENTS);
			const first = await ctx.run(tickets, events);
			expect(first.tickets).toEqual({ read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
			expect(first.events).toEqual({ read: 4, inserted: 4, updated: 0, unchanged: 0, rejected: 0 });
			expect(first.ignoredColumns.tickets).toEqual(['region']);
			const before = await content(ctx);
			expect(before.tickets).toHaveLength(3);
			expect(before.events).toHaveLength(4);

			const again = await ctx.run(tickets, events);
			expect(again.tickets).toEqual({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
			expect(again.events).toEqual({ read: 4, inserted: 0, updated: 0, unchanged: 4, rejected: 0 });
			expect(again.warnings).toBe(0);
			expect(again.importId).toBe(first.importId + 1);
			expect(await content(ctx)).toEqual(before);
			// no row was rewritten by the second import
			expect(await ctx.rows(`SELECT count(*)::INTEGER AS n FROM tickets WHERE import_id <> ${first.importId}`)).toEqual([{ n: 0 }]);
			expect(await ctx.rows(`SELECT count(*)::INTEGER AS n FROM events WHERE import_id <> ${first.importId}`)).toEqual([{ n: 0 }]);
		}));

	it('applies a newer export: one ticket changed, one new, one new event, the old events repeated', () =>
		withDb(async (ctx) => {
			const first = await ctx.run(ctx.file('tickets-1.csv', TICKETS), ctx.file('events-1.csv', EVENTS));
			const newerTickets = csv(
				'ticket_id,created_at,first_response_at,resolved_at,status,priority,category,vip,csat_score,subject,description,region',
				'T1,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T12:00:00Z,solved,high,billing,yes,4,Refund,"line one',
				'line two",EU',
				// T2 now solved
				'T2,2026-03-02T10:00:00Z,,2026-03-04T08:00:00Z,solved,,,,,,,',
				'T3,2026-03-03T10:00:00.123456Z,,,new,low,Login,0,,"Can\'t, log in",,US',
				// T4 is new
				'T4,2026-03-04T07:00:00Z,,,new,,,,,,,'
			);
			const newerEvents = EVENTS + 'T2,2026-03-04T08:00:00Z,resolved,,,,,carl,\n';
			const s = await ctx.run(ctx.file('tickets-2.csv', newerTickets), ctx.file('events-2.csv', newerEvents));
			expect(s.tickets).toEqual({ read: 4, inserted: 1, updated: 1, unchanged: 2, rejected: 0 });
			expect(s.events).toEqual({ read: 5, inserted: 1, updated: 0, unchanged: 4, rejected: 0 });
			expect(await ctx.rows(`SELECT count(*)::INTEGER AS n, count(DISTINCT event_key)::INTEGER AS keys FROM events`)).toEqual([
				{ n: 5, keys: 5 }
			]);
			expect(
				await ctx.rows(
					`SELECT ticket_id, status, epoch_us(resolved_at)::DOUBLE AS resolved, import_id FROM tickets ORDER BY ticket_id`
				)
			).toEqual([
				{ ticket_id: 'T1', status: 'solved', resolved: utcUs(2026, 3, 2, 12), import_id: first.importId },
				{ ticket_id: 'T2', status: 'solved', resolved: utcUs(2026, 3, 4, 8), import_id: s.importId },
				{ ticket_id: 'T3', status: 'new', resolved: null, import_id: first.importId },
				{ ticket_id: 'T4', status: 'new', resolved: null, import_id: s.importId }
			]);
			expect(await ctx.rows(`SELECT ticket_id, type, actor FROM events WHERE import_id = ${s.importId}`)).toEqual([
				{ ticket_id: 'T2', type: 'resolved', actor: 'carl' }
			]);
		}));

	it('counts an event whose key is the same but whose other fields changed as updated', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', csv('ticket_id,created_at', 'T1,2026-03-02T09:00:00Z'));
			await ctx.run(tickets, ctx.file('e1.csv', csv('event_id,ticket_id,occurred_at,type,note', 'E1,T1,2026-03-02T10:00:00Z,note,draft')));
			const s = await ctx.run(tickets, ctx.file('e2.csv', csv('event_id,ticket_id,occurred_at,type,note', 'E1,T1,2026-03-02T10:00:00Z,note,final')));
			expect(s.tickets).toEqual({ read: 1, inserted: 0, updated: 0, unchanged: 1, rejected: 0 });
			expect(s.events).toEqual({ read: 1, inserted: 0, updated: 1, unchanged: 0, rejected: 0 });
			expect(await ctx.rows(`SELECT event_id, note FROM events`)).toEqual([{ event_id: 'E1', note: 'final' }]);
		}));
});

describe('runImport: warnings', () => {
	it('keeps an escalation whose from_tier does not match the tier the ticket is in, with a warning', () =>
		withDb(async (ctx) => {
			const tickets = ctx.file('tickets.csv', csv('ticket_id,created_at', 'T1,2026-03-02T09:00:00Z'));
			const events = ctx.file(
				'events.csv',
				csv(
					'ticket_id,occurred_at,type,from_tier,to_tier', // 1
					'T1,2026-03-02T10:00:00Z,escalated,1,2', //       2 tier 1 -> 2
					'T1,2026-03-02T11:00:00Z,escalated,1,3' //        3 says from 1, but the ticket is in tier 2
				)
			);
			const s = await ctx.run(tickets, events);
			expect(s.events).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
			expect(s.status).toBe('committed');
			expect(s.warnings).toBe(1);
			expect(s.issues).toHaveLength(1);
			expect(s.issues[0]).toMatchObject({ severity: 'warning', file: 'events.csv', line: 3, field: 'from_tier' });
			expect(s.issues[0].reason).toContain('(2)');
			expect(await ctx.rows(`SELECT from_tier::INTEGER AS f, to_tier::INTEGER AS t FROM events ORDER BY occurred_at`)).toEqual([
				{ f: 1, t: 2 },
				{ f: 1, t: 3 }
			]);
		}));
});

describe('runImport: fatal errors leave the database as it was', () => {
	const GOOD_TICKETS = csv('ticket_id,created_at,priority', 'T1,2026-03-02T09:00:00Z,high', 'T2,2026-03-02T10:00:00Z,asap');
	const GOOD_EVENTS = csv('ticket_id,occurred_at,type', 'T1,2026-03-02T09:30:00Z,responded', 'T2,2026-03-02T10:30:00Z,note');

	/** A database with one import that has a rejected ticket and a rejected event. */
	async function seeded(ctx: Ctx) {
		const s = await ctx.run(ctx.file('seed-tickets.csv', GOOD_TICKETS), ctx.file('seed-events.csv', GOOD_EVENTS));
		expect(s.tickets.inserted).toBe(1);
		expect(s.events.rejected).toBe(1);
		const snap = await snapshot(ctx);
		expect(Object.keys(snap)).toEqual(expect.arrayContaining(['tickets', 'events', 'imports', 'import_rejects']));
		expect(snap.imports).toHaveLength(1);
		expect(snap.import_rejects).toHaveLength(2);
		return snap;
	}

	it('fails on a tickets file without the created_at column, naming the file and the column', () =>
		withDb(async (ctx) => {
			const before = await seeded(ctx);
			const bad = ctx.file('no-created.csv', csv('ticket_id,priority', 'T1,low', 'T9,high'));
			const err = await expectFatal(ctx.run(bad, ctx.file('events.csv', GOOD_EVENTS)));
			expect(err.file).toBe('no-created.csv');
			expect(err.message).toMatch(/^no-created\.csv: /);
			expect(err.message).toContain('created_at');
			expect(await snapshot(ctx)).toEqual(before);
		}));

	it('fails when the events file is given as the tickets file, saying so', () =>
		withDb(async (ctx) => {
			const before = await seeded(ctx);
			const eventsAsTickets = ctx.file('events-export.csv', GOOD_EVENTS);
			const err = await expectFatal(ctx.run(eventsAsTickets));
			expect(err.file).toBe('events-export.csv');
			expect(err.message).toContain('looks like an events file');
			expect(await snapshot(ctx)).toEqual(before);
		}));

	it('fails on invalid UTF-8 in the events file after a valid tickets file, writing none of the tickets', () =>
		withDb(async (ctx) => {
			const before = await seeded(ctx);
			const tickets = ctx.file(
				'tickets.csv',
				csv('ticket_id,created_at,priority', 'T1,2026-03-02T09:00:00Z,low', 'T3,2026-03-05T09:00:00Z,normal')
			);
			const events = ctx.file(
				'events.csv',
				Buffer.concat([
					Buffer.from(csv('ticket_id,occurred_at,type,note', 'T1,2026-03-02T09:30:00Z,note,fine', 'T3,2026-03-05T09:30:00Z,note,caf')),
					Buffer.from([0xe9]), // Latin-1 é, not valid UTF-8
					Buffer.from('\n')
				])
			);
			const err = await expectFatal(ctx.run(tickets, events));
			expect(err.file).toBe('events.csv');
			expect(err.message).toMatch(/^events\.csv: /);
			expect(err.message).toContain('UTF-8');
			expect(await snapshot(ctx)).toEqual(before);
		}));

	it('refuses a workbook as the tickets file and a PDF as the events file, naming each, before reading', () =>
		withDb(async (ctx) => {
			const before = await seeded(ctx);
			const good = ctx.file('tickets.csv', GOOD_TICKETS);
			const xlsx = ctx.file('tickets.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), Buffer.from('[Content_Types].xml')]));
			const pdf = ctx.file('report.csv', '%PDF-1.7\n1 0 obj\n');
			let err = await expectFatal(ctx.run(xlsx, ctx.file('events.csv', GOOD_EVENTS)));
			expect(err.message).toBe('tickets.xlsx: looks like an Excel workbook or zip archive: export it as CSV (UTF-8), or unzip it and import the file inside');
			err = await expectFatal(ctx.run(good, pdf));
			expect(err.file).toBe('report.csv');
			expect(err.problem).toContain('is a PDF document');
			// UTF-16 (what Excel's "Unicode text" writes) is refused with the way out.
			const utf16 = ctx.file('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD_TICKETS, 'utf16le')]));
			err = await expectFatal(ctx.run(utf16));
			expect(err.message).toBe('utf16.csv: is UTF-16 text: save it as UTF-8 (in Excel: Save As > CSV UTF-8) and import that');
			expect(await snapshot(ctx)).toEqual(before);
		}));

	it('fails on a tickets file that does not exist', () =>
		withDb(async (ctx) => {
			const before = await seeded(ctx);
			const err = await expectFatal(ctx.run(path.join(ctx.dir, 'missing.csv')));
			expect(err.file).toBe('missing.csv');
			expect(await snapshot(ctx)).toEqual(before);
		}));
});
