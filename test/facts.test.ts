// The materialized facts (queries/ticket_facts.sql) on hand-made edge cases: a responded event
// before the ticket's creation, a resolution at the instant of a tier change, a tier change
// before creation, week boundaries and far dates (UTC weeks are computed without ICU and must
// equal ICU's), and the highest tiers (1..9 are valid). An import builds the facts before it
// writes its rows, from the stored rows it keeps and the rows it writes: they must be what a
// rebuild from the stored tables gives afterwards.
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query, withConnection } from '../src/lib/server/db.ts';
import { discardFacts, prepareFacts, rebuildFacts, writeFacts } from '../src/lib/server/facts.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,first_response_at,resolved_at
E,2026-03-02T10:00:00Z,2026-03-02T09:00:00Z,
X,2026-03-02T10:00:00Z,,
B,2026-03-02T10:00:00Z,,
S,2026-03-08T23:59:59.999999Z,2026-03-09T00:00:00Z,2026-03-09T00:00:00Z
O,1583-01-02T12:00:00Z,,
F,2999-12-30T00:00:00Z,,
N,2026-03-04T10:00:00Z,,
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
E,2026-03-02T09:00:00Z,responded,,
E,2026-03-02T11:00:00Z,responded,,
E,2026-03-02T12:00:00Z,responded,,
X,2026-03-02T12:00:00Z,escalated,1,2
X,2026-03-02T12:00:00Z,resolved,,
B,2026-03-02T08:00:00Z,escalated,1,2
B,2026-03-02T09:00:00Z,responded,,
N,2026-03-04T11:00:00Z,escalated,1,8
N,2026-03-04T12:00:00Z,escalated,8,9
N,2026-03-04T13:00:00Z,de_escalated,9,8
N,2026-03-04T14:00:00Z,resolved,,
`;

describe('ticket facts', () => {
	it('handles early responses, resolutions at a tier change, changes before creation and tiers 8 and 9', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			await withConnection(async (conn) => {
				const responses = await query<{ ticket_id: string; segment_no: number; responded_at: Date | null }>(
					conn,
					`SELECT ticket_id, segment_no::INTEGER AS segment_no, responded_at FROM segment_responses
					WHERE ticket_id IN ('E', 'B', 'S') ORDER BY ticket_id, segment_no`
				);
				expect(responses.map((r) => [r.ticket_id, r.segment_no, r.responded_at?.toISOString() ?? null])).toEqual([
					['B', 0, null], // its only response precedes created_at; tickets.first_response_at stands in only without responses
					['B', 1, '2026-03-02T09:00:00.000Z'],
					['E', 0, '2026-03-02T11:00:00.000Z'], // the first response at or after created_at, not the earlier one
					['S', 0, '2026-03-09T00:00:00.000Z'] // no responded events: first_response_at stands in
				]);
				const facts = await query<{ ticket_id: string; tier_path: number[]; tiers_reached: number; resolving_tier: number | null; resolving_segment_no: number | null; tier_changes: number; handoffs: number; ping_pong: boolean }>(
					conn,
					`SELECT ticket_id, tier_path, tiers_reached, resolving_tier, resolving_segment_no::INTEGER AS resolving_segment_no,
						tier_changes, handoffs, ping_pong
					FROM ticket_facts WHERE ticket_id IN ('X', 'N', 'B') ORDER BY ticket_id`
				);
				expect(facts).toEqual([
					{ ticket_id: 'B', tier_path: [1, 2], tiers_reached: 3, resolving_tier: null, resolving_segment_no: null, tier_changes: 1, handoffs: 1, ping_pong: false },
					{ ticket_id: 'N', tier_path: [1, 8, 9, 8], tiers_reached: 1 + 128 + 256, resolving_tier: 8, resolving_segment_no: 3, tier_changes: 3, handoffs: 3, ping_pong: true },
					// resolved at the instant it moved to tier 2: segments are half-open, so tier 2 resolved it
					{ ticket_id: 'X', tier_path: [1, 2], tiers_reached: 3, resolving_tier: 2, resolving_segment_no: 1, tier_changes: 1, handoffs: 1, ping_pong: false }
				]);
				const segments = await query<{ segment_no: number; start_at: Date; end_at: Date | null }>(
					conn,
					`SELECT segment_no::INTEGER AS segment_no, start_at, end_at FROM tier_segments WHERE ticket_id = 'B' ORDER BY segment_no`
				);
				// The change came before creation: segment 0 ends before it starts, segment 1 is open.
				expect(segments.map((s) => [s.segment_no, s.start_at.toISOString(), s.end_at?.toISOString() ?? null])).toEqual([
					[0, '2026-03-02T10:00:00.000Z', '2026-03-02T08:00:00.000Z'],
					[1, '2026-03-02T08:00:00.000Z', null]
				]);
				// Weeks in UTC (here HANDOFF_TZ is unset): exactly ICU's local Monday, at the boundary
				// between two weeks and in far years too.
				const [weeks] = await query<{ bad: number; s_created: string; s_resolved: string }>(
					conn,
					`SELECT
						(SELECT count(*) FROM ticket_facts WHERE created_week IS DISTINCT FROM date_trunc('week', created_at AT TIME ZONE 'UTC')::DATE
							OR resolved_week IS DISTINCT FROM date_trunc('week', resolved_at AT TIME ZONE 'UTC')::DATE)
						+ (SELECT count(*) FROM tier_changes WHERE week IS DISTINCT FROM date_trunc('week', occurred_at AT TIME ZONE 'UTC')::DATE)
						+ (SELECT count(*) FROM segment_sla WHERE start_week IS DISTINCT FROM date_trunc('week', start_at AT TIME ZONE 'UTC')::DATE) AS bad,
						(SELECT created_week::VARCHAR FROM ticket_facts WHERE ticket_id = 'S') AS s_created,
						(SELECT resolved_week::VARCHAR FROM ticket_facts WHERE ticket_id = 'S') AS s_resolved`
				);
				expect(weeks).toEqual({ bad: 0n, s_created: '2026-03-02', s_resolved: '2026-03-09' });
			}, db);
		}));

	it('are built by an import from the rows it keeps and writes exactly as a rebuild from the stored tables', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, FIRST_TICKETS, FIRST_EVENTS);
			// The second export: A unchanged, but a new escalation for it; B updated (resolved
			// later); C not in it (kept as stored); D new. B's escalation (same event_id) goes to
			// tier 3 instead of 2, and a resolution is added.
			await importCsv(db, dir, SECOND_TICKETS, SECOND_EVENTS);
			await withConnection(async (conn) => {
				const built = await factsTables(conn);
				const paths = await query<{ ticket_id: string; tier_path: number[]; resolved_at: Date | null }>(
					conn,
					'SELECT ticket_id, tier_path, resolved_at FROM ticket_facts ORDER BY ticket_id'
				);
				expect(paths.map((p) => [p.ticket_id, p.tier_path, p.resolved_at?.toISOString() ?? null])).toEqual([
					['A', [1, 2], null], // its new event, although the ticket itself was unchanged
					['B', [1, 3], '2026-03-03T12:00:00.000Z'], // the updated escalation and the added resolution
					['C', [1], '2026-03-02T15:00:00.000Z'], // kept from the first import
					['D', [1, 2, 1], null]
				]);
				await conn.run('BEGIN TRANSACTION');
				await rebuildFacts(conn);
				await conn.run('COMMIT');
				expect(await factsTables(conn)).toEqual(built);
			}, db);
		}));

	it('reports the error of a failed write itself, and the rollback leaves the stored facts as they were', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, FIRST_TICKETS, FIRST_EVENTS);
			await withConnection(async (conn) => {
				const before = await factsTables(conn);
				await prepareFacts(conn, { tickets: 'SELECT * FROM tickets', events: 'SELECT * FROM events' });
				// A failure while the write runs (not while it is planned) aborts the transaction:
				// here the SLA clock cannot read the times it is given when segment_sla is stored.
				await conn.run(`CREATE OR REPLACE TEMP MACRO sla_clock(t, open_at, seconds, cum_before) AS ('the clock broke at ' || t::VARCHAR)::DOUBLE`);
				await conn.run('BEGIN TRANSACTION');
				// Not DuckDB's "transaction is aborted" from cleaning up inside the failed transaction.
				await expect(writeFacts(conn)).rejects.toThrow(/the clock broke/);
				await conn.run('ROLLBACK');
				await discardFacts(conn);
				expect(await factsTables(conn)).toEqual(before);
			}, db);
		}));
});

const FIRST_TICKETS = `ticket_id,created_at,resolved_at
A,2026-03-02T09:00:00Z,
B,2026-03-02T10:00:00Z,2026-03-02T18:00:00Z
C,2026-03-02T11:00:00Z,2026-03-02T15:00:00Z
`;
const FIRST_EVENTS = `event_id,ticket_id,occurred_at,type,from_tier,to_tier
a1,A,2026-03-02T09:30:00Z,responded,,
b1,B,2026-03-02T11:00:00Z,escalated,1,2
c1,C,2026-03-02T12:00:00Z,responded,,
`;
const SECOND_TICKETS = `ticket_id,created_at,resolved_at
A,2026-03-02T09:00:00Z,
B,2026-03-02T10:00:00Z,2026-03-03T12:00:00Z
D,2026-03-03T08:00:00Z,
`;
const SECOND_EVENTS = `event_id,ticket_id,occurred_at,type,from_tier,to_tier
a1,A,2026-03-02T09:30:00Z,responded,,
a2,A,2026-03-03T09:00:00Z,escalated,1,2
b1,B,2026-03-02T11:00:00Z,escalated,1,3
b2,B,2026-03-03T12:00:00Z,resolved,,
d1,D,2026-03-03T09:00:00Z,escalated,1,2
d2,D,2026-03-03T10:00:00Z,de_escalated,2,1
`;

/** Every row of the facts tables, in a fixed order. */
async function factsTables(conn: DuckDBConnection) {
	const out: Record<string, unknown[]> = {};
	for (const t of ['tier_changes', 'ticket_facts', 'tier_segments', 'segment_responses', 'segment_sla', 'data_as_of']) {
		out[t] = (await conn.runAndReadAll(`SELECT * FROM ${t} ORDER BY ALL`)).getRowsJS();
	}
	return out;
}
