// The Zendesk ticket CSV adapter on a small export built from the real column list (a Summation
// column, the business-hours twins, two custom fields), checked record by record by hand.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExportText, readExport } from '../src/lib/import/adapters/source.ts';
import { EMPTY_MAPPINGS, type ConvertContext, type ConvertedRow, type SourceRow, type ValueMappings } from '../src/lib/import/adapters/types.ts';
import { blankEvent, blankTicket, convertAll, eventsOf, makeContext, rejectedFields, ticketsOf } from './adapter-helpers.ts';
import { zendeskAdapter } from '../src/lib/import/adapters/zendesk.ts';
import { convertZendeskAudits, convertZendeskMetricEvents } from '../src/lib/import/adapters/zendesk-json.ts';
import { freshdeskAdapter } from '../src/lib/import/adapters/freshdesk.ts';

const FIXTURE = new URL('./fixtures/adapters/zendesk-tickets.csv', import.meta.url);
const export_ = parseExportText(fs.readFileSync(FIXTURE, 'utf8'));
const TIERS: ValueMappings = { ...EMPTY_MAPPINGS, group_tier: { 'Support L1': 1, 'Tech L2': 2 } };

const context = (mappings: ValueMappings = TIERS, dateOrder: 'dmy' | 'mdy' | null = null) => makeContext('Europe/Berlin', mappings, dateOrder);
const convert = (rows: SourceRow[], ctx: ConvertContext) => convertAll(zendeskAdapter, rows, ctx);
const tickets = ticketsOf;
const events = eventsOf;
/** The canonical fields rejected, per converted row ('' when valid). */
const rejects = (out: ConvertedRow[]) => rejectedFields(out, 'Europe/Berlin');

describe('zendeskAdapter.convert()', () => {
	it('turns each ticket row into a canonical ticket, read by hand', async () => {
		const out = await convert(export_.rows, context().ctx);
		expect(tickets(out)).toEqual([
			{ ...blankTicket, ticket_id: '101', created_at: '2026-02-25T09:00:00', first_response_at: '2026-02-25T08:30:00Z', resolved_at: '2026-02-25T15:00:00', status: 'Solved', priority: 'normal', channel: 'Mail', category: 'Billing', customer_id: '9001', vip: 'true', team: 'Support L1', assignee: 'Lee Park', csat_score: '5', subject: 'Refund for invoice 12, please' },
			{ ...blankTicket, ticket_id: '102', created_at: '2026-02-26T10:00:00', first_response_at: '2026-02-26T10:30:00Z', resolved_at: '2026-02-27T18:30:00', status: 'Closed', priority: 'high', channel: 'Web Form', category: 'API', customer_id: '9002', team: 'Tech L2', assignee: 'Kim Roy', csat_score: '1', subject: 'API returns 500\non every call' },
			// Open again after a solve: the old Solved at is not a resolution now.
			{ ...blankTicket, ticket_id: '103', created_at: '2026-03-01T08:00:00', status: 'Open', priority: 'urgent', channel: 'Chat', category: 'Login', customer_id: '9003', team: 'Escalations', assignee: 'Lee Park', subject: 'Cannot log in' },
			// No requester id: the email identifies the customer. An empty category stays empty.
			{ ...blankTicket, ticket_id: '104', created_at: '2026-03-02T07:30:00', status: 'New', priority: 'low', channel: 'Voice', customer_id: 'di@example.net', subject: 'Question' }
		]);
	});

	it('derives the first reply, the routing to a higher-tier group and the solve, with stable ids', async () => {
		const out = await convert(export_.rows, context().ctx);
		expect(events(out)).toEqual([
			{ ...blankEvent, event_id: '101:first_reply', ticket_id: '101', occurred_at: '2026-02-25T08:30:00Z', type: 'responded', team: 'Support L1', note: 'first reply' },
			{ ...blankEvent, event_id: '101:resolved', ticket_id: '101', occurred_at: '2026-02-25T15:00:00', type: 'resolved', actor: 'Lee Park', team: 'Support L1' },
			// Routed at "Initially assigned at", from tier 1 (every ticket starts there).
			{ ...blankEvent, event_id: '102:group', ticket_id: '102', occurred_at: '2026-02-26T11:00:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', team: 'Tech L2', note: 'routed to Tech L2' },
			{ ...blankEvent, event_id: '102:first_reply', ticket_id: '102', occurred_at: '2026-02-26T10:30:00Z', type: 'responded', team: 'Tech L2', note: 'first reply' },
			{ ...blankEvent, event_id: '102:resolved', ticket_id: '102', occurred_at: '2026-02-27T18:30:00', type: 'resolved', actor: 'Kim Roy', team: 'Tech L2' }
		]);
	});

	it('converts the export file streamed as it does the parsed text', async () => {
		const streamed: ConvertedRow[] = [];
		for await (const r of zendeskAdapter.convert(readExport(fileURLToPath(FIXTURE)), context().ctx)) streamed.push(r);
		expect(streamed).toEqual(await convert(export_.rows, context().ctx));
	});

	it('tags every record with the line its row starts on (a quoted newline counts)', async () => {
		const out = await convert(export_.rows, context().ctx);
		expect(out.filter((r) => r.kind === 'ticket').map((r) => r.line)).toEqual([2, 3, 5, 6]);
		expect(out.filter((r) => r.record.ticket_id === '102').every((r) => r.line === 3)).toBe(true);
	});

	it('produces only records the canonical import accepts', async () => {
		expect(rejects(await convert(export_.rows, context().ctx))).toEqual([]);
		expect(rejects(await convert(export_.rows, context(EMPTY_MAPPINGS).ctx))).toEqual([]);
	});

	it('says once per file what the CSV cannot tell: group changes, reopen times, solves undone', async () => {
		const { ctx, notes } = context();
		await convert(export_.rows, ctx);
		expect(notes.map((n) => [n.line, n.field])).toEqual([
			[3, 'Group stations'],
			[3, 'Reopens'],
			[5, 'Solved at']
		]);
	});

	it('reports groups without a tier (they count as tier 1: no escalation)', async () => {
		const { ctx, unmapped } = context(EMPTY_MAPPINGS);
		const out = await convert(export_.rows, ctx);
		expect([...new Set(unmapped)]).toEqual(['Support L1', 'Tech L2', 'Escalations']);
		expect(events(out).filter((e) => e.type === 'escalated')).toEqual([]);
		const mapped = context();
		await convert(export_.rows, mapped.ctx);
		expect(mapped.unmapped).toEqual(['Escalations']);
	});

	it('lets the user mappings override the defaults', async () => {
		const mappings: ValueMappings = {
			group_tier: { 'Support L1': 1, 'Tech L2': 2, Escalations: 3 },
			status: { Solved: 'solved', Open: 'open' },
			priority: { Normal: 'high' },
			csat: { Offered: '3', Bad: '2' }
		};
		const { ctx, unmapped } = context(mappings);
		const out = await convert(export_.rows, ctx);
		const t = Object.fromEntries(tickets(out).map((r) => [r.ticket_id, r]));
		expect([t['101'].status, t['101'].priority, t['101'].csat_score]).toEqual(['solved', 'high', '5']);
		expect([t['102'].status, t['102'].csat_score]).toEqual(['Closed', '2']);
		expect([t['103'].status, t['103'].csat_score]).toEqual(['open', '3']);
		expect(unmapped).toEqual([]);
		// Routed at creation when the export has no assignment time.
		expect(events(out).find((e) => e.event_id === '103:group')).toMatchObject({ occurred_at: '2026-03-01T08:00:00', from_tier: '1', to_tier: '3', note: 'routed to Escalations' });
		expect(rejects(out)).toEqual([]);
	});

	it('keeps event ids when the group mapping changes, so a re-derivation updates in place', async () => {
		const a = events(await convert(export_.rows, context().ctx));
		const b = events(await convert(export_.rows, context({ ...TIERS, group_tier: { 'Tech L2': 3 } }).ctx));
		expect(b.map((e) => e.event_id)).toEqual(a.map((e) => e.event_id));
		expect(b.find((e) => e.event_id === '102:group')?.to_tier).toBe('3');
	});

	it('leaves unknown priorities and scores as written, so the import rejects them by field', async () => {
		const rows = export_.rows.map((r) => (r.values.Id === '101' ? { ...r, values: { ...r.values, Priority: 'Asap', 'Satisfaction Score': 'Great' } } : r));
		expect(rejects(await convert(rows, context().ctx))).toEqual(['2:priority', '2:csat_score']);
	});

	it('keeps an unreadable date as written (rejected as created_at) and makes no events from it', async () => {
		const rows = export_.rows.map((r) => (r.values.Id === '102' ? { ...r, values: { ...r.values, 'Created at': 'last Tuesday' } } : r));
		const out = await convert(rows, context().ctx);
		expect(rejects(out)).toEqual(['3:created_at']);
		expect(events(out).filter((e) => e.ticket_id === '102')).toEqual([]);
	});

	it('takes the category from a Category [list] field (not a Subcategory one), else the ticket type', async () => {
		const header = 'Id,Created at,Ticket type,Subcategory [list],Ticket category [list],VIP [flag]';
		const { rows } = parseExportText(`${header}\n7,2026-03-04 10:00,Incident,Invoices,Billing,true\n8,2026-03-04 11:00,Question,,,false\n`);
		expect(tickets(await convert(rows, context().ctx)).map((t) => [t.category, t.vip])).toEqual([['Billing', 'true'], ['', 'false']]);
		const plain = parseExportText('Id,Created at,Ticket type\n7,2026-03-04 10:00,Incident\n');
		expect(tickets(await convert(plain.rows, context().ctx))[0].category).toBe('Incident');
	});

	it('makes no events for a ticket whose solve time is unreadable (the ticket is rejected for it)', async () => {
		const rows = export_.rows.map((r) => (r.values.Id === '102' ? { ...r, values: { ...r.values, 'Solved at': 'Feb 27' } } : r));
		const out = await convert(rows, context().ctx);
		expect(rejects(out)).toEqual(['3:resolved_at']);
		expect(events(out).filter((e) => e.ticket_id === '102')).toEqual([]);
	});

	it('drops a first reply time too large to be a date (past year 9999) with a note, keeping the ticket', async () => {
		// Found by test/fuzz-import.test.ts: the addition threw a RangeError out of the import.
		for (const minutes of ['99999999999999999999', '5000000000']) {
			const rows = export_.rows.map((r) => (r.values.Id === '101' ? { ...r, values: { ...r.values, 'First reply time in minutes': minutes } } : r));
			const { ctx, notes } = context();
			const out = await convert(rows, ctx);
			expect(tickets(out).find((t) => t.ticket_id === '101')?.first_response_at).toBe('');
			expect(events(out).find((e) => e.event_id === '101:first_reply')).toBeUndefined();
			expect(notes).toContainEqual({ line: 2, field: 'First reply time in minutes', message: `"${minutes}" is not a usable number of minutes; no first response time for ticket 101` });
			expect(rejects(out)).toEqual([]);
		}
	});

	it('reads numeric dates in the given order, and refuses to guess an ambiguous one', async () => {
		const header = 'Id,Created at,Solved at,Status,Group,Ticket type';
		const { rows } = parseExportText(`${header}\n7,3/4/2026 10:00,3/14/2026 10:00,Solved,,Incident\n`);
		const guessed = await convert(rows, context().ctx);
		expect(tickets(guessed)[0]).toMatchObject({ created_at: '3/4/2026 10:00', resolved_at: '2026-03-14T10:00:00', category: 'Incident' });
		const told = await convert(rows, context(TIERS, 'mdy').ctx);
		expect(tickets(told)[0]).toMatchObject({ created_at: '2026-03-04T10:00:00', resolved_at: '2026-03-14T10:00:00' });
	});
});

describe('zendeskAdapter.detect()', () => {
	// The header of the real ServiceNow audit sample (shared fixtures), as exported.
	const servicenowAudit = 'number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at'.split(',');
	const servicenowList = 'number,state,priority,impact,urgency,category,subcategory,assignment_group,assigned_to,opened_at,resolved_at,closed_at,reassignment_count,reopen_count,made_sla,escalation,business_duration,calendar_duration,short_description'.split(',');
	const jira = 'Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Reporter,Creator,Created,Updated,Last Viewed,Resolved,Due date,Watchers,Watchers (2),Custom field (Request Type),Satisfaction rating,Custom field (Satisfaction date),Custom field (Time to first response),Custom field (Time to resolution),Status Category,Status Category Changed'.split(',');
	const freshdesk = fs.readFileSync(new URL('./fixtures/adapters/freshdesk-tickets.csv', import.meta.url), 'utf8').split(/\r?\n/)[0].split(',');

	it('recognises a Zendesk export, Summation column and custom fields included', () => {
		expect(zendeskAdapter.detect(export_.header)).toBe(1);
		expect(zendeskAdapter.detect(export_.header.map((h) => h.toLowerCase()))).toBe(1);
	});
	it('scores every other format below 0.6, and they score a Zendesk export below 0.6', () => {
		for (const header of [freshdesk, servicenowAudit, servicenowList, jira]) expect(zendeskAdapter.detect(header)).toBeLessThan(0.6);
		expect(freshdeskAdapter.detect(export_.header)).toBeLessThan(0.6);
	});
});

describe('convertZendeskAudits()', () => {
	const audits = JSON.parse(fs.readFileSync(new URL('./fixtures/adapters/zendesk-audits.json', import.meta.url), 'utf8'));
	const groupNames = { '11': 'Support L1', '22': 'Tech L2' };
	const mappings: ValueMappings = { ...EMPTY_MAPPINGS, group_tier: { 'Support L1': 1, 'Tech L2': 2, 'Tier 3': 3 } };

	function run(m: ValueMappings = mappings) {
		const c = context(m);
		const result = convertZendeskAudits(audits, c.ctx, { groupNames });
		if ('fatal' in result) throw new Error(result.fatal);
		return { ...c, rows: result.rows };
	}

	it('turns group changes into tier changes, and solves and reopens into events, at the audit time', () => {
		const { rows, notes, unmapped } = run();
		expect(rows.map((r) => r.record)).toEqual([
			// Created in a tier 1 group: a note under the id the CSV's routing guess has, to replace it.
			{ ...blankEvent, event_id: '102:group', ticket_id: '102', occurred_at: '2026-02-26T09:00:00Z', type: 'note', actor: '9002', team: 'Support L1', note: 'created in Support L1' },
			{ ...blankEvent, event_id: '102:audit:5002:5', ticket_id: '102', occurred_at: '2026-02-26T11:00:00Z', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', actor: '7001', team: 'Tech L2', note: 'Support L1 → Tech L2' },
			{ ...blankEvent, event_id: '102:audit:5003:7', ticket_id: '102', occurred_at: '2026-02-27T17:30:00Z', type: 'resolved', actor: '7002' },
			{ ...blankEvent, event_id: '102:audit:5004:8', ticket_id: '102', occurred_at: '2026-02-28T08:00:00Z', type: 'reopened', actor: '9002', note: 'solved → open' },
			{ ...blankEvent, event_id: '102:audit:5004:9', ticket_id: '102', occurred_at: '2026-02-28T08:00:00Z', type: 'de_escalated', from_tier: '2', to_tier: '1', actor: '9002', team: 'Support L1', note: 'Tech L2 → Support L1' },
			// Group 33 has no name and no tier: tier 1, so a sideways hand-off, and reported.
			{ ...blankEvent, event_id: '102:audit:5004:10', ticket_id: '102', occurred_at: '2026-02-28T08:00:00Z', type: 'reassigned', actor: '9002', team: '33', note: 'Support L1 → 33' },
			{ ...blankEvent, event_id: '101:group', ticket_id: '101', occurred_at: '2026-02-25T08:00:00Z', type: 'note', actor: '9001', team: 'Support L1', note: 'created in Support L1' }
		]);
		expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 4, 4, 5]);
		expect(unmapped).toEqual(['33']);
		expect(notes.map((n) => [n.line, n.field])).toEqual([[6, 'audit']]);
		expect(rejects(rows)).toEqual([]);
	});

	it('follows the mapping for tiers but not for ids', () => {
		const a = run().rows.map((r) => r.record);
		const b = run({ ...EMPTY_MAPPINGS, group_tier: { 'Support L1': 2, 'Tech L2': 3, '33': 3 } }).rows.map((r) => r.record);
		expect(b.map((e) => e.event_id)).toEqual(a.map((e) => e.event_id));
		expect(b.map((e) => e.type)).toEqual(['escalated', 'escalated', 'resolved', 'reopened', 'de_escalated', 'escalated', 'escalated']);
		expect(b[0]).toMatchObject({ from_tier: '1', to_tier: '2', note: 'routed to Support L1' });
	});

	it('replaces the routing guess also for a ticket created without a group', () => {
		const { ctx } = context();
		const result = convertZendeskAudits([{ id: 1, ticket_id: 7, created_at: '2026-03-01T10:00:00Z', events: [{ id: 2, type: 'Create', field_name: 'group_id', value: null }] }], ctx);
		expect(result).toMatchObject({ rows: [{ line: 1, record: { event_id: '7:group', type: 'note', note: 'created without a group', team: '' } }] });
	});

	it('says plainly when the file is not audits', () => {
		expect(convertZendeskAudits({ tickets: [] }, context().ctx)).toEqual({ fatal: expect.stringMatching(/^not Zendesk ticket audits/) });
	});
});

describe('convertZendeskMetricEvents()', () => {
	const metrics = JSON.parse(fs.readFileSync(new URL('./fixtures/adapters/zendesk-metric-events.json', import.meta.url), 'utf8'));

	it('makes an sla_breached event of each breach still standing, and notes unreadable times', () => {
		const { ctx, notes } = context();
		const result = convertZendeskMetricEvents(metrics, ctx);
		if ('fatal' in result) throw new Error(result.fatal);
		expect(result.rows.map((r) => [r.line, r.record])).toEqual([
			[2, { ...blankEvent, event_id: '102:metric:802', ticket_id: '102', occurred_at: '2026-02-26T10:00:00Z', type: 'sla_breached', note: 'reply_time SLA breached' }],
			[4, { ...blankEvent, event_id: '102:metric:804', ticket_id: '102', occurred_at: '2026-02-27T11:00:00Z', type: 'sla_breached', note: 'group_ownership_time SLA breached' }]
		]);
		expect(notes.map((n) => [n.line, n.field])).toEqual([[5, 'time']]);
		expect(rejects(result.rows)).toEqual([]);
	});

	it('says plainly when the file is not metric events', () => {
		expect(convertZendeskMetricEvents({ audits: [] }, context().ctx)).toMatchObject({ fatal: expect.stringMatching(/^not Zendesk ticket metric events/) });
	});
});
