import { describe, it, expect } from 'vitest';
import {
	checkHeader,
	eventSchema,
	fieldErrors,
	normalizeHeader,
	ticketSchema,
	EVENT_FIELDS,
	TICKET_FIELDS
} from '../src/lib/import/canonical.ts';
import { TimeZoneRules } from '../src/lib/import/timestamps.ts';

const UTC = new TimeZoneRules('UTC');
const tickets = ticketSchema(UTC);
const events = eventSchema(UTC);

/** A complete ticket input: every canonical field as text, the given ones overridden. */
function ticket(fields: Record<string, string>): Record<string, string> {
	const row: Record<string, string> = {};
	for (const f of TICKET_FIELDS) row[f] = '';
	return { ...row, ticket_id: 'T1', created_at: '2026-03-02T10:00:00Z', ...fields };
}

function event(fields: Record<string, string>): Record<string, string> {
	const row: Record<string, string> = {};
	for (const f of EVENT_FIELDS) row[f] = '';
	return { ...row, ticket_id: 'T1', occurred_at: '2026-03-02T11:00:00Z', type: 'note', ...fields };
}

/** The fields a row is rejected for (empty when it is accepted). */
function rejectedFields(schema: typeof tickets | typeof events, input: Record<string, string>): string[] {
	const r = schema.safeParse(input);
	return r.success ? [] : fieldErrors(r.error).map((e) => e.field);
}

function parseTicket(fields: Record<string, string>) {
	const r = tickets.safeParse(ticket(fields));
	if (!r.success) throw new Error(`rejected: ${JSON.stringify(fieldErrors(r.error))}`);
	return r.data;
}

function parseEvent(fields: Record<string, string>) {
	const r = events.safeParse(event(fields));
	if (!r.success) throw new Error(`rejected: ${JSON.stringify(fieldErrors(r.error))}`);
	return r.data;
}

describe('ticketSchema: a valid row', () => {
	it('accepts the minimal row and types every field', () => {
		const t = parseTicket({});
		expect(t).toEqual({
			ticket_id: 'T1',
			// 2026-03-02 10:00Z in microseconds
			created_at: Date.UTC(2026, 2, 2, 10, 0) * 1000,
			first_response_at: null,
			resolved_at: null,
			status: null,
			priority: 'normal',
			channel: null,
			category: '(none)',
			customer_id: null,
			vip: false,
			team: null,
			assignee: null,
			csat_score: null,
			subject: null,
			description: null
		});
	});

	it('reads optional timestamps and csat 1..5', () => {
		const t = parseTicket({ first_response_at: '2026-03-02T10:30:00Z', resolved_at: '2026-03-03', csat_score: '5' });
		expect(t.first_response_at).toBe(Date.UTC(2026, 2, 2, 10, 30) * 1000);
		expect(t.resolved_at).toBe(Date.UTC(2026, 2, 3) * 1000);
		expect(t.csat_score).toBe(5);
		expect(parseTicket({ csat_score: '1' }).csat_score).toBe(1);
	});

	it('reads naive timestamps in the zone the schema was built for', () => {
		const berlin = ticketSchema(new TimeZoneRules('Europe/Berlin'));
		const r = berlin.safeParse(ticket({ created_at: '2026-03-02 10:00' }));
		expect(r.success).toBe(true);
		// 10:00 CET = 09:00Z
		expect(r.success && r.data.created_at).toBe(Date.UTC(2026, 2, 2, 9, 0) * 1000);
	});
});

describe('ticketSchema: bad input rejects the row with the right field', () => {
	it.each([
		[{ csat_score: '7' }, 'csat_score'],
		[{ csat_score: '0' }, 'csat_score'],
		[{ csat_score: '4.5' }, 'csat_score'],
		[{ csat_score: 'good' }, 'csat_score'],
		[{ priority: 'asap' }, 'priority'],
		[{ vip: 'maybe' }, 'vip'],
		[{ created_at: '03/02/2026' }, 'created_at'],
		[{ created_at: '2026-02-30' }, 'created_at'],
		[{ first_response_at: '2026-03-02T24:00' }, 'first_response_at'],
		[{ resolved_at: 'yesterday' }, 'resolved_at'],
		[{ ticket_id: '' }, 'ticket_id'],
		[{ ticket_id: '   ' }, 'ticket_id'],
		[{ created_at: '' }, 'created_at']
	])('%j is rejected for %s', (fields, field) => {
		expect(rejectedFields(tickets, ticket(fields))).toEqual([field]);
	});

	it('names the value and the allowed values in the reason', () => {
		const r = tickets.safeParse(ticket({ priority: 'asap' }));
		expect(r.success).toBe(false);
		const [e] = fieldErrors(r.error!);
		expect(e.reason).toContain('"asap"');
		expect(e.reason).toContain('low, normal, high, urgent');
	});

	it('says a missing required value is required', () => {
		const r = tickets.safeParse(ticket({ ticket_id: '' }));
		expect(fieldErrors(r.error!)).toEqual([{ field: 'ticket_id', reason: 'is required' }]);
	});

	it('reports every bad field of a row once, in field order', () => {
		expect(rejectedFields(tickets, ticket({ csat_score: '9', priority: 'asap', vip: 'maybe' }))).toEqual([
			'priority',
			'vip',
			'csat_score'
		]);
	});
});

describe('ticketSchema: messy but valid values', () => {
	it('trims enum values and ignores their case', () => {
		expect(parseTicket({ priority: ' HIGH ' }).priority).toBe('high');
		expect(parseTicket({ priority: 'Urgent' }).priority).toBe('urgent');
		expect(parseTicket({ priority: 'low' }).priority).toBe('low');
	});

	it('reads an empty priority as normal', () => {
		expect(parseTicket({ priority: '' }).priority).toBe('normal');
		expect(parseTicket({ priority: '  ' }).priority).toBe('normal');
	});

	it.each([
		['true', true],
		['false', false],
		['1', true],
		['0', false],
		['yes', true],
		['no', false],
		['YES', true],
		[' True ', true],
		['No', false],
		['', false]
	])('reads vip %j as %s', (text, expected) => {
		expect(parseTicket({ vip: text }).vip).toBe(expected);
	});

	it('reads an empty category as (none) and keeps the case of categories', () => {
		expect(parseTicket({ category: '' }).category).toBe('(none)');
		expect(parseTicket({ category: 'Billing' }).category).toBe('Billing');
		expect(parseTicket({ category: 'billing' }).category).toBe('billing');
	});

	it('trims surrounding spaces of a csat score and an id', () => {
		expect(parseTicket({ csat_score: ' 4 ' }).csat_score).toBe(4);
		expect(parseTicket({ ticket_id: ' T9 ' }).ticket_id).toBe('T9');
	});

	it('keeps free text as written', () => {
		const t = parseTicket({ subject: '  Refund, please  ', description: 'line 1\nline 2' });
		expect(t.subject).toBe('  Refund, please  ');
		expect(t.description).toBe('line 1\nline 2');
	});
});

describe('eventSchema: a valid row', () => {
	it('accepts an escalation with tiers, kind and trigger', () => {
		const e = parseEvent({
			event_id: 'E1',
			type: 'escalated',
			from_tier: '1',
			to_tier: '2',
			kind: 'functional',
			trigger: 'sla_breach',
			actor: 'ana'
		});
		expect(e).toEqual({
			event_id: 'E1',
			ticket_id: 'T1',
			// 2026-03-02 11:00Z
			occurred_at: Date.UTC(2026, 2, 2, 11, 0) * 1000,
			type: 'escalated',
			from_tier: 1,
			to_tier: 2,
			kind: 'functional',
			trigger: 'sla_breach',
			actor: 'ana',
			team: null,
			note: null
		});
	});

	it('leaves kind and trigger null (unknown) when empty', () => {
		const e = parseEvent({ type: 'escalated', from_tier: '1', to_tier: '3' });
		expect(e.kind).toBeNull();
		expect(e.trigger).toBeNull();
	});

	it('trims enum values and ignores their case', () => {
		const e = parseEvent({ type: ' De_Escalated ', from_tier: '2', to_tier: '1', kind: 'HIERARCHICAL', trigger: ' Customer_Request' });
		expect(e.type).toBe('de_escalated');
		expect(e.kind).toBe('hierarchical');
		expect(e.trigger).toBe('customer_request');
	});

	it('does not need tiers for other event types', () => {
		expect(parseEvent({ type: 'resolved' }).from_tier).toBeNull();
		expect(parseEvent({ type: 'reassigned' }).to_tier).toBeNull();
	});

	it('accepts tiers 1 and 9, the ends of the range', () => {
		const e = parseEvent({ type: 'escalated', from_tier: '1', to_tier: '9' });
		expect([e.from_tier, e.to_tier]).toEqual([1, 9]);
	});
});

describe('eventSchema: bad input rejects the row with the right field', () => {
	it.each([
		[{ type: 'bounced' }, 'type'],
		[{ type: '' }, 'type'],
		[{ kind: 'sideways' }, 'kind'],
		[{ trigger: 'boredom' }, 'trigger'],
		[{ occurred_at: '2026-13-01' }, 'occurred_at'],
		[{ occurred_at: '' }, 'occurred_at'],
		[{ ticket_id: '' }, 'ticket_id'],
		[{ type: 'escalated', from_tier: '0', to_tier: '2' }, 'from_tier'],
		[{ type: 'escalated', from_tier: '1', to_tier: '10' }, 'to_tier'],
		[{ type: 'escalated', from_tier: '1', to_tier: '1.5' }, 'to_tier'],
		[{ type: 'note', to_tier: '10' }, 'to_tier'],
		[{ type: 'escalated', from_tier: '', to_tier: '2' }, 'from_tier'],
		[{ type: 'escalated', from_tier: '1', to_tier: '' }, 'to_tier'],
		[{ type: 'de_escalated', from_tier: '2', to_tier: '' }, 'to_tier']
	])('%j is rejected for %s', (fields, field) => {
		expect(rejectedFields(events, event(fields))).toEqual([field]);
	});

	it('rejects an escalation without both tiers for both fields, saying why', () => {
		const r = events.safeParse(event({ type: 'escalated' }));
		expect(r.success).toBe(false);
		expect(fieldErrors(r.error!)).toEqual([
			{ field: 'from_tier', reason: 'is required for escalated events' },
			{ field: 'to_tier', reason: 'is required for escalated events' }
		]);
	});

	it('rejects a de-escalation without tiers', () => {
		expect(rejectedFields(events, event({ type: 'de_escalated' }))).toEqual(['from_tier', 'to_tier']);
	});
});

describe('normalizeHeader', () => {
	it('lower-cases and trims a column name and drops a BOM', () => {
		expect(normalizeHeader(' Ticket_ID ')).toBe('ticket_id');
		expect(normalizeHeader('\uFEFFticket_id')).toBe('ticket_id');
		expect(normalizeHeader('CREATED_AT')).toBe('created_at');
	});
});

describe('checkHeader', () => {
	it('accepts a tickets header with only the required columns and no extras', () => {
		expect(checkHeader('tickets', ['ticket_id', 'created_at'])).toEqual({ extras: [] });
	});

	it('accepts an events header with only the required columns', () => {
		expect(checkHeader('events', ['ticket_id', 'occurred_at', 'type'])).toEqual({ extras: [] });
	});

	it('is fatal when a required tickets column is missing, and names it', () => {
		const c = checkHeader('tickets', ['ticket_id', 'status', 'priority']);
		expect(c.fatal).toMatch(/missing required column created_at\b/);
	});

	it('names every missing required column', () => {
		const c = checkHeader('events', ['event_id', 'ticket_id', 'note']);
		expect(c.fatal).toContain('occurred_at');
		expect(c.fatal).toContain('type');
		expect(c.fatal).toMatch(/missing required columns/);
	});

	it('is fatal when an events header is given as tickets, saying it looks like an events file', () => {
		const c = checkHeader('tickets', ['event_id', 'ticket_id', 'occurred_at', 'type', 'from_tier', 'to_tier']);
		expect(c.fatal).toBeDefined();
		expect(c.fatal).toMatch(/looks like an events file/);
	});

	it('is fatal when a tickets header is given as events, saying it looks like a tickets file', () => {
		const c = checkHeader('events', ['ticket_id', 'created_at', 'status', 'priority']);
		expect(c.fatal).toBeDefined();
		expect(c.fatal).toMatch(/looks like a tickets file/);
	});

	it('lists unknown columns as extras without failing', () => {
		const c = checkHeader('tickets', ['ticket_id', 'created_at', 'sentiment', 'priority', 'region']);
		expect(c.fatal).toBeUndefined();
		expect(c.extras).toEqual(['sentiment', 'region']);
		const e = checkHeader('events', ['ticket_id', 'occurred_at', 'type', 'created_at']);
		expect(e.fatal).toBeUndefined();
		expect(e.extras).toEqual(['created_at']);
	});
});
