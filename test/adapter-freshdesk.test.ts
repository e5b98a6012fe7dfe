// The Freshdesk ticket CSV adapter on a small export built from the real column list (with the
// optional Every response status, Association type, Full name and Contact ID), read by hand.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExportText } from '../src/lib/import/adapters/source.ts';
import { EMPTY_MAPPINGS, type ConvertContext, type ConvertedRow, type SourceRow, type ValueMappings } from '../src/lib/import/adapters/types.ts';
import { blankEvent, blankTicket, convertAll, eventsOf, makeContext, rejectedFields, ticketsOf } from './adapter-helpers.ts';
import { freshdeskAdapter } from '../src/lib/import/adapters/freshdesk.ts';
import { zendeskAdapter } from '../src/lib/import/adapters/zendesk.ts';

const FIXTURE = new URL('./fixtures/adapters/freshdesk-tickets.csv', import.meta.url);
const export_ = parseExportText(fs.readFileSync(FIXTURE, 'utf8'));
const TIERS: ValueMappings = { ...EMPTY_MAPPINGS, group_tier: { Frontline: 1, 'Engineering L2': 2 } };

const context = (mappings: ValueMappings = TIERS) => makeContext('America/New_York', mappings);
const convert = (rows: SourceRow[], ctx: ConvertContext) => convertAll(freshdeskAdapter, rows, ctx);
const tickets = ticketsOf;
const events = eventsOf;
/** The canonical fields rejected, per converted row ('' when valid). */
const rejects = (out: ConvertedRow[]) => rejectedFields(out, 'America/New_York');

describe('freshdeskAdapter.convert()', () => {
	it('turns each ticket row into a canonical ticket, read by hand', async () => {
		const out = await convert(export_.rows, context().ctx);
		expect(tickets(out)).toEqual([
			{ ...blankTicket, ticket_id: '201', created_at: '2026-02-25T09:00:00', first_response_at: '2026-02-25T09:20:00', resolved_at: '2026-02-25T13:00:00', status: 'Closed', priority: 'normal', channel: 'Email', category: 'Billing', customer_id: '7001', vip: 'true', team: 'Frontline', assignee: 'Lee Park', csat_score: '5', subject: 'Invoice wrong', description: 'I was charged twice, this is ridiculous' },
			{ ...blankTicket, ticket_id: '202', created_at: '2026-02-26T10:00:00', first_response_at: '2026-02-26T12:00:00', resolved_at: '2026-02-28T10:00:00', status: 'Resolved', priority: 'urgent', channel: 'Portal', category: 'Incident', customer_id: '7002', team: 'Engineering L2', assignee: 'Kim Roy', csat_score: '2', subject: 'Data export fails', description: 'Export "all" times out' },
			// Open with a resolved time: reopened since, unresolved now. No Contact ID: the name.
			{ ...blankTicket, ticket_id: '203', created_at: '2026-03-01T08:00:00', status: 'Open', priority: 'high', channel: 'Chat', customer_id: 'Cy Diaz', team: 'Specialists', subject: 'Login loop' },
			// Closed without a resolved time: resolved when closed.
			{ ...blankTicket, ticket_id: '204', created_at: '2026-03-02T07:30:00', resolved_at: '2026-03-02T08:00:00', status: 'Closed', priority: 'low', channel: 'Phone', category: 'Question', customer_id: '7004', assignee: 'Lee Park', csat_score: '3', subject: 'Closed without resolving', description: 'spam?' }
		]);
	});

	it('derives routing, first response, the violated resolution SLA at its due time and the resolution', async () => {
		const out = await convert(export_.rows, context().ctx);
		expect(events(out)).toEqual([
			{ ...blankEvent, event_id: '201:first_reply', ticket_id: '201', occurred_at: '2026-02-25T09:20:00', type: 'responded', team: 'Frontline', note: 'first response' },
			{ ...blankEvent, event_id: '201:resolved', ticket_id: '201', occurred_at: '2026-02-25T13:00:00', type: 'resolved', actor: 'Lee Park', team: 'Frontline' },
			{ ...blankEvent, event_id: '202:group', ticket_id: '202', occurred_at: '2026-02-26T10:00:00', type: 'escalated', from_tier: '1', to_tier: '2', kind: 'functional', team: 'Engineering L2', note: 'routed to Engineering L2' },
			{ ...blankEvent, event_id: '202:first_reply', ticket_id: '202', occurred_at: '2026-02-26T12:00:00', type: 'responded', team: 'Engineering L2', note: 'first response' },
			{ ...blankEvent, event_id: '202:sla:resolution', ticket_id: '202', occurred_at: '2026-02-26T14:00:00', type: 'sla_breached', team: 'Engineering L2', note: 'resolution SLA violated' },
			{ ...blankEvent, event_id: '202:resolved', ticket_id: '202', occurred_at: '2026-02-28T10:00:00', type: 'resolved', actor: 'Kim Roy', team: 'Engineering L2' },
			{ ...blankEvent, event_id: '204:resolved', ticket_id: '204', occurred_at: '2026-03-02T08:00:00', type: 'resolved', actor: 'Lee Park' }
		]);
		expect(out.filter((r) => r.record.ticket_id === '202').map((r) => r.line)).toEqual([3, 3, 3, 3, 3]);
	});

	it('produces only records the canonical import accepts', async () => {
		expect(rejects(await convert(export_.rows, context().ctx))).toEqual([]);
		expect(rejects(await convert(export_.rows, context(EMPTY_MAPPINGS).ctx))).toEqual([]);
	});

	it('notes breaches without a time and reopened tickets instead of inventing times', async () => {
		const { ctx, notes } = context();
		await convert(export_.rows, ctx);
		expect(notes.map((n) => [n.line, n.field])).toEqual([
			[4, 'Resolution status'],
			[3, 'First response status'],
			[4, 'Status']
		]);
		expect(notes[1].message).toMatch(/^1 ticket violated the first response SLA/);
	});

	it('reports groups without a tier (tier 1 until mapped)', async () => {
		const { ctx, unmapped } = context(EMPTY_MAPPINGS);
		const out = await convert(export_.rows, ctx);
		expect(unmapped).toEqual(['Frontline', 'Engineering L2', 'Specialists']);
		expect(events(out).some((e) => e.type === 'escalated')).toBe(false);
	});

	it('lets the user mappings override the defaults', async () => {
		const mappings: ValueMappings = {
			group_tier: { Frontline: 1, 'Engineering L2': 2, Specialists: 3 },
			status: { Closed: 'closed' },
			priority: { Medium: 'low', Urgent: 'high' },
			csat: { Neutral: '', Unhappy: '1' }
		};
		const { ctx, unmapped } = context(mappings);
		const out = await convert(export_.rows, ctx);
		const t = Object.fromEntries(tickets(out).map((r) => [r.ticket_id, r]));
		expect([t['201'].status, t['201'].priority, t['201'].csat_score]).toEqual(['closed', 'low', '5']);
		expect([t['202'].status, t['202'].priority, t['202'].csat_score]).toEqual(['Resolved', 'high', '1']);
		expect(t['204'].csat_score).toBe('');
		expect(unmapped).toEqual([]);
		expect(events(out).find((e) => e.event_id === '203:group')).toMatchObject({ to_tier: '3', occurred_at: '2026-03-01T08:00:00' });
		expect(rejects(out)).toEqual([]);
	});

	it('keeps event ids when the group mapping changes', async () => {
		const a = events(await convert(export_.rows, context().ctx));
		const b = events(await convert(export_.rows, context({ ...TIERS, group_tier: { 'Engineering L2': 3 } }).ctx));
		expect(b.map((e) => e.event_id)).toEqual(a.map((e) => e.event_id));
		expect(b.find((e) => e.event_id === '202:group')?.to_tier).toBe('3');
	});

	it('leaves an unknown priority and survey answer as written, so the import rejects them by field', async () => {
		const rows = export_.rows.map((r) => (r.values['Ticket ID'] === '204' ? { ...r, values: { ...r.values, Priority: 'P1', 'Survey results': 'Meh' } } : r));
		expect(rejects(await convert(rows, context().ctx))).toEqual(['5:priority', '5:csat_score']);
	});

	it('reads only a date as the first response ("Initial response time" as a duration is dropped)', async () => {
		const rows = export_.rows.map((r) => (r.values['Ticket ID'] === '201' ? { ...r, values: { ...r.values, 'Initial response time': '00:20:00' } } : r));
		const { ctx, notes } = context();
		const out = await convert(rows, ctx);
		expect(tickets(out)[0].first_response_at).toBe('');
		expect(notes[0]).toMatchObject({ line: 2, field: 'Initial response time' });
		expect(events(out).some((e) => e.event_id === '201:first_reply')).toBe(false);
	});
});

describe('freshdeskAdapter.detect()', () => {
	const servicenowAudit = 'number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at'.split(',');
	const servicenowList = 'number,state,priority,impact,urgency,category,subcategory,assignment_group,assigned_to,opened_at,resolved_at,closed_at,reassignment_count,reopen_count,made_sla,escalation,business_duration,calendar_duration,short_description'.split(',');
	const jira = 'Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Reporter,Creator,Created,Updated,Last Viewed,Resolved,Due date,Watchers,Watchers (2),Custom field (Request Type),Satisfaction rating,Custom field (Satisfaction date),Custom field (Time to first response),Custom field (Time to resolution),Status Category,Status Category Changed'.split(',');
	const zendesk = fs.readFileSync(new URL('./fixtures/adapters/zendesk-tickets.csv', import.meta.url), 'utf8').split(/\r?\n/)[0].split(',');

	it('recognises a Freshdesk export, with or without the optional columns', () => {
		expect(freshdeskAdapter.detect(export_.header)).toBe(1);
		const core = export_.header.filter((h) => !['Every response status', 'Association type', 'Full name', 'Contact ID'].includes(h));
		expect(freshdeskAdapter.detect(core)).toBe(1);
	});
	it('scores every other format below 0.6, and they score a Freshdesk export below 0.6', () => {
		for (const header of [zendesk, servicenowAudit, servicenowList, jira]) expect(freshdeskAdapter.detect(header)).toBeLessThan(0.6);
		expect(zendeskAdapter.detect(export_.header)).toBeLessThan(0.6);
	});
});
