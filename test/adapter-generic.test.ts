// The generic column mapping on a small, odd export (month-first dates decided by the rows,
// a "?" for a missing date, its own priority words), checked by hand, and its preview.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventSchema, ticketSchema } from '../src/lib/import/canonical.ts';
import { TimeZoneRules } from '../src/lib/import/timestamps.ts';
import { parseExportText } from '../src/lib/import/adapters/source.ts';
import { EMPTY_MAPPINGS, streamOf, type ConvertNote, type ConvertedRow, type ValueMappings } from '../src/lib/import/adapters/types.ts';
import { GenericMappingSpec, genericAdapter, missingColumns, previewGeneric, readCsat, readPriority } from '../src/lib/import/adapters/generic.ts';

const LEGACY = fs.readFileSync(new URL('./fixtures/adapters/generic-legacy.csv', import.meta.url), 'utf8');
const SPEC: GenericMappingSpec = GenericMappingSpec.parse({
	name: 'legacy desk',
	columns: {
		ticket_id: 'Ref',
		created_at: 'Opened (local)',
		resolved_at: 'Closed',
		first_response_at: 'First reply',
		group: 'Queue',
		assignee: 'Owner',
		priority: 'Urgency',
		customer_id: 'Cust',
		csat: 'Stars',
		subject: 'Title',
		vip: 'Key account'
	},
	values: { priority: { 'Sev 1': 'urgent' }, group_tier: { 'L2 Apps': 2 } }
});

async function convert(text: string, spec = SPEC, mappings: ValueMappings = EMPTY_MAPPINGS) {
	const notes: ConvertNote[] = [];
	const unmapped: string[] = [];
	const out: ConvertedRow[] = [];
	const ctx = { timeZone: 'UTC', dateOrder: null, mappings, note: (n: ConvertNote) => notes.push(n), unmappedGroup: (g: string) => unmapped.push(g) };
	for await (const r of genericAdapter(spec).convert(streamOf(parseExportText(text).rows), ctx)) out.push(r);
	return { out, notes, unmapped };
}

const ticket = (fields: Record<string, string>) => ({
	ticket_id: '', created_at: '', first_response_at: '', resolved_at: '', status: '', priority: '', channel: '', category: '',
	customer_id: '', vip: '', team: '', assignee: '', csat_score: '', subject: '', description: '', ...fields
});
const event = (fields: Record<string, string>) => ({
	event_id: '', ticket_id: '', occurred_at: '', type: '', from_tier: '', to_tier: '', kind: '', trigger: '', actor: '', team: '', note: '', ...fields
});

describe('genericAdapter(spec).convert()', () => {
	it('maps the named columns to canonical records, with the same group -> tier rules as every adapter', async () => {
		const { out, notes, unmapped } = await convert(LEGACY);
		expect(out).toEqual([
			// 03/02 fits both orders: held back until A-2's 03/14 says month first.
			{ kind: 'ticket', line: 2, record: ticket({
				ticket_id: 'A-1', created_at: '2026-03-02T09:00:00', resolved_at: '2026-03-02T17:30:00', first_response_at: '2026-03-02T09:20:00',
				team: 'Frontline', assignee: 'kim', priority: 'high', customer_id: 'c-9', csat_score: '4', subject: 'Printer jam', vip: 'true'
			}) },
			{ kind: 'event', line: 2, record: event({
				event_id: 'A-1:group', ticket_id: 'A-1', occurred_at: '2026-03-02T09:00:00', type: 'assigned', team: 'Frontline', note: 'routed to Frontline'
			}) },
			{ kind: 'event', line: 2, record: event({ event_id: 'A-1:responded', ticket_id: 'A-1', occurred_at: '2026-03-02T09:20:00', type: 'responded' }) },
			{ kind: 'ticket', line: 3, record: ticket({
				ticket_id: 'A-2', created_at: '2026-03-14T21:05:00', team: 'L2 Apps', assignee: 'lee', priority: 'urgent', customer_id: 'c-7', subject: 'App crash'
			}) },
			{ kind: 'event', line: 3, record: event({
				event_id: 'A-2:group', ticket_id: 'A-2', occurred_at: '2026-03-14T21:05:00', type: 'escalated', from_tier: '1', to_tier: '2',
				kind: 'functional', team: 'L2 Apps', note: 'routed to L2 Apps'
			}) },
			// No creation date: the import rejects it ("is required"), so no events.
			{ kind: 'ticket', line: 4, record: ticket({
				ticket_id: 'A-3', resolved_at: '2026-03-15T10:00:00', team: 'L2 Apps', assignee: 'lee', priority: 'low', customer_id: 'c-7',
				csat_score: '5', subject: 'No date', vip: 'false'
			}) }
		]);
		expect(notes).toEqual([]);
		expect(unmapped).toEqual(['Frontline']);
	});

	it('makes records the canonical import accepts, except the one without a creation date', async () => {
		const zone = new TimeZoneRules('UTC');
		const { out } = await convert(LEGACY);
		const rejected = out.filter((r) => !(r.kind === 'ticket' ? ticketSchema(zone) : eventSchema(zone)).safeParse(r.record).success);
		expect(rejected.map((r) => r.record.ticket_id)).toEqual(['A-3']);
	});

	it('lets the spec\'s values win over the Settings mappings, which win over the defaults', async () => {
		const settings: ValueMappings = { ...EMPTY_MAPPINGS, group_tier: { 'L2 Apps': 3, Frontline: 1 }, priority: { P2: 'low', 'Sev 1': 'low' } };
		const { out, unmapped } = await convert(LEGACY, SPEC, settings);
		const tickets = out.filter((r) => r.kind === 'ticket').map((r) => r.record.priority);
		expect(tickets).toEqual(['low', 'urgent', 'low']);
		expect(out.find((r) => r.record.event_id === 'A-2:group')!.record.to_tier).toBe('2');
		expect(unmapped).toEqual([]);
	});

	it('reads day first, with a note, when no date decides the order; the spec\'s order when it has one', async () => {
		const ambiguous = LEGACY.split('\n').slice(0, 2).join('\n');
		const guessed = await convert(ambiguous);
		expect(guessed.out[0].record.created_at).toBe('2026-02-03T09:00:00');
		expect(guessed.notes).toEqual([{ line: 2, field: 'dates', message: expect.stringContaining('day-first') }]);
		const told = await convert(ambiguous, { ...SPEC, dateOrder: 'mdy' });
		expect(told.out[0].record.created_at).toBe('2026-03-02T09:00:00');
		expect(told.notes).toEqual([]);
	});

	it('detects its own export by the mapped columns', () => {
		const adapter = genericAdapter(SPEC);
		const { header } = parseExportText(LEGACY);
		expect(adapter.detect(header)).toBe(1);
		expect(adapter.detect(header.filter((h) => h !== 'Stars'))).toBeCloseTo(10 / 11);
		expect(adapter.detect(header.filter((h) => h !== 'Opened (local)'))).toBe(0);
		expect(missingColumns(SPEC, ['Ref', 'Opened (local)'])).toEqual(['Closed', 'First reply', 'Queue', 'Owner', 'Urgency', 'Cust', 'Stars', 'Title', 'Key account']);
	});
});

describe('previewGeneric()', () => {
	const BAD = [
		'Ref,Opened (local),Closed,Queue,Owner,Urgency,Cust,Stars,Title,Key account,First reply',
		'B-1,02/30/2026 10:00,tomorrow,Frontline,kim,P9,c-1,7,Bad,maybe,',
		'B-2,02/27/2026 10:00,,Frontline,kim,P3,c-1,,Good,no,'
	].join('\n');

	it('shows what each record becomes and what the import would reject, field by field, with the column', async () => {
		const spec = { ...SPEC, columns: { ...SPEC.columns, channel: 'Channel' } };
		const { records, unmappedGroups } = await previewGeneric(spec, parseExportText(BAD).rows, 10);
		expect(records.map((r) => [r.kind, r.line, r.record.ticket_id])).toEqual([
			['ticket', 2, 'B-1'],
			['ticket', 3, 'B-2'],
			['event', 3, 'B-2']
		]);
		expect(records[0].errors).toEqual([
			{ field: 'created_at', column: 'Opened (local)', reason: expect.stringMatching(/^"02\/30\/2026 10:00" is not a date/) },
			{ field: 'resolved_at', column: 'Closed', reason: expect.stringMatching(/^"tomorrow" is not a date/) },
			{ field: 'priority', column: 'Urgency', reason: expect.stringContaining('"P9" is not one of low, normal, high, urgent') },
			{ field: 'channel', column: 'Channel', reason: 'column "Channel" is not in the export' },
			{ field: 'vip', column: 'Key account', reason: expect.stringContaining('"maybe" is not a boolean') },
			{ field: 'csat_score', column: 'Stars', reason: expect.stringContaining('"7" is not a whole number from 1 to 5') }
		]);
		expect(records[1].errors.map((e) => e.field)).toEqual(['channel']);
		expect(records[1].record).toMatchObject({ created_at: '2026-02-27T10:00:00', priority: 'normal', vip: 'no' });
		expect(records[2].errors).toEqual([]);
		expect(unmappedGroups).toEqual(['Frontline']);
	});

	it('stops after n records', async () => {
		const { records } = await previewGeneric(SPEC, streamOf(parseExportText(LEGACY).rows), 2);
		expect(records.map((r) => r.record.event_id || r.record.ticket_id)).toEqual(['A-1', 'A-1:group']);
	});
});

describe('GenericMappingSpec', () => {
	it('accepts a stored spec as JSON and refuses unknown fields, bad values and a missing id column', () => {
		expect(GenericMappingSpec.parse(JSON.parse(JSON.stringify(SPEC)))).toEqual(SPEC);
		const bad = (patch: object) => GenericMappingSpec.safeParse({ ...SPEC, ...patch }).success;
		expect(bad({ columns: { ...SPEC.columns, tier: 'Level' } })).toBe(false);
		expect(bad({ columns: { ...SPEC.columns, ticket_id: ' ' } })).toBe(false);
		expect(bad({ values: { priority: { P9: 'asap' } } })).toBe(false);
		expect(bad({ values: { group_tier: { L2: 10 } } })).toBe(false);
		expect(bad({ values: { csat: { Good: '5', 'Not offered': '' } } })).toBe(true);
	});
});

describe('the value readings every adapter shares', () => {
	it('reads priorities and CSAT the usual ways, and leaves others for the import to reject', () => {
		expect(['Lowest', 'Low', 'Medium', 'High', 'Highest', 'P1', 'P4', '1 - Critical', '3 - Moderate'].map((p) => readPriority(p, EMPTY_MAPPINGS)))
			.toEqual(['low', 'low', 'normal', 'high', 'urgent', 'urgent', 'low', 'urgent', 'normal']);
		expect(readPriority('asap', EMPTY_MAPPINGS)).toBe('asap');
		expect(['5', '5 stars', '1 star', '4/5', '★★★★★', '★★☆☆☆', ''].map((c) => readCsat(c, EMPTY_MAPPINGS))).toEqual(['5', '5', '1', '4', '5', '2', '']);
		expect(readCsat('Good', EMPTY_MAPPINGS)).toBe('Good');
	});
});
