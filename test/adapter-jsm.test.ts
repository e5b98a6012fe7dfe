// The Jira Service Management adapter on a small export built from the real column list
// (repeated Watchers, Labels and Comment columns, a comment spanning two lines), checked by hand.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventSchema, fieldErrors, ticketSchema } from '../src/lib/import/canonical.ts';
import { TimeZoneRules } from '../src/lib/import/timestamps.ts';
import { parseExportText, readExportHeader } from '../src/lib/import/adapters/source.ts';
import { EMPTY_MAPPINGS, streamOf, type ConvertNote, type ConvertedRow, type ValueMappings } from '../src/lib/import/adapters/types.ts';
import { jsmAdapter, slaMinutes } from '../src/lib/import/adapters/jsm.ts';

const FIXTURE = fs.readFileSync(new URL('./fixtures/adapters/jsm-issues.csv', import.meta.url), 'utf8');
const MAPPED: ValueMappings = { ...EMPTY_MAPPINGS, group_tier: { 'Tier 2 Platform': 2, Network: 3 } };

async function convert(text: string, mappings: ValueMappings = MAPPED, dateOrder: 'dmy' | 'mdy' | null = null) {
	const { rows } = parseExportText(text);
	const notes: ConvertNote[] = [];
	const unmapped: string[] = [];
	const out: ConvertedRow[] = [];
	const ctx = { timeZone: 'Europe/Berlin', dateOrder, mappings, note: (n: ConvertNote) => notes.push(n), unmappedGroup: (g: string) => unmapped.push(g) };
	for await (const r of jsmAdapter.convert(streamOf(rows), ctx)) out.push(r);
	return { out, notes, unmapped, tickets: out.filter((r) => r.kind === 'ticket'), events: out.filter((r) => r.kind === 'event') };
}

const ticket = (fields: Record<string, string>) => ({
	ticket_id: '', created_at: '', first_response_at: '', resolved_at: '', status: '', priority: '', channel: '', category: '',
	customer_id: '', vip: 'false', team: '', assignee: '', csat_score: '', subject: '', description: '', ...fields
});
const event = (fields: Record<string, string>) => ({
	event_id: '', ticket_id: '', occurred_at: '', type: '', from_tier: '', to_tier: '', kind: '', trigger: '', actor: '', team: '', note: '', ...fields
});

/**
 * A one-issue export: the fixture's header and its first row with some cells replaced. Its
 * comments go: Jira writes them "date;author;text", and papaparse, guessing the delimiter from
 * so short a text, would take the semicolons for it.
 */
function oneIssue(cells: Record<string, string>): string {
	const { header, rows } = parseExportText(FIXTURE);
	const values: Record<string, string> = { ...rows[0].values, Comment: '', 'Comment (2)': '', ...cells };
	const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	const names = header.map((h) => h.replace(/ \(\d+\)$/, ''));
	return `${names.map(quote).join(',')}\n${header.map((h) => quote(values[h] ?? '')).join(',')}\n`;
}

describe('jsmAdapter.convert()', () => {
	it('turns each issue into its ticket, then the events its fields imply, on the issue\'s line', async () => {
		const { out } = await convert(FIXTURE);
		expect(out).toEqual([
			{ kind: 'ticket', line: 2, record: ticket({
				ticket_id: 'HD-101', created_at: '2026-02-25T22:17:00', first_response_at: '2026-02-25T22:47:00', resolved_at: '2026-02-26T08:30:00',
				status: 'Resolved', priority: 'high', category: 'Login help', customer_id: 'cust-acme', team: 'Tier 2 Platform', assignee: 'Ana Silva',
				csat_score: '5', subject: 'Cannot log in after password reset', description: 'The reset link says "expired", again!'
			}) },
			{ kind: 'event', line: 2, record: event({
				event_id: 'HD-101:group', ticket_id: 'HD-101', occurred_at: '2026-02-25T22:17:00', type: 'escalated', from_tier: '1', to_tier: '2',
				kind: 'functional', team: 'Tier 2 Platform', note: 'routed to Tier 2 Platform'
			}) },
			{ kind: 'event', line: 2, record: event({ event_id: 'HD-101:responded', ticket_id: 'HD-101', occurred_at: '2026-02-25T22:47:00', type: 'responded' }) },
			// Time to resolution -02:15 when resolved at 08:30: the target passed at 06:15. Time to first response 01:30 was met.
			{ kind: 'event', line: 2, record: event({
				event_id: 'HD-101:sla:resolution', ticket_id: 'HD-101', occurred_at: '2026-02-26T06:15:00', type: 'sla_breached', team: 'Tier 2 Platform', note: 'resolution'
			}) },
			// Line 4: the first issue's comment spans lines 2 and 3.
			{ kind: 'ticket', line: 4, record: ticket({
				ticket_id: 'HD-102', created_at: '2026-03-01T00:05:00', status: 'Waiting for support', priority: 'normal', category: 'Service Request',
				customer_id: 'cust-globex', team: 'Billing desk', assignee: 'Ben Ode', subject: 'Copy of invoice 2231', description: 'Please send the February invoice.'
			}) },
			{ kind: 'event', line: 4, record: event({
				event_id: 'HD-102:group', ticket_id: 'HD-102', occurred_at: '2026-03-01T00:05:00', type: 'assigned', team: 'Billing desk', note: 'routed to Billing desk'
			}) },
			// Still waiting for a first response, 45 minutes over: stamped at the last update.
			{ kind: 'event', line: 4, record: event({
				event_id: 'HD-102:sla:first_response', ticket_id: 'HD-102', occurred_at: '2026-03-01T15:00:00', type: 'sla_breached', team: 'Billing desk', note: 'first response'
			}) },
			// Done without a resolution: resolved when its status category changed; the group is the component.
			{ kind: 'ticket', line: 5, record: ticket({
				ticket_id: 'HD-103', created_at: '2026-03-02T09:00:00', resolved_at: '2026-03-03T11:00:00', status: 'Done', priority: 'urgent',
				category: 'Report an outage', customer_id: 'cust-initech', team: 'Network', csat_score: '3', subject: 'VPN drops every hour'
			}) },
			{ kind: 'event', line: 5, record: event({
				event_id: 'HD-103:group', ticket_id: 'HD-103', occurred_at: '2026-03-02T09:00:00', type: 'escalated', from_tier: '1', to_tier: '3',
				kind: 'functional', team: 'Network', note: 'routed to Network'
			}) }
		]);
	});

	it('makes records the canonical import accepts, every one', async () => {
		const zone = new TimeZoneRules('Europe/Berlin');
		const [tickets, events] = [ticketSchema(zone), eventSchema(zone)];
		const { out } = await convert(FIXTURE);
		const rejects = out.flatMap((r) => {
			const res = r.kind === 'ticket' ? tickets.safeParse(r.record) : events.safeParse(r.record);
			return res.success ? [] : [{ line: r.line, errors: fieldErrors(res.error) }];
		});
		expect(rejects).toEqual([]);
	});

	it('lets the user\'s mappings override priority, CSAT and status, and reports each unmapped group once', async () => {
		const mappings: ValueMappings = {
			group_tier: { 'Tier 2 Platform': 2 },
			priority: { High: 'urgent', Highest: 'high' },
			csat: { '5': '4', '★★★☆☆': '' },
			status: { 'Waiting for support': 'pending' }
		};
		const doubled = FIXTURE + FIXTURE.split('\r\n').slice(3).join('\r\n').replace('HD-102', 'HD-104');
		const { tickets, unmapped } = await convert(doubled, mappings);
		const pick = (id: string) => tickets.find((t) => t.record.ticket_id === id)!.record;
		expect([pick('HD-101').priority, pick('HD-101').csat_score]).toEqual(['urgent', '4']);
		expect([pick('HD-103').priority, pick('HD-103').csat_score]).toEqual(['high', '']);
		expect(pick('HD-102').status).toBe('pending');
		expect(unmapped).toEqual(['Billing desk', 'Network']);
	});

	it('keeps event ids whatever the mapping, so importing again after a change replaces the events', async () => {
		const ids = (rows: ConvertedRow[]) => rows.filter((r) => r.kind === 'event').map((r) => r.record.event_id);
		const mapped = await convert(FIXTURE);
		const unmapped = await convert(FIXTURE, EMPTY_MAPPINGS);
		expect(ids(unmapped.out)).toEqual(ids(mapped.out));
		expect(unmapped.events.find((e) => e.record.event_id === 'HD-101:group')!.record).toMatchObject({ type: 'assigned', from_tier: '', to_tier: '' });
		expect(unmapped.unmapped).toEqual(['Tier 2 Platform', 'Billing desk', 'Network']);
	});

	it('reads Jira\'s other date formats', async () => {
		const created = async (value: string, order: 'dmy' | 'mdy' | null = null) =>
			(await convert(oneIssue({ Created: value }), MAPPED, order)).tickets[0].record.created_at;
		expect(await created('2026-02-25 22:17')).toBe('2026-02-25T22:17:00');
		expect(await created('25.02.26 22:17')).toBe('2026-02-25T22:17:00');
		expect(await created('Feb 25, 2026 10:17 PM')).toBe('2026-02-25T22:17:00');
		expect(await created('2/25/26 10:17 PM')).toBe('2026-02-25T22:17:00'); // decided by the 25
		expect(await created('2/3/26 10:17 PM', 'mdy')).toBe('2026-02-03T22:17:00');
	});

	it('leaves an unreadable date as written, so the import rejects the row naming it, and then derives no events', async () => {
		const { out } = await convert(oneIssue({ Created: '31/Feb/26 10:17 PM' }));
		expect(out).toHaveLength(1);
		expect(out[0].record.created_at).toBe('31/Feb/26 10:17 PM');
		const res = ticketSchema(new TimeZoneRules('UTC')).safeParse(out[0].record);
		expect(res.success ? [] : fieldErrors(res.error).map((e) => e.field)).toEqual(['created_at']);
	});

	it('notes an SLA cell it cannot read instead of guessing a breach', async () => {
		const { events, notes } = await convert(oneIssue({ 'Custom field (Time to resolution)': 'breached' }));
		expect(events.map((e) => e.record.type)).toEqual(['escalated', 'responded']);
		expect(notes).toEqual([{ line: 2, field: 'Custom field (Time to resolution)', message: expect.stringContaining('"breached"') }]);
	});

	it('never stamps a breach before the ticket was created', async () => {
		const { events } = await convert(oneIssue({ 'Custom field (Time to first response)': '-5d 2h' }));
		expect(events.find((e) => e.record.event_id === 'HD-101:sla:first_response')!.record.occurred_at).toBe('2026-02-25T22:17:00');
	});
});

describe('slaMinutes()', () => {
	it('reads hh:mm and Jira durations, negative when breached', () => {
		expect(slaMinutes('01:30')).toBe(90);
		expect(slaMinutes('-02:15')).toBe(-135);
		expect(slaMinutes('-125:30')).toBe(-7530);
		expect(slaMinutes('-1d 2h')).toBe(-1560);
		expect(slaMinutes('-45m')).toBe(-45);
		expect(slaMinutes('soon')).toBeNull();
		expect(slaMinutes('-')).toBeNull();
	});

	it('takes "-" in an SLA cell for no SLA, not a breach', async () => {
		const { events, notes } = await convert(oneIssue({ 'Custom field (Time to resolution)': '-' }));
		expect(events.map((e) => e.record.type)).toEqual(['escalated', 'responded']);
		expect(notes).toEqual([]);
	});
});

describe('jsmAdapter.detect()', () => {
	const ZENDESK = 'Summation column,Id,Requester,Requester id,Requester external id,Requester email,Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies,First reply time in minutes,First reply time in minutes within business hours,Product [list]'.split(',');
	const FRESHDESK = 'Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,Closed time,Last update time,Initial response time,Time tracked,First response time (in hrs),Resolution time (in hrs),Agent interactions,Customer interactions,Resolution status,First response status,Tags,Survey results,Product,Every response status,Association type,Full name,Contact ID'.split(',');
	const SERVICENOW = 'number,state,priority,impact,urgency,category,subcategory,assignment_group,assigned_to,opened_at,resolved_at,closed_at,reassignment_count,reopen_count,made_sla,escalation,business_duration,calendar_duration,short_description'.split(',');

	it('scores a JSM export at least 0.6, a minimal one too', async () => {
		expect(jsmAdapter.detect(parseExportText(FIXTURE).header)).toBeGreaterThanOrEqual(0.9);
		expect(jsmAdapter.detect(['Issue key', 'Summary', 'Issue Type', 'Status', 'Created', 'Reporter'])).toBeGreaterThanOrEqual(0.6);
	});

	it('scores the other helpdesks\' exports under 0.6', async () => {
		const audit = await readExportHeader('/work/shared/fixtures/servicenow-incident-audit-sample.csv').catch(() => ['number', 'incident_state']);
		for (const header of [ZENDESK, FRESHDESK, SERVICENOW, audit]) expect(jsmAdapter.detect(header)).toBeLessThan(0.6);
	});
});
