// Property tests (fast-check) of the import's one promise about hostile input: whatever the
// files hold, runImport / importExport either commit (and the summary's counts match what the
// tables gained) or throw ImportFatalError naming a file and leave the database exactly as it
// was. Any other exception, a hang or an unhandled rejection fails the test. Seeds are fixed so
// a failure is reproducible; each property reuses one database, so later runs update earlier
// ones' tickets and events. To search further: FUZZ_SEED=<n> FUZZ_RUNS=<n> npx vitest run test/fuzz-import.test.ts
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportFatalError, runImport, type ImportSummary } from '../src/lib/server/import.ts';
import { exportsDir, importExport, setMapping } from '../src/lib/server/adapter-import.ts';
import { EVENT_FIELDS, TICKET_FIELDS } from '../src/lib/import/canonical.ts';
import { parseExportText } from '../src/lib/import/adapters/source.ts';
import type { AdapterId } from '../src/lib/import/adapters/types.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { fingerprint, ROOT, withDb } from './helpers.ts';
import { EXT, idArb, junk, layoutArb, serialize, tableArb, textArb, timestampArb, ZONES } from './import-arbitraries.ts';

/** The fixed seed and run count of a property, unless FUZZ_SEED / FUZZ_RUNS ask for a longer search. */
const budget = (seed: number, numRuns: number) => ({
	seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) + seed : seed,
	numRuns: process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : numRuns
});
const TIMEOUT = process.env.FUZZ_RUNS ? 3_600_000 : 60_000;

/** Fails a call that neither resolves nor rejects in time (a hang), instead of the whole file timing out. */
function inTime<T>(p: Promise<T>, ms = 15_000): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`the import did not finish within ${ms} ms`)), ms);
	});
	return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

interface Tally {
	tickets: number;
	events: number;
	imports: number;
}

async function tally(db: string): Promise<Tally> {
	const [r] = await withConnection(
		(c) =>
			query<Tally>(
				c,
				`SELECT (SELECT count(*) FROM tickets)::INTEGER AS tickets, (SELECT count(*) FROM events)::INTEGER AS events,
					(SELECT count(*) FROM imports)::INTEGER AS imports`
			),
		db
	);
	return { tickets: Number(r.tickets), events: Number(r.events), imports: Number(r.imports) };
}

interface IssueCounts {
	ticketErrorLines: number;
	eventErrorLines: number;
	ticketsSuperseded: number;
	eventsSuperseded: number;
	warnings: number;
}

async function issueCounts(db: string, id: number, ticketsFile: string, eventsFile: string): Promise<IssueCounts> {
	const [r] = await withConnection(
		(c) =>
			query<IssueCounts>(
				c,
				`SELECT
					(SELECT count(DISTINCT line) FROM import_rejects WHERE import_id = $id AND severity = 'error' AND file = $t)::INTEGER AS ticketErrorLines,
					(SELECT count(DISTINCT line) FROM import_rejects WHERE import_id = $id AND severity = 'error' AND file = $e)::INTEGER AS eventErrorLines,
					(SELECT count(*) FROM import_rejects WHERE import_id = $id AND file = $t AND severity = 'warning' AND reason LIKE '% appears again on line %')::INTEGER AS ticketsSuperseded,
					(SELECT count(*) FROM import_rejects WHERE import_id = $id AND file = $e AND severity = 'warning' AND reason LIKE 'the same event appears again%')::INTEGER AS eventsSuperseded,
					(SELECT count(*) FROM import_rejects WHERE import_id = $id AND severity = 'warning')::INTEGER AS warnings`,
				{ id, t: ticketsFile, e: eventsFile }
			),
		db
	);
	return { ...r, ticketErrorLines: Number(r.ticketErrorLines), eventErrorLines: Number(r.eventErrorLines), ticketsSuperseded: Number(r.ticketsSuperseded), eventsSuperseded: Number(r.eventsSuperseded), warnings: Number(r.warnings) };
}

type Outcome = { committed: ImportSummary } | { fatal: ImportFatalError };

/**
 * Runs one import and checks the contract: a commit whose history row and table changes match
 * its summary, or an ImportFatalError naming one of `files` with the database unchanged.
 */
async function checkedImport(db: string, files: string[], run: () => Promise<ImportSummary>): Promise<{ outcome: Outcome; before: Tally; after: Tally }> {
	const print = await fingerprint(db);
	const before = await tally(db);
	let outcome: Outcome;
	try {
		outcome = { committed: await inTime(run()) };
	} catch (err) {
		if (!(err instanceof ImportFatalError)) throw err; // a TypeError, a DuckDB error, a hang: a bug
		outcome = { fatal: err };
	}
	const after = await tally(db);
	if ('fatal' in outcome) {
		const e = outcome.fatal;
		expect(files).toContain(e.file);
		expect(e.problem.trim()).not.toBe('');
		expect(e.message).toBe(`${e.file}: ${e.problem}`);
		expect(await fingerprint(db)).toEqual(print);
	} else {
		const s = outcome.committed;
		expect(after.imports).toBe(before.imports + 1);
		// One row per ticket and per event, whatever the file repeated.
		const [dups] = await withConnection(
			(c) =>
				query<{ tickets: number; events: number }>(
					c,
					`SELECT (SELECT count(*) - count(DISTINCT ticket_id) FROM tickets)::INTEGER AS tickets,
						(SELECT count(*) - count(DISTINCT event_key) FROM events)::INTEGER AS events`
				),
			db
		);
		expect(dups).toEqual({ tickets: 0, events: 0 });
		expect(s.tickets.rejected + s.events.rejected > 0 ? 'committed_with_rejects' : 'committed').toBe(s.status);
		// The history row says what the summary says.
		const [row] = await withConnection(
			(c) =>
				query(
					c,
					`SELECT status, tickets_read, tickets_inserted, tickets_updated, tickets_unchanged, tickets_rejected,
						events_read, events_inserted, events_updated, events_unchanged, events_rejected, warnings
					FROM imports WHERE id = $id`,
					{ id: s.importId }
				),
			db
		);
		const { tickets: t, events: e } = s;
		expect(row).toEqual({
			status: s.status,
			...{ tickets_read: t.read, tickets_inserted: t.inserted, tickets_updated: t.updated, tickets_unchanged: t.unchanged, tickets_rejected: t.rejected },
			...{ events_read: e.read, events_inserted: e.inserted, events_updated: e.updated, events_unchanged: e.unchanged, events_rejected: e.rejected },
			warnings: s.warnings
		});
	}
	return { outcome, before, after };
}

// ---------------------------------------------------------------- the properties

describe('runImport on hostile input: commits with matching counts, or fails cleanly', () => {
	it('random bytes, random text and a valid start followed by either, as tickets and events', () =>
		withDb(async (db, dir) => {
			let n = 0;
			const start = fc.constantFrom('ticket_id,created_at\n', 'ticket_id,occurred_at,type\r\n', '[{"ticket_id":', '{"ticket_id":"T1"}\n');
			const bytesArb = fc.oneof(
				fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
				fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
				fc.tuple(start, fc.uint8Array({ maxLength: 300 })).map(([h, b]) => Buffer.concat([Buffer.from(h), b])),
				fc.tuple(start, fc.string({ unit: 'binary', maxLength: 200 })).map(([h, s]) => Buffer.from(h + s)),
				// Past the sniffer's 64 KiB: only the streaming reader sees the random tail.
				fc.tuple(fc.nat(500), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([more, tail]) =>
					Buffer.concat([Buffer.from('ticket_id,created_at\n' + 'T1,2026-03-02T09:00:00Z\n'.repeat(2_800 + more)), tail])
				)
			);
			await fc.assert(
				fc.asyncProperty(bytesArb, fc.option(bytesArb), fc.constantFrom('.csv', '.json', '.ndjson', ''), async (tickets, events, ext) => {
					n++;
					const t = path.join(dir, `t${n}${ext}`);
					const e = path.join(dir, `e${n}${ext}`);
					fs.writeFileSync(t, tickets);
					if (events) fs.writeFileSync(e, events);
					const { outcome, before, after } = await checkedImport(db, [path.basename(t), path.basename(e)], () =>
						runImport({ ticketsFile: t, eventsFile: events ? e : undefined, source: 'cli', db, timeZone: 'UTC' })
					);
					if ('committed' in outcome) await checkCounts(db, outcome.committed, path.basename(t), path.basename(e), before, after);
				}),
				budget(0x5eed01, 120)
			);
		}), TIMEOUT);

	it('CSV, JSON and NDJSON built from real columns and junk, with hostile quoting, timestamps and values', () =>
		withDb(async (db, dir) => {
			let n = 0;
			let committed = 0;
			const tickets = tableArb(TICKET_FIELDS, ['ticket_id', 'created_at']);
			const events = tableArb(EVENT_FIELDS, ['ticket_id', 'occurred_at', 'type']);
			await fc.assert(
				fc.asyncProperty(tickets, layoutArb, fc.option(fc.tuple(events, layoutArb), { freq: 3 }), fc.constantFrom(...ZONES), fc.nat(), async (tt, tl, ev, zone, pick) => {
					n++;
					const t = path.join(dir, `tickets-${n}${EXT[tl.format][pick % EXT[tl.format].length]}`);
					fs.writeFileSync(t, serialize(tt, tl));
					let e: string | undefined;
					if (ev) {
						e = path.join(dir, `events-${n}${EXT[ev[1].format][pick % EXT[ev[1].format].length]}`);
						fs.writeFileSync(e, serialize(ev[0], ev[1]));
					}
					const labels = [path.basename(t), e ? path.basename(e) : ''];
					const { outcome, before, after } = await checkedImport(db, labels, () => runImport({ ticketsFile: t, eventsFile: e, source: 'cli', db, timeZone: zone }));
					if ('committed' in outcome) {
						committed++;
						await checkCounts(db, outcome.committed, labels[0], labels[1], before, after);
					}
				}),
				budget(0x5eed02, 130)
			);
			// The generators must reach the merge, not only the fatal checks.
			expect(committed).toBeGreaterThan(30);
		}), TIMEOUT);
});

/** For a canonical import: every row read is accounted for, and the tables grew by what was inserted. */
async function checkCounts(db: string, s: ImportSummary, ticketsFile: string, eventsFile: string, before: Tally, after: Tally) {
	const c = await issueCounts(db, s.importId, ticketsFile, eventsFile);
	expect(c.warnings).toBe(s.warnings);
	// Rejected rows are counted by row; their issues by line, and records can share a line.
	expect(c.ticketErrorLines).toBeLessThanOrEqual(s.tickets.rejected);
	expect(c.ticketErrorLines > 0).toBe(s.tickets.rejected > 0);
	expect(c.eventErrorLines).toBeLessThanOrEqual(s.events.rejected);
	expect(c.eventErrorLines > 0).toBe(s.events.rejected > 0);
	expect(s.tickets.inserted + s.tickets.updated + s.tickets.unchanged + s.tickets.rejected + c.ticketsSuperseded).toBe(s.tickets.read);
	expect(s.events.inserted + s.events.updated + s.events.unchanged + s.events.rejected + c.eventsSuperseded).toBe(s.events.read);
	expect(after.tickets - before.tickets).toBe(s.tickets.inserted);
	expect(after.events - before.events).toBe(s.events.inserted);
}

// ---------------------------------------------------------------- helpdesk exports

const headerOf = (fixture: string) => parseExportText(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'adapters', fixture), 'utf8')).header;
/** Each format's real columns (from the fixtures), and the ones its detection needs. */
const HELPDESKS: { id: AdapterId; header: string[]; key: string[] }[] = [
	{ id: 'zendesk', header: headerOf('zendesk-tickets.csv'), key: ['Id', 'Created at'] },
	{ id: 'freshdesk', header: headerOf('freshdesk-tickets.csv'), key: ['Ticket ID', 'Created time'] },
	{ id: 'jsm', header: headerOf('jsm-issues.csv'), key: ['Issue key', 'Created'] },
	{ id: 'servicenow', header: headerOf('servicenow-list-small.csv'), key: ['number', 'opened_at'] },
	{ id: 'servicenow-audit', header: headerOf('servicenow-audit-small.csv'), key: ['number', 'incident_state', 'sys_updated_at'] }
];

/** Values shaped by what a helpdesk column holds, plus junk. */
function exportValue(column: string): fc.Arbitrary<string> {
	const c = column.toLowerCase();
	const exportDate = fc.oneof(
		fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ').slice(0, 19)),
		fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 2100 }), fc.integer({ min: 0, max: 25 }), fc.constantFrom('', ' AM', ' pm')).map(([d, m, y, h, ap]) => `${d}/${m}/${y} ${h}:05${ap}`),
		fc.constantFrom('25/Feb/26 10:17 PM', '2026-02-25T22:17:00+01:00', '?', '-', 'N/A', '', '31/4/2026'),
		timestampArb
	);
	if (['id', 'ticket id', 'issue key', 'issue id', 'number'].includes(c)) return idArb;
	if (/ (at|time|date)$|_at$|^(created|updated|resolved|closed|due|last viewed)|date of/.test(c) && !c.includes('in hrs') && !c.includes('minutes')) return exportDate;
	if (/minutes|hrs|stations|reopens|replies|interactions|tracked|count|duration/.test(c)) return fc.oneof(fc.integer({ min: -5, max: 100_000 }).map(String), fc.constantFrom('', '0.5', '1e3', '99999999999999999999', '00:30', 'NaN'), junk);
	if (['group', 'assignment_group'].includes(c)) return fc.oneof(fc.constantFrom('Support L1', 'Tech L2', 'Experts', ''), junk);
	if (['priority', 'impact', 'urgency'].includes(c)) return fc.oneof(fc.constantFrom('Low', 'Normal', 'Medium', 'High', 'Urgent', '1 - Critical', '3 - Moderate', ''), junk);
	if (['status', 'state', 'incident_state', 'resolution'].includes(c)) return fc.oneof(fc.constantFrom('New', 'Open', 'Pending', 'On-hold', 'Solved', 'Closed', 'Resolved', 'Active', 'Awaiting User Info', 'Done', ''), junk);
	if (['active', 'made_sla', 'escalation'].includes(c)) return fc.constantFrom('true', 'false', 'TRUE', '0', '1', '', 'maybe', 'Overdue');
	if (c.includes('satisfaction') || c.includes('survey')) return fc.oneof(fc.constantFrom('Good', 'Bad', 'Offered', 'Extremely happy', 'Unhappy', ''), junk);
	if (c.includes('[flag]')) return fc.constantFrom('true', 'false', '', 'maybe');
	return textArb;
}

/** Zendesk's JSON extras: mostly shaped like the real thing with hostile fields, sometimes any JSON or junk. */
const zendeskRef = fc.oneof(fc.constantFrom('T1', 'T2', 'T3', 7), fc.integer(), junk);
const jsonish = fc.jsonValue({ maxDepth: 2 });
const auditsArb = fc.array(
	fc.record(
		{
			id: fc.oneof(fc.nat(50), junk),
			ticket_id: zendeskRef,
			created_at: timestampArb,
			author_id: fc.option(fc.nat(9)),
			events: fc.array(
				fc.record(
					{
						id: fc.nat(20),
						type: fc.constantFrom('Create', 'Change', 'Comment', 'Notification'),
						field_name: fc.constantFrom('status', 'group_id', 'priority'),
						value: fc.oneof(fc.constantFrom('solved', 'open', 'closed', 'hold', 'new', 11, 12, 'Tech L2', 'Experts', ''), jsonish),
						previous_value: fc.oneof(fc.constantFrom('solved', 'closed', 'open', 11, 12, ''), jsonish)
					},
					{ requiredKeys: ['type'] }
				),
				{ maxLength: 4 }
			)
		},
		{ requiredKeys: ['id', 'ticket_id', 'created_at'] }
	),
	{ maxLength: 5 }
);
const metricsArb = fc.array(
	fc.record(
		{ id: fc.nat(50), ticket_id: zendeskRef, metric: fc.constantFrom('reply_time', 'resolution_time'), type: fc.constantFrom('breach', 'activate', 'fulfill'), time: timestampArb, deleted: fc.boolean() },
		{ requiredKeys: ['id', 'ticket_id', 'type', 'time'] }
	),
	{ maxLength: 5 }
);
const extraArb = fc.oneof(
	fc.record({ kind: fc.constant('zendesk-audits' as const), text: fc.oneof({ weight: 4, arbitrary: auditsArb.map((audits) => JSON.stringify({ audits })) }, { weight: 1, arbitrary: jsonish.map((j) => JSON.stringify(j)) }, { weight: 1, arbitrary: junk }) }),
	fc.record({ kind: fc.constant('zendesk-metric-events' as const), text: fc.oneof({ weight: 4, arbitrary: metricsArb.map((m) => JSON.stringify({ ticket_metric_events: m })) }, { weight: 1, arbitrary: jsonish.map((j) => JSON.stringify(j)) }) }),
	fc.record({
		kind: fc.constant('zendesk-groups' as const),
		text: fc.oneof(
			fc.constant(JSON.stringify({ groups: [{ id: 11, name: 'Tech L2' }, { id: 12, name: 'Experts' }] })),
			fc.dictionary(fc.constantFrom('11', '12', '13'), fc.oneof(fc.constantFrom('Tech L2', 'Experts'), junk)).map((d) => JSON.stringify(d)),
			jsonish.map((j) => JSON.stringify(j))
		)
	})
);

describe('importExport on hostile helpdesk exports: commits or fails cleanly', () => {
	it('exports with the real columns of each helpdesk, junk columns, hostile values and Zendesk JSON extras', () =>
		withDb(async (db, dir) => {
			await setMapping('group_tier', 'Tech L2', 2, db);
			await setMapping('group_tier', 'Experts', 3, db);
			let n = 0;
			const exportArb = fc.constantFrom(...HELPDESKS).chain((h) =>
				fc
					.tuple(fc.subarray(h.header.filter((c) => !h.key.includes(c)), { minLength: Math.floor(h.header.length / 2) }), fc.array(junk, { maxLength: 2 }))
					.chain(([some, extra]) => fc.shuffledSubarray([...h.key, ...some, ...extra], { minLength: h.key.length + some.length + extra.length }))
					.chain((header) =>
						fc.record({
							helpdesk: fc.constant(h.id),
							table: fc.record({ header: fc.constant(header), rows: fc.array(fc.tuple(...header.map(exportValue)), { maxLength: 10 }) }),
							layout: layoutArb.map((l) => ({ ...l, format: 'csv' as const })),
							named: fc.boolean(),
							dateOrder: fc.constantFrom(null, 'dmy' as const, 'mdy' as const),
							// Mostly with a Zendesk export (others refuse them, which is checked too, but rarely).
							extras: fc.option(fc.array(extraArb, { minLength: 1, maxLength: 3 }), { freq: h.id === 'zendesk' ? 1 : 12 })
						})
					)
			);
			await fc.assert(
				fc.asyncProperty(exportArb, async ({ helpdesk, table, layout, named, dateOrder, extras }) => {
					n++;
					const file = path.join(dir, `${helpdesk}-${n}.csv`);
					fs.writeFileSync(file, serialize(table, layout));
					const extraFiles = (extras ?? []).map((x, i) => {
						const f = path.join(dir, `${x.kind}-${n}-${i}.json`);
						fs.writeFileSync(f, x.text);
						return { kind: x.kind, file: f };
					});
					const kept = () => (fs.existsSync(exportsDir(db)) ? fs.readdirSync(exportsDir(db)).sort() : []);
					const keptBefore = kept();
					const { outcome, before, after } = await checkedImport(db, [file, ...extraFiles.map((x) => x.file)].map((f) => path.basename(f)), () =>
						importExport({ file, format: named ? helpdesk : null, dateOrder, source: 'cli', db, timeZone: 'Europe/Berlin', extras: extraFiles })
					);
					if ('fatal' in outcome) {
						expect(kept()).toEqual(keptBefore);
						return;
					}
					const s = outcome.committed;
					const c = await issueCounts(db, s.importId, path.basename(file), '');
					expect(s.tickets.inserted + s.tickets.updated + s.tickets.unchanged + s.tickets.rejected + c.ticketsSuperseded).toBe(s.tickets.read);
					expect(after.tickets - before.tickets).toBe(s.tickets.inserted);
					// An export replaces the events it derived earlier for its tickets: the table may also shrink.
					expect(after.events - before.events).toBeLessThanOrEqual(s.events.inserted);
				}),
				budget(0x5eed03, 60)
			);
		}), TIMEOUT);
});
