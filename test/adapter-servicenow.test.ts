// The ServiceNow adapters on hand-made exports (expected records written by hand) and on a
// real audit log, whose derived events are checked against the incidents' rows, worked out in
// the comments. servicenow-audit-uci-sample.csv is the first 300 incidents (2,040 rows) of the
// UCI Machine Learning Repository dataset "Incident management process enriched event log"
// (dataset 498; Amaral, Fantinato, Peres), CC BY 4.0, unchanged.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSchema, fieldErrors, ticketSchema } from '../src/lib/import/canonical.ts';
import { servicenowAdapter, servicenowAuditAdapter } from '../src/lib/import/adapters/servicenow.ts';
import { parseExportText } from '../src/lib/import/adapters/source.ts';
import {
	EMPTY_MAPPINGS,
	streamOf,
	type Adapter,
	type ConvertNote,
	type ConvertedRow,
	type SourceRow,
	type ValueMappings
} from '../src/lib/import/adapters/types.ts';
import { TimeZoneRules } from '../src/lib/import/timestamps.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'adapters');
const REAL_SAMPLE = path.join(FIXTURES, 'servicenow-audit-uci-sample.csv');

const read = (file: string) => parseExportText(fs.readFileSync(file, 'utf8'));

interface Run {
	out: ConvertedRow[];
	notes: ConvertNote[];
	unmapped: string[];
}

async function run(adapter: Adapter, rows: SourceRow[] | AsyncIterable<SourceRow>, options: { mappings?: Partial<ValueMappings>; dateOrder?: 'dmy' | 'mdy' | null } = {}): Promise<Run> {
	const notes: ConvertNote[] = [];
	const unmapped: string[] = [];
	const ctx = {
		timeZone: 'UTC',
		dateOrder: options.dateOrder ?? null,
		mappings: { ...EMPTY_MAPPINGS, ...options.mappings },
		note: (n: ConvertNote) => notes.push(n),
		unmappedGroup: (g: string) => unmapped.push(g)
	};
	const out: ConvertedRow[] = [];
	for await (const row of adapter.convert(Array.isArray(rows) ? streamOf(rows) : rows, ctx)) out.push(row);
	return { out, notes, unmapped };
}

const UTC = new TimeZoneRules('UTC');
const tickets = ticketSchema(UTC);
const events = eventSchema(UTC);

/** What the canonical validation would reject: `line field: reason`, plus events whose ticket is not converted. */
function rejects(out: ConvertedRow[]): string[] {
	const found: string[] = [];
	const ticketIds = new Set(out.filter((r) => r.kind === 'ticket').map((r) => r.record.ticket_id));
	for (const r of out) {
		const result = (r.kind === 'ticket' ? tickets : events).safeParse(r.record);
		if (!result.success) for (const e of fieldErrors(result.error)) found.push(`${r.line} ${e.field}: ${e.reason}`);
		if (r.kind === 'event' && !ticketIds.has(r.record.ticket_id)) found.push(`${r.line} ticket_id: unknown ticket ${r.record.ticket_id}`);
	}
	return found;
}

/** A converted row as its line, ticket or event, and non-empty fields, so expectations stay readable. */
const compact = (r: ConvertedRow) => ({ line: r.line, row: r.kind, ...Object.fromEntries(Object.entries(r.record).filter(([, v]) => v !== '')) });
const ofTicket = (out: ConvertedRow[], id: string) => out.filter((r) => r.record.ticket_id === id).map(compact);

const TIERS = { group_tier: { 'Service Desk': 1, Network: 2, Database: 3 } };

describe('servicenowAuditAdapter.convert() on a small audit log', () => {
	it('turns each incident into a ticket and the events its snapshots show', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		const { out, notes, unmapped } = await run(servicenowAuditAdapter, rows, { mappings: TIERS });
		expect(rejects(out)).toEqual([]);
		expect(notes).toEqual([]); // 14/3/2016 settles day first; nothing out of order that cannot be placed
		expect(unmapped).toEqual(['Hardware']);
		expect(out.map(compact)).toEqual([
			// INC9000001, lines 2-6: Service Desk (1), Agent 7 picks it up, Network (2) takes it
			// (ServiceNow clears the assignee), Engineer 3 resolves it, closed days later.
			{ line: 6, row: 'ticket', ticket_id: 'INC9000001', created_at: '2016-03-02T09:01:00', resolved_at: '2016-03-03T16:02:00', status: 'Closed', priority: 'high', channel: 'Phone', category: 'Category 55', customer_id: 'Caller 2403', vip: 'false', team: 'Network', assignee: 'Engineer 3' },
			{ line: 2, row: 'event', event_id: 'INC9000001:group:0', ticket_id: 'INC9000001', occurred_at: '2016-03-02T09:01:00', type: 'assigned', actor: 'Opened by 8', team: 'Service Desk', note: 'routed to Service Desk on creation' },
			{ line: 3, row: 'event', event_id: 'INC9000001:assignee:1', ticket_id: 'INC9000001', occurred_at: '2016-03-02T09:20:00', type: 'assigned', actor: 'Updated by 21', team: 'Service Desk', note: 'assigned to Agent 7' },
			{ line: 3, row: 'event', event_id: 'INC9000001:state:1', ticket_id: 'INC9000001', occurred_at: '2016-03-02T09:20:00', type: 'note', actor: 'Updated by 21', team: 'Service Desk', note: 'state New -> Active' },
			{ line: 4, row: 'event', event_id: 'INC9000001:group:1', ticket_id: 'INC9000001', occurred_at: '2016-03-02T11:40:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', actor: 'Updated by 642', team: 'Network', note: 'from Service Desk to Network' },
			{ line: 5, row: 'event', event_id: 'INC9000001:assignee:2', ticket_id: 'INC9000001', occurred_at: '2016-03-03T16:02:00', type: 'assigned', actor: 'Updated by 804', team: 'Network', note: 'assigned to Engineer 3' },
			{ line: 5, row: 'event', event_id: 'INC9000001:resolved:1', ticket_id: 'INC9000001', occurred_at: '2016-03-03T16:02:00', type: 'resolved', actor: 'Updated by 804', team: 'Network', note: 'Resolved' },
			// Closed on 8/3 17:00 by Updated by 908: the close is a note, the work ended at the resolution.
			{ line: 6, row: 'event', event_id: 'INC9000001:state:2', ticket_id: 'INC9000001', occurred_at: '2016-03-08T17:00:00', type: 'note', actor: 'Updated by 908', team: 'Network', note: 'state Resolved -> Closed' },
			// INC9000002, lines 7-12, in time order 7, 9, 8, 10, 11, 12 (line 8, update 3 of
			// 4/3 10:30, is written before line 9, update 2 of 3/3 15:45). Opened straight into
			// Database (3), handed down to Network (2), resolved, reopened (reopen_count 0 -> 1),
			// resolved again; the second resolution is number 2.
			{ line: 12, row: 'ticket', ticket_id: 'INC9000002', created_at: '2016-03-03T14:07:00', resolved_at: '2016-03-05T12:00:00', status: 'Closed', priority: 'urgent', channel: 'Phone', category: 'Category 40', customer_id: 'Caller 899', vip: 'false', team: 'Network', assignee: 'Engineer 3' },
			{ line: 7, row: 'event', event_id: 'INC9000002:group:0', ticket_id: 'INC9000002', occurred_at: '2016-03-03T14:07:00', type: 'escalated', from_tier: '1', to_tier: '3', kind: 'functional', actor: 'Opened by 397', team: 'Database', note: 'routed to Database on creation' },
			{ line: 9, row: 'event', event_id: 'INC9000002:group:1', ticket_id: 'INC9000002', occurred_at: '2016-03-03T15:45:00', type: 'de_escalated', from_tier: '3', to_tier: '2', kind: 'functional', actor: 'Updated by 21', team: 'Network', note: 'from Database to Network, assigned to Engineer 3' },
			{ line: 9, row: 'event', event_id: 'INC9000002:state:1', ticket_id: 'INC9000002', occurred_at: '2016-03-03T15:45:00', type: 'note', actor: 'Updated by 21', team: 'Network', note: 'state New -> Active' },
			{ line: 8, row: 'event', event_id: 'INC9000002:resolved:1', ticket_id: 'INC9000002', occurred_at: '2016-03-04T10:30:00', type: 'resolved', actor: 'Updated by 332', team: 'Network', note: 'Resolved' },
			{ line: 10, row: 'event', event_id: 'INC9000002:reopen:1', ticket_id: 'INC9000002', occurred_at: '2016-03-05T08:15:00', type: 'reopened', actor: 'Updated by 703', team: 'Network', note: 'Resolved -> Active' },
			{ line: 11, row: 'event', event_id: 'INC9000002:resolved:2', ticket_id: 'INC9000002', occurred_at: '2016-03-05T12:00:00', type: 'resolved', actor: 'Updated by 703', team: 'Network', note: 'Resolved' },
			{ line: 12, row: 'event', event_id: 'INC9000002:state:2', ticket_id: 'INC9000002', occurred_at: '2016-03-10T13:00:00', type: 'note', actor: 'Updated by 908', team: 'Network', note: 'state Resolved -> Closed' },
			// INC9000003, lines 13-15: Service Desk with Agent 7 from the start, then Hardware,
			// which has no tier (tier 1: a handoff within tier 1), still open.
			{ line: 15, row: 'ticket', ticket_id: 'INC9000003', created_at: '2016-03-14T07:58:00', status: 'Active', priority: 'low', channel: 'Phone', customer_id: 'Caller 314', vip: 'false', team: 'Hardware', assignee: 'Tech 2' },
			{ line: 13, row: 'event', event_id: 'INC9000003:group:0', ticket_id: 'INC9000003', occurred_at: '2016-03-14T07:58:00', type: 'assigned', actor: 'Opened by 24', team: 'Service Desk', note: 'routed to Service Desk on creation, assigned to Agent 7' },
			{ line: 14, row: 'event', event_id: 'INC9000003:group:1', ticket_id: 'INC9000003', occurred_at: '2016-03-14T09:30:00', type: 'reassigned', kind: 'functional', actor: 'Updated by 60', team: 'Hardware', note: 'from Service Desk to Hardware' },
			{ line: 14, row: 'event', event_id: 'INC9000003:state:1', ticket_id: 'INC9000003', occurred_at: '2016-03-14T09:30:00', type: 'note', actor: 'Updated by 60', team: 'Hardware', note: 'state New -> Awaiting User Info' },
			{ line: 15, row: 'event', event_id: 'INC9000003:assignee:1', ticket_id: 'INC9000003', occurred_at: '2016-03-15T10:00:00', type: 'assigned', actor: 'Updated by 133', team: 'Hardware', note: 'assigned to Tech 2' },
			{ line: 15, row: 'event', event_id: 'INC9000003:state:2', ticket_id: 'INC9000003', occurred_at: '2016-03-15T10:00:00', type: 'note', actor: 'Updated by 133', team: 'Hardware', note: 'state Awaiting User Info -> Active' }

		]);
	});

	it('applies the status and priority mappings over its defaults', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		const { out } = await run(servicenowAuditAdapter, rows, { mappings: { status: { Closed: 'closed' }, priority: { '2 - High': 'urgent' } } });
		const t = out.filter((r) => r.kind === 'ticket').map((r) => [r.record.ticket_id, r.record.status, r.record.priority]);
		expect(t).toEqual([
			['INC9000001', 'closed', 'urgent'],
			['INC9000002', 'closed', 'urgent'],
			['INC9000003', 'Active', 'low']
		]);
	});

	it('keeps a priority it does not know as written, so the ticket is rejected naming it', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		const edited = rows.map((r) => (r.values.number === 'INC9000003' ? { ...r, values: { ...r.values, priority: 'P7 Whenever' } } : r));
		const { out } = await run(servicenowAuditAdapter, edited);
		expect(rejects(out)).toEqual(['15 priority: "P7 Whenever" is not one of low, normal, high, urgent']);
	});

	it('keeps an unreadable date as written, so validation names the field', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		const edited = rows.map((r) => (r.values.number === 'INC9000003' ? { ...r, values: { ...r.values, opened_at: 'yesterday' } } : r));
		const { out } = await run(servicenowAuditAdapter, edited);
		expect(rejects(out)).toEqual([
			'15 created_at: "yesterday" is not a timestamp (expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])',
			'13 occurred_at: "yesterday" is not a timestamp (expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])'
		]);
	});

	it('assumes day first when every date fits both orders, and says so per date column', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		const early = rows.filter((r) => r.values.number !== 'INC9000003'); // every day <= 12
		const guessed = await run(servicenowAuditAdapter, early);
		expect(guessed.notes.map((n) => [n.line, n.field])).toEqual([
			[2, 'opened_at'],
			[2, 'sys_updated_at'],
			[2, 'resolved_at']
		]);
		expect(guessed.notes[0].message).toMatch(/fits both day first and month first; read as day first/);
		expect(guessed.out[0].record.created_at).toBe('2016-03-02T09:01:00');
		const told = await run(servicenowAuditAdapter, early, { dateOrder: 'mdy' });
		expect(told.notes).toEqual([]);
		expect(told.out[0].record.created_at).toBe('2016-02-03T09:01:00');
	});

	it('emits an incident as soon as the next one starts', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		let pulled = 0;
		async function* counted() {
			for (const r of rows) {
				pulled++;
				yield r;
			}
		}
		const ctx = { timeZone: 'UTC', dateOrder: 'dmy' as const, mappings: EMPTY_MAPPINGS, note: () => {}, unmappedGroup: () => {} };
		for await (const first of servicenowAuditAdapter.convert(counted(), ctx)) {
			expect(first.record.ticket_id).toBe('INC9000001');
			expect(pulled).toBe(6); // INC9000001's five rows and INC9000002's first
			break;
		}
	});

	it('skips, with a note, the rows of an incident that comes back after another one', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-audit-small.csv'));
		// INC9000001's lines 2 and 3, INC9000002 (lines 7-12), then INC9000001's line 4.
		const shuffled = [rows[0], rows[1], ...rows.slice(5, 11), rows[2]];
		const { out, notes } = await run(servicenowAuditAdapter, shuffled, { dateOrder: 'dmy' });
		expect(notes).toEqual([{ line: 4, field: 'number', message: 'INC9000001 appears again after other incidents; these rows are skipped (sort the export by number to keep them)' }]);
		// From lines 2 and 3 only: the ticket (its last row, 3), the creation (2), and on line 3
		// Agent 7's assignment and the change New -> Active.
		expect(out.filter((r) => r.record.ticket_id === 'INC9000001').map((r) => r.line)).toEqual([3, 2, 3, 3]);
	});
});

describe('servicenowAuditAdapter.convert() on the real UCI sample', () => {
	const sample = read(REAL_SAMPLE);
	/** A plausible desk: Group 70 (in 128 of the 300 incidents' first group) is the frontline. */
	const MAPPING = { group_tier: { 'Group 70': 1, 'Group 24': 2, 'Group 25': 2, 'Group 28': 2, 'Group 20': 2, 'Group 73': 2, 'Group 23': 3, 'Group 29': 3 } };

	it('converts every incident into valid canonical records', async () => {
		const { out, notes, unmapped } = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		expect(sample.rows.length).toBe(2040);
		expect(rejects(out)).toEqual([]);
		const ticketRows = out.filter((r) => r.kind === 'ticket');
		expect(ticketRows.length).toBe(300);
		expect(new Set(ticketRows.map((r) => r.record.ticket_id)).size).toBe(300);
		// Every incident ends Closed; 289 have resolved_at, the 11 with `?` take their resolution's time.
		expect(ticketRows.filter((r) => r.record.resolved_at !== '').length).toBe(300);
		const ids = out.filter((r) => r.kind === 'event').map((r) => r.record.event_id);
		expect(new Set(ids).size).toBe(ids.length);
		// The one snapshot that cannot be placed: INC0000137's line 359 ("New" at 11:10, update 1)
		// comes after its resolution (update 2 at 11:03) without a reopen being counted.
		expect(notes).toEqual([
			{ line: 359, field: 'sys_updated_at', message: 'INC0000137: snapshot of 29/2/2016 11:10 skipped as out of order (New after Resolved without reopen_count rising)' }
		]);
		const groups = new Set(sample.rows.map((r) => r.values.assignment_group).filter((g) => g !== '?'));
		expect(new Set(unmapped)).toEqual(new Set([...groups].filter((g) => !(g in MAPPING.group_tier))));
		expect(unmapped.length).toBe(new Set(unmapped).size);
	});

	it('counts the escalations, handoffs and resolutions a hand count of the rows gives', async () => {
		const { out } = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		const byType: Record<string, number> = {};
		for (const r of out) if (r.kind === 'event') byType[r.record.type] = (byType[r.record.type] ?? 0) + 1;
		// Counted again, independently, from the CSV with the same rules:
		// - 299 first groups (INC0000358 never has one): 48 in a tier 2 or 3 group (escalated
		//   at creation) and 251 in a tier 1 or unmapped one (assigned);
		// - 251 moves between named groups: of the 259 changes of the column, 6 are to `?` and 5
		//   from it (INC0000345's first group; INC0000171, 458 and 493 back from `?` to another
		//   group than the last known, 3 moves; INC0000458 back to the same, none): 259 - 11 + 3.
		//   80 go up a tier, 36 down, 135 stay in one (most between unmapped groups, tier 1);
		// - 88 assignee changes inside a group: assigned 251 + 88 = 339;
		// - 300 resolutions, plus the 4 after the 4 reopens;
		// - 540 other changes of incident_state as notes (counted from the CSV, snapshots in time
		//   order, INC0000137's stale line 359 left out, resolutions and reopens not counted):
		//   the 300 closes (Resolved -> Closed) and 240 others (New -> Active, to Awaiting User Info...).
		expect(byType).toEqual({ assigned: 339, resolved: 304, escalated: 128, reassigned: 135, de_escalated: 36, reopened: 4, note: 540 });
		const escalatedTickets = new Set(out.filter((r) => r.record.type === 'escalated').map((r) => r.record.ticket_id));
		expect(escalatedTickets.size).toBe(109);
		const handoffTickets = new Set(out.filter((r) => ['escalated', 'de_escalated', 'reassigned'].includes(r.record.type)).map((r) => r.record.ticket_id));
		expect(handoffTickets.size).toBe(170);
		expect(new Set(out.filter((r) => r.record.type === 'reopened').map((r) => r.record.ticket_id))).toEqual(new Set(['INC0000102', 'INC0000294', 'INC0000403', 'INC0000558']));
	});

	it('derives INC0000102: a tour of four groups up to tier 3, resolved, reopened, resolved', async () => {
		const { out } = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		// Lines 203-221, in time order in the file. Group 70 (tier 1) from line 203 to 209 with
		// Resolver 31 from the start: the creation event is an assignment, at opened_at 09:06.
		// 210: 70 -> 50 (unmapped, tier 1): 1 = 1, reassigned.  212: 50 -> 70: reassigned.
		// 213: 70 -> 29 (tier 3): 3 > 1, escalated 1 -> 3.  214: 29 -> 23 (tier 3): 3 = 3,
		// reassigned.  218: Awaiting User Info -> Resolved at 14/3 08:13: resolution 1.
		// 219: Resolved -> Active, reopen_count 0 -> 1: reopen 1 at 17/3 16:27.  220: Resolved
		// again at 16:28: resolution 2 (= reopen_count 1 + 1).  221: Closed: a note (as every other
		// change of state that is no resolution or reopen).
		// The ticket keeps ServiceNow's resolved_at (17/3 16:28) and the last snapshot's fields.
		const base = { row: 'event', ticket_id: 'INC0000102' };
		expect(ofTicket(out, 'INC0000102')).toEqual([
			{ line: 221, row: 'ticket', ticket_id: 'INC0000102', created_at: '2016-02-29T09:06:00', resolved_at: '2016-03-17T16:28:00', status: 'Closed', priority: 'normal', channel: 'Phone', category: 'Category 37', customer_id: 'Caller 307', vip: 'false', team: 'Group 23', assignee: 'Resolver 31' },
			{ ...base, line: 203, event_id: 'INC0000102:group:0', occurred_at: '2016-02-29T09:06:00', type: 'assigned', actor: 'Opened by  131', team: 'Group 70', note: 'routed to Group 70 on creation, assigned to Resolver 31' },
			// 205: New -> Awaiting User Info at 29/2 20:09; 209: back to Active at 3/3 17:29.
			{ ...base, line: 205, event_id: 'INC0000102:state:1', occurred_at: '2016-02-29T20:09:00', type: 'note', actor: 'Updated by 111', team: 'Group 70', note: 'state New -> Awaiting User Info' },
			{ ...base, line: 209, event_id: 'INC0000102:state:2', occurred_at: '2016-03-03T17:29:00', type: 'note', actor: 'Updated by 727', team: 'Group 70', note: 'state Awaiting User Info -> Active' },
			{ ...base, line: 210, event_id: 'INC0000102:group:1', occurred_at: '2016-03-04T11:15:00', type: 'reassigned', kind: 'functional', actor: 'Updated by 451', team: 'Group 50', note: 'from Group 70 to Group 50' },
			{ ...base, line: 212, event_id: 'INC0000102:group:2', occurred_at: '2016-03-04T12:17:00', type: 'reassigned', kind: 'functional', actor: 'Updated by 259', team: 'Group 70', note: 'from Group 50 to Group 70' },
			{ ...base, line: 213, event_id: 'INC0000102:group:3', occurred_at: '2016-03-04T14:08:00', type: 'escalated', from_tier: '1', to_tier: '3', kind: 'functional', actor: 'Updated by 336', team: 'Group 29', note: 'from Group 70 to Group 29' },
			{ ...base, line: 214, event_id: 'INC0000102:group:4', occurred_at: '2016-03-04T15:51:00', type: 'reassigned', kind: 'functional', actor: 'Updated by 135', team: 'Group 23', note: 'from Group 29 to Group 23' },
			// 215: Active -> Awaiting User Info at 7/3 11:50.
			{ ...base, line: 215, event_id: 'INC0000102:state:3', occurred_at: '2016-03-07T11:50:00', type: 'note', actor: 'Updated by 507', team: 'Group 23', note: 'state Active -> Awaiting User Info' },
			{ ...base, line: 218, event_id: 'INC0000102:resolved:1', occurred_at: '2016-03-14T08:13:00', type: 'resolved', actor: 'Updated by 135', team: 'Group 23', note: 'Resolved' },
			{ ...base, line: 219, event_id: 'INC0000102:reopen:1', occurred_at: '2016-03-17T16:27:00', type: 'reopened', actor: 'Updated by 241', team: 'Group 23', note: 'Resolved -> Active' },
			{ ...base, line: 220, event_id: 'INC0000102:resolved:2', occurred_at: '2016-03-17T16:28:00', type: 'resolved', actor: 'Updated by 241', team: 'Group 23', note: 'Resolved' },
			// 221: closed at 24/3 18:59.
			{ ...base, line: 221, event_id: 'INC0000102:state:4', occurred_at: '2016-03-24T18:59:00', type: 'note', actor: 'Updated by 908', team: 'Group 23', note: 'state Resolved -> Closed' }
		]);
	});

	it('derives INC0000458: a ping-pong between tiers 2 and 1, with the group cleared twice', async () => {
		const { out } = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		// Lines 1331-1343. 1331: opened in Group 25 (tier 2): escalated 1 -> 2 at opened_at
		// 29/2 23:53.  1332: 25 -> 70: 1 < 2, de_escalated 2 -> 1.  1333: 70 -> 25: escalated
		// 1 -> 2.  1335: group `?` (reassignment_count 2 -> 3): no tier to move to, no event; the
		// last group known stays 25.  1336: `?` -> 70, compared with 25: de_escalated 2 -> 1 at
		// 10/3 22:09.  1337: `?` again, no event.  1342: `?` -> 70, the group it was last in:
		// no move; Resolver 149 is its first assignee (assignee 1) and the state is Resolved at
		// 18/3 13:48 (resolution 1); the assignment comes first, so it is resolved by its
		// assignee's group.  1343: Closed, a note. Tier path 1 -> 2 -> 1 -> 2 -> 1.
		const base = { row: 'event', ticket_id: 'INC0000458' };
		expect(ofTicket(out, 'INC0000458')).toEqual([
			{ line: 1343, row: 'ticket', ticket_id: 'INC0000458', created_at: '2016-02-29T23:53:00', resolved_at: '2016-03-18T13:48:00', status: 'Closed', priority: 'normal', channel: 'Phone', category: 'Category 53', customer_id: 'Caller 841', vip: 'false', team: 'Group 70', assignee: 'Resolver 149' },
			{ ...base, line: 1331, event_id: 'INC0000458:group:0', occurred_at: '2016-02-29T23:53:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', actor: 'Opened by  305', team: 'Group 25', note: 'routed to Group 25 on creation' },
			{ ...base, line: 1332, event_id: 'INC0000458:group:1', occurred_at: '2016-03-02T14:26:00', type: 'de_escalated', from_tier: '2', to_tier: '1', kind: 'functional', actor: 'Updated by 213', team: 'Group 70', note: 'from Group 25 to Group 70' },
			{ ...base, line: 1333, event_id: 'INC0000458:group:2', occurred_at: '2016-03-02T18:24:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', actor: 'Updated by 578', team: 'Group 25', note: 'from Group 70 to Group 25' },
			{ ...base, line: 1336, event_id: 'INC0000458:group:3', occurred_at: '2016-03-10T22:09:00', type: 'de_escalated', from_tier: '2', to_tier: '1', kind: 'functional', actor: 'Updated by 467', team: 'Group 70', note: 'from Group 25 to Group 70' },
			// 1336 is also New -> Active; 1338: Active -> Awaiting User Info at 12/3 00:49 (group `?`:
			// the last group known, Group 70, stays).
			{ ...base, line: 1336, event_id: 'INC0000458:state:1', occurred_at: '2016-03-10T22:09:00', type: 'note', actor: 'Updated by 467', team: 'Group 70', note: 'state New -> Active' },
			{ ...base, line: 1338, event_id: 'INC0000458:state:2', occurred_at: '2016-03-12T00:49:00', type: 'note', actor: 'Updated by 429', team: 'Group 70', note: 'state Active -> Awaiting User Info' },
			{ ...base, line: 1342, event_id: 'INC0000458:assignee:1', occurred_at: '2016-03-18T13:48:00', type: 'assigned', actor: 'Updated by 573', team: 'Group 70', note: 'assigned to Resolver 149' },
			{ ...base, line: 1342, event_id: 'INC0000458:resolved:1', occurred_at: '2016-03-18T13:48:00', type: 'resolved', actor: 'Updated by 573', team: 'Group 70', note: 'Resolved' },
			{ ...base, line: 1343, event_id: 'INC0000458:state:3', occurred_at: '2016-03-24T18:59:00', type: 'note', actor: 'Updated by 908', team: 'Group 70', note: 'state Resolved -> Closed' }
		]);
	});

	it('derives INC0000130 in time order, not in sys_mod_count order', async () => {
		const { out } = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		// Lines 330-335 carry update counts 2, 1, 2, 3, 4, 5. Line 330 (count 2) is at 29/2
		// 07:27 with reassignment_count 0 in Group 72; line 331 (count 1) at 09:59 has
		// reassignment_count 1 in Group 73. Sorting by the count would read 73 -> 72 -> 73, two
		// phantom handoffs; time (and the counter) say 72 -> 73, once.
		// 330: Group 72 (unmapped, tier 1) at creation: assigned, at opened_at 09:41 (the
		// snapshot's 07:27 predates the opening).  331: 72 -> 73 (tier 2): escalated 1 -> 2 at
		// 09:59.  332: Resolver 198 is assigned inside Group 73 at 1/3 14:13: assigned, no
		// handoff.  334: Active -> Resolved at 3/3 10:16 (same minute as 333; update 4 after 3).
		// 332 is also New -> Active; 335: Closed at 8/3 11:00, a note.
		const base = { row: 'event', ticket_id: 'INC0000130' };
		expect(ofTicket(out, 'INC0000130')).toEqual([
			{ line: 335, row: 'ticket', ticket_id: 'INC0000130', created_at: '2016-02-29T09:41:00', resolved_at: '2016-03-03T10:16:00', status: 'Closed', priority: 'normal', channel: 'Phone', category: 'Category 61', customer_id: 'Caller 314', vip: 'false', team: 'Group 73', assignee: 'Resolver 198' },
			{ ...base, line: 330, event_id: 'INC0000130:group:0', occurred_at: '2016-02-29T09:41:00', type: 'assigned', actor: 'Opened by  62', team: 'Group 72', note: 'routed to Group 72 on creation' },
			{ ...base, line: 331, event_id: 'INC0000130:group:1', occurred_at: '2016-02-29T09:59:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', actor: 'Updated by 133', team: 'Group 73', note: 'from Group 72 to Group 73' },
			{ ...base, line: 332, event_id: 'INC0000130:assignee:1', occurred_at: '2016-03-01T14:13:00', type: 'assigned', actor: 'Updated by 755', team: 'Group 73', note: 'assigned to Resolver 198' },
			{ ...base, line: 332, event_id: 'INC0000130:state:1', occurred_at: '2016-03-01T14:13:00', type: 'note', actor: 'Updated by 755', team: 'Group 73', note: 'state New -> Active' },
			{ ...base, line: 334, event_id: 'INC0000130:resolved:1', occurred_at: '2016-03-03T10:16:00', type: 'resolved', actor: 'Updated by 533', team: 'Group 73', note: 'Resolved' },
			{ ...base, line: 335, event_id: 'INC0000130:state:2', occurred_at: '2016-03-08T11:00:00', type: 'note', actor: 'Updated by 908', team: 'Group 73', note: 'state Resolved -> Closed' }
		]);
	});

	it('gives the same event ids whatever the tier mapping, so a new mapping updates events in place', async () => {
		const flat = await run(servicenowAuditAdapter, sample.rows);
		const tiered = await run(servicenowAuditAdapter, sample.rows, { mappings: MAPPING });
		const key = (r: ConvertedRow) => [r.kind, r.line, r.record.ticket_id, r.record.event_id, r.record.occurred_at].join('|');
		expect(tiered.out.map(key)).toEqual(flat.out.map(key));
		// ... while the mapping did change what they are: without one, every group is tier 1.
		const types = (o: ConvertedRow[]) => o.filter((r) => r.kind === 'event').map((r) => r.record.type);
		expect(types(flat.out).filter((t) => t === 'escalated' || t === 'de_escalated')).toEqual([]);
		expect(types(tiered.out)).not.toEqual(types(flat.out));
	});
});

describe('servicenowAdapter.convert() on an incident list', () => {
	it('makes a ticket per row, with only the events the row proves', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-list-small.csv'));
		const { out, notes, unmapped } = await run(servicenowAdapter, rows, { mappings: TIERS });
		expect(rejects(out)).toEqual([]);
		expect(unmapped).toEqual(['Hardware']);
		const routed = 'its current group: the list export does not say when it was assigned';
		expect(out.map(compact)).toEqual([
			// Network is tier 2: an escalation at opening. escalation=2 ("High") is ServiceNow's
			// SLA alarm, not a tier, and changes nothing.
			{ line: 2, row: 'ticket', ticket_id: 'INC0010001', created_at: '2026-03-02T09:00:00', resolved_at: '2026-03-02T13:30:00', status: 'Closed', priority: 'urgent', channel: 'phone', category: 'network', customer_id: 'Caller 2403', vip: 'false', team: 'Network', assignee: 'Engineer 3', subject: 'VPN down for the Berlin office, since the 08:00 "maintenance"' },
			{ line: 2, row: 'event', event_id: 'INC0010001:group:0', ticket_id: 'INC0010001', occurred_at: '2026-03-02T09:00:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', team: 'Network', note: `routed to Network (${routed})` },
			{ line: 2, row: 'event', event_id: 'INC0010001:resolved:1', ticket_id: 'INC0010001', occurred_at: '2026-03-02T13:30:00', type: 'resolved', team: 'Network', note: 'Closed' },
			// Reopened once (reopen_count 1): its resolution is number 2, as the audit log counts.
			{ line: 3, row: 'ticket', ticket_id: 'INC0010002', created_at: '2026-03-03T10:15:00', resolved_at: '2026-03-04T11:00:00', status: 'Resolved', priority: 'normal', channel: 'email', category: 'software', customer_id: 'Caller 899', vip: 'false', team: 'Service Desk', assignee: 'Agent 7', subject: 'Outlook asks for the password again' },
			{ line: 3, row: 'event', event_id: 'INC0010002:group:0', ticket_id: 'INC0010002', occurred_at: '2026-03-03T10:15:00', type: 'assigned', team: 'Service Desk', note: `routed to Service Desk (${routed})` },
			{ line: 3, row: 'event', event_id: 'INC0010002:resolved:2', ticket_id: 'INC0010002', occurred_at: '2026-03-04T11:00:00', type: 'resolved', team: 'Service Desk', note: 'Resolved' },
			// escalation=3 ("Overdue") in an unmapped group: tier 1, an assignment.
			{ line: 4, row: 'ticket', ticket_id: 'INC0010003', created_at: '2026-03-04T08:30:00', status: 'In Progress', priority: 'low', channel: 'self-service', category: 'hardware', customer_id: 'Caller 314', vip: 'false', team: 'Hardware', subject: 'Second monitor flickers' },
			{ line: 4, row: 'event', event_id: 'INC0010003:group:0', ticket_id: 'INC0010003', occurred_at: '2026-03-04T08:30:00', type: 'assigned', team: 'Hardware', note: `routed to Hardware (${routed})` },
			// Canceled without resolved_at: it ended when it was closed.
			{ line: 5, row: 'ticket', ticket_id: 'INC0010004', created_at: '2026-03-05T16:45:00', resolved_at: '2026-03-06T09:00:00', status: 'Canceled', priority: 'low', channel: 'phone', customer_id: 'Caller 314', vip: 'false', subject: 'Raised twice' },
			{ line: 5, row: 'event', event_id: 'INC0010004:resolved:1', ticket_id: 'INC0010004', occurred_at: '2026-03-06T09:00:00', type: 'resolved', note: 'Canceled' }
		]);
		// Reopens and group changes the list counts but does not date are said, not invented.
		expect(notes.map((n) => [n.line, n.field])).toEqual([
			[3, 'reopen_count'],
			[2, 'reassignment_count']
		]);
		expect(notes[0].message).toMatch(/^1 incident\(s\) were reopened/);
	});

	it('reads day-first list dates and an active incident has no resolution', async () => {
		const text = 'number,state,priority,assignment_group,opened_at,resolved_at\nINC1,Active,2 - High,Database,13/3/2026 08:05,1/4/2026 10:00\n';
		const { out, notes } = await run(servicenowAdapter, parseExportText(text).rows, { mappings: TIERS });
		expect(notes).toEqual([]);
		expect(out.map(compact)).toEqual([
			{ line: 2, row: 'ticket', ticket_id: 'INC1', created_at: '2026-03-13T08:05:00', status: 'Active', priority: 'high', vip: 'false', team: 'Database' },
			{ line: 2, row: 'event', event_id: 'INC1:group:0', ticket_id: 'INC1', occurred_at: '2026-03-13T08:05:00', type: 'escalated', from_tier: '1', to_tier: '3', kind: 'functional', team: 'Database', note: 'routed to Database (its current group: the list export does not say when it was assigned)' }
		]);
	});

	it('gives the same event ids whatever the tier mapping', async () => {
		const { rows } = read(path.join(FIXTURES, 'servicenow-list-small.csv'));
		const flat = await run(servicenowAdapter, rows);
		const tiered = await run(servicenowAdapter, rows, { mappings: TIERS });
		expect(tiered.out.map((r) => r.record.event_id)).toEqual(flat.out.map((r) => r.record.event_id));
		expect(flat.out[1].record.type).toBe('assigned');
		expect(tiered.out[1].record.type).toBe('escalated');
	});
});

describe('detect()', () => {
	const audit = read(REAL_SAMPLE).header;
	const list = read(path.join(FIXTURES, 'servicenow-list-small.csv')).header;
	const zendesk =
		'Id,Requester,Requester id,Requester external id,Requester email,Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies'.split(',');
	const freshdesk =
		'Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,Closed time,Last update time,Initial response time,Time tracked,First response time (in hrs),Resolution time (in hrs),Agent interactions,Customer interactions,Resolution status,First response status,Tags,Survey results,Product'.split(',');
	const jsm =
		'Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Reporter,Creator,Created,Updated,Last Viewed,Resolved,Due date,Custom field (Request Type),Satisfaction rating,Custom field (Satisfaction date),Custom field (Time to first response),Custom field (Time to resolution),Status Category,Status Category Changed'.split(',');

	it('recognises each export and not the other', () => {
		expect(servicenowAuditAdapter.detect(audit)).toBe(1);
		expect(servicenowAdapter.detect(list)).toBeGreaterThanOrEqual(0.9);
		expect(servicenowAdapter.detect(audit)).toBeLessThan(0.6);
		expect(servicenowAuditAdapter.detect(list)).toBeLessThan(0.6);
	});

	it('recognises a list export with only the identifying columns, or with labels as headers', () => {
		expect(servicenowAdapter.detect(['number', 'state', 'assignment_group', 'opened_at'])).toBeGreaterThanOrEqual(0.6);
		expect(servicenowAdapter.detect(['Number', 'State', 'Priority', 'Assignment group', 'Assigned to', 'Opened', 'Resolved', 'Reopen count'])).toBeGreaterThanOrEqual(0.6);
		expect(servicenowAdapter.detect(['number', 'state', 'opened_at'])).toBeLessThan(0.6);
	});

	it('scores other helpdesks below 0.6', () => {
		for (const header of [zendesk, freshdesk, jsm]) {
			expect(servicenowAdapter.detect(header)).toBeLessThan(0.6);
			expect(servicenowAuditAdapter.detect(header)).toBeLessThan(0.6);
		}
	});
});
