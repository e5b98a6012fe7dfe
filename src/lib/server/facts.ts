// The derived per-ticket facts are materialized: computed by queries/ticket_facts.sql and
// stored by ticket_facts_write.sql, by every import (computed before its transaction, stored
// inside it), after demo data is cleared, and on open when they were built by another
// definition, for another HANDOFF_TZ or on another SLA calendar.
import type { DuckDBConnection } from '@duckdb/node-api';
import { TimeZoneRules } from '../import/timestamps.ts';
import { clockIntervals, loadConfig } from './config.ts';
import { query } from './db.ts';
import { queryDigest, querySql, runScript } from './queries.ts';

const KEY = 'ticket_facts_sha256';

/** The facts depend on their SQL, on HANDOFF_TZ (local ISO weeks) and on the SLA calendar. */
function factsVersion() {
	const tz = new TimeZoneRules(process.env.HANDOFF_TZ || 'UTC').name;
	const calendar = loadConfig().sla.calendar;
	return { tz, calendar, version: `${queryDigest('ticket_facts')} ${queryDigest('ticket_facts_write')} ${tz} ${JSON.stringify(calendar)}` };
}

/**
 * The SLA calendar as a table (one parameter, no SQL pasted together), covering the data from
 * its first ticket to its as-of time, and the sla_clock() macro that reads it.
 */
async function loadCalendar(conn: DuckDBConnection, calendar: ReturnType<typeof factsVersion>['calendar']) {
	const [range] = await query<{ first: Date | null; as_of: Date | null }>(
		conn,
		`SELECT (SELECT min(created_at) FROM facts_src_tickets) AS first,
			greatest((SELECT max(greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at))) FROM facts_src_tickets),
				(SELECT max(occurred_at) FROM facts_src_events)) AS as_of`
	);
	const intervals = clockIntervals(calendar, range.first ?? new Date(), range.as_of ?? new Date());
	await conn.run(
		`CREATE OR REPLACE TEMP TABLE sla_calendar AS
		SELECT open_at::TIMESTAMPTZ AS open_at, seconds, cum_before FROM (
			SELECT unnest(json_transform($intervals::JSON, '[{"open_at": "VARCHAR", "seconds": "DOUBLE", "cum_before": "DOUBLE"}]'), recursive := true)
		)`,
		{ intervals: JSON.stringify(intervals) }
	);
	await runScript(conn, 'sla_calendar');
}

/**
 * What the facts are built from: a SELECT of the tickets table's columns and one of the events
 * table's. An import gives the rows the tables will hold once its writes are done.
 */
export interface FactsSources {
	tickets: string;
	events: string;
}

const STORED: FactsSources = { tickets: 'SELECT * FROM tickets', events: 'SELECT * FROM events' };

/**
 * Rebuilds tier_segments, ticket_facts and the SLA clocks from `sources` (the stored tables by
 * default); call inside the caller's transaction.
 */
export async function rebuildFacts(conn: DuckDBConnection, sources: FactsSources = STORED): Promise<void> {
	await prepareFacts(conn, sources);
	await writeFacts(conn);
}

/**
 * Computes the facts into temp tables (ticket_facts.sql), reading `sources`. An import calls it
 * before its transaction begins, so every scan reads committed tables on every thread; then
 * writeFacts() inside the transaction. Until then, the sources must not change.
 */
export async function prepareFacts(conn: DuckDBConnection, sources: FactsSources): Promise<void> {
	const { tz, calendar } = factsVersion();
	try {
		await conn.run(`CREATE OR REPLACE TEMP VIEW facts_src_tickets AS ${sources.tickets}`);
		await conn.run(`CREATE OR REPLACE TEMP VIEW facts_src_events AS ${sources.events}`);
		await loadCalendar(conn, calendar);
		await runStatements(conn, 'ticket_facts', tz);
	} catch (err) {
		// Inside a transaction that failed, the drops fail too: the caller rolls back and drops.
		await discardFacts(conn).catch(() => undefined);
		throw err;
	}
}

/**
 * Stores what prepareFacts() computed (ticket_facts_write.sql); call inside the caller's
 * transaction. On an error the transaction is aborted and nothing more runs in it: the caller
 * rolls back, then calls discardFacts().
 */
export async function writeFacts(conn: DuckDBConnection): Promise<void> {
	const { tz, version } = factsVersion();
	await runStatements(conn, 'ticket_facts_write', tz);
	await conn.run('INSERT OR REPLACE INTO app_meta VALUES ($key, $value)', { key: KEY, value: version });
	await discardFacts(conn);
}

/** Drops what prepareFacts() made on this connection, whatever happened. */
export async function discardFacts(conn: DuckDBConnection): Promise<void> {
	await conn.run(
		['facts_tier_changes', 'facts_tickets', 'facts_early', 'facts_changes', 'facts_as_of', 'sla_lookup']
			.map((t) => `DROP TABLE IF EXISTS ${t};`)
			.join(' ') + ' DROP VIEW IF EXISTS facts_src_tickets; DROP VIEW IF EXISTS facts_src_events;'
	);
}

/**
 * Runs the statements of a queries/ file one by one, so $tz can be bound where used: a bound
 * time zone is a constant, which ICU sets once per batch of rows; one read from a table arrives
 * as a column through the joins, and ICU then sets it again for every row (that took seconds on
 * 1M tickets). Each prepared statement is destroyed at once: until then its plan keeps the
 * tables it read alive, the dropped temp tables too (hundreds of MB until the GC got to it).
 */
async function runStatements(conn: DuckDBConnection, name: string, tz: string): Promise<void> {
	const statements = await conn.extractStatements(querySql(name));
	for (let i = 0; i < statements.count; i++) {
		const statement = await statements.prepare(i);
		try {
			if (statement.parameterCount > 0) statement.bind({ tz });
			await statement.run();
		} finally {
			statement.destroySync();
		}
	}
}

// Rebuilding writes the facts tables, and two transactions doing it at once conflict in DuckDB
// (a write-write conflict, and a failed request or import). In this process they take turns:
// the imports and clearing demo data, and requests that find the facts out of date.
let factsWrites: Promise<unknown> = Promise.resolve();

/** Runs `fn`, a transaction that rebuilds the facts, after every such transaction queued before it. */
export function serializeFactsWrite<T>(fn: () => Promise<T>): Promise<T> {
	const next = factsWrites.then(fn, fn);
	factsWrites = next.catch(() => undefined);
	return next;
}

async function factsCurrent(conn: DuckDBConnection): Promise<boolean> {
	const [row] = await query<{ value: string }>(conn, 'SELECT value FROM app_meta WHERE key = $key', { key: KEY });
	return row?.value === factsVersion().version;
}

/** Rebuilds the facts when they are missing or were made by other SQL, another HANDOFF_TZ or SLA calendar. */
export async function ensureFacts(conn: DuckDBConnection): Promise<void> {
	if (await factsCurrent(conn)) return;
	await serializeFactsWrite(async () => {
		// Requests that found the facts out of date together need one rebuild: the first one's.
		if (await factsCurrent(conn)) return;
		await rebuildFactsNow(conn);
	});
}

/**
 * Rebuilds the facts from the stored tables in a transaction of its own, computing them before
 * it begins (as an import does); the caller makes sure no other write to tickets or events
 * comes in between (serializeFactsWrite).
 */
export async function rebuildFactsNow(conn: DuckDBConnection): Promise<void> {
	await prepareFacts(conn, STORED);
	await conn.run('BEGIN TRANSACTION');
	try {
		await writeFacts(conn);
		await conn.run('COMMIT');
	} catch (err) {
		await conn.run('ROLLBACK');
		await discardFacts(conn);
		throw err;
	}
}
