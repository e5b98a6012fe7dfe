// The demo generator feeds every screen and the 1M-ticket benchmark, so these tests pin down
// what the product relies on: the canonical CSV shape, determinism, internal consistency of
// the event stream, and the statistical features the dashboards are expected to show.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { writeDemoCsv, type DemoFiles } from '../src/lib/server/demo-data';

const END = new Date('2026-03-02T00:00:00Z'); // a Monday, so the range is 20 whole ISO weeks
const TICKETS = 3000;
const SEED = 42;
const TICKET_FIELDS = [
	'ticket_id', 'created_at', 'first_response_at', 'resolved_at', 'status', 'priority', 'channel',
	'category', 'customer_id', 'vip', 'team', 'assignee', 'csat_score', 'subject', 'description'
] as const;
const EVENT_FIELDS = ['event_id', 'ticket_id', 'occurred_at', 'type', 'from_tier', 'to_tier', 'kind', 'trigger', 'actor', 'team', 'note'] as const;
type TicketRow = Record<(typeof TICKET_FIELDS)[number], string>;
type EventRow = Record<(typeof EVENT_FIELDS)[number], string>;
const FRUSTRATION = ['third time', 'still not working', 'extremely frustrated', 'unacceptable', 'cancel my subscription', 'waiting for days', 'nobody is answering'];
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DAY_MS = 86_400_000;

let root: string;
let files: DemoFiles;
let ticketsText: string;
let eventsText: string;
let tickets: TicketRow[];
let events: EventRow[];
let fields: { tickets: string[]; events: string[] };
const eventsByTicket = new Map<string, EventRow[]>();

function parse<Row>(text: string): { rows: Row[]; fields: string[] } {
	const result = Papa.parse<Row>(text, { header: true, skipEmptyLines: true });
	expect(result.errors).toEqual([]);
	return { rows: result.data, fields: result.meta.fields ?? [] };
}

/** Monday 00:00 UTC of the ISO week containing `ms` (1970-01-01 was a Thursday). */
function isoWeekStart(ms: number): number {
	const day = Math.floor(ms / DAY_MS);
	return (day - ((day + 3) % 7)) * DAY_MS;
}

beforeAll(async () => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-demo-'));
	files = await writeDemoCsv(path.join(root, 'main'), { tickets: TICKETS, seed: SEED, end: END });
	ticketsText = fs.readFileSync(files.ticketsPath, 'utf8');
	eventsText = fs.readFileSync(files.eventsPath, 'utf8');
	const t = parse<TicketRow>(ticketsText);
	const e = parse<EventRow>(eventsText);
	tickets = t.rows;
	events = e.rows;
	fields = { tickets: t.fields, events: e.fields };
	for (const ev of events) {
		const list = eventsByTicket.get(ev.ticket_id) ?? [];
		list.push(ev);
		eventsByTicket.set(ev.ticket_id, list);
	}
});

afterAll(() => {
	fs.rmSync(root, { recursive: true, force: true });
});

describe('writeDemoCsv: format', () => {
	it('writes both files with the exact canonical header and LF line endings', () => {
		expect(path.basename(files.ticketsPath)).toBe('tickets.csv');
		expect(path.basename(files.eventsPath)).toBe('events.csv');
		expect(ticketsText.split('\n', 1)[0]).toBe(TICKET_FIELDS.join(','));
		expect(eventsText.split('\n', 1)[0]).toBe(EVENT_FIELDS.join(','));
		expect(fields.tickets).toEqual(TICKET_FIELDS);
		expect(fields.events).toEqual(EVENT_FIELDS);
		expect(ticketsText.includes('\r')).toBe(false);
		expect(eventsText.includes('\r')).toBe(false);
	});

	it('writes the requested number of tickets and reports the counts it wrote', () => {
		expect(tickets).toHaveLength(TICKETS);
		expect(files.tickets).toBe(TICKETS);
		expect(files.events).toBe(events.length);
		expect(new Set(tickets.map((t) => t.ticket_id)).size).toBe(TICKETS);
		expect(tickets.every((t) => /^DEMO-\d{6,}$/.test(t.ticket_id))).toBe(true);
		expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
		expect(events.every((e) => e.event_id.startsWith('DEMO-E-'))).toBe(true);
	});

	it('quotes commas, double quotes and newlines so they survive a round trip', () => {
		const descriptions = tickets.map((t) => t.description);
		expect(descriptions.some((d) => d.includes('\n'))).toBe(true);
		expect(descriptions.some((d) => d.includes('"'))).toBe(true);
		expect(descriptions.some((d) => d.includes(','))).toBe(true);
		// The row count above only holds if quoted newlines did not split records.
		expect(ticketsText).toContain('""');
	});

	it('uses second-precision UTC timestamps, none at or after end', () => {
		const end = END.getTime();
		const stamps = [
			...tickets.flatMap((t) => [t.created_at, t.first_response_at, t.resolved_at].filter((s) => s !== '')),
			...events.map((e) => e.occurred_at)
		];
		expect(stamps.length).toBeGreaterThan(TICKETS * 3);
		for (const s of stamps) {
			expect(s).toMatch(ISO_SECONDS);
			expect(Date.parse(s)).toBeLessThan(end);
		}
		// The range really spans ~20 weeks back from end.
		const earliest = Math.min(...tickets.map((t) => Date.parse(t.created_at)));
		expect(end - earliest).toBeGreaterThan(19 * 7 * DAY_MS);
		expect(end - earliest).toBeLessThanOrEqual(20 * 7 * DAY_MS);
	});
});

describe('writeDemoCsv: determinism', () => {
	it('gives byte-identical files for the same options and different ones for another seed', async () => {
		const again = await writeDemoCsv(path.join(root, 'again'), { tickets: TICKETS, seed: SEED, end: END });
		const other = await writeDemoCsv(path.join(root, 'other'), { tickets: TICKETS, seed: SEED + 1, end: END });
		expect(fs.readFileSync(again.ticketsPath).equals(Buffer.from(ticketsText))).toBe(true);
		expect(fs.readFileSync(again.eventsPath).equals(Buffer.from(eventsText))).toBe(true);
		expect(fs.readFileSync(other.ticketsPath, 'utf8')).not.toBe(ticketsText);
		expect(fs.readFileSync(other.eventsPath, 'utf8')).not.toBe(eventsText);
	});

	it('starts every id with idPrefix and changes nothing else', async () => {
		const load = await writeDemoCsv(path.join(root, 'load'), { tickets: TICKETS, seed: SEED, end: END, idPrefix: 'LOAD' });
		const swap = (text: string) => text.replace(/^DEMO-/gm, 'LOAD-').replace(/^(LOAD-E-\d+),DEMO-/gm, '$1,LOAD-');
		expect(fs.readFileSync(load.ticketsPath, 'utf8')).toBe(swap(ticketsText));
		expect(fs.readFileSync(load.eventsPath, 'utf8')).toBe(swap(eventsText));
	});
});

describe('writeDemoCsv: consistency of the event stream', () => {
	it('averages about three events per ticket', () => {
		const perTicket = events.length / tickets.length;
		expect(perTicket).toBeGreaterThanOrEqual(2.8);
		expect(perTicket).toBeLessThanOrEqual(3.6);
	});

	it('only has events for existing tickets, each starting with created at created_at, in time order', () => {
		const ids = new Set(tickets.map((t) => t.ticket_id));
		expect(events.every((e) => ids.has(e.ticket_id))).toBe(true);
		for (const t of tickets) {
			const list = eventsByTicket.get(t.ticket_id) ?? [];
			expect(list[0]?.type).toBe('created');
			expect(list[0]?.occurred_at).toBe(t.created_at);
			for (let i = 1; i < list.length; i++) {
				expect(Date.parse(list[i]!.occurred_at)).toBeGreaterThanOrEqual(Date.parse(list[i - 1]!.occurred_at));
			}
		}
	});

	it('has from_tier equal to the current tier on every tier change when replayed in order', () => {
		let changes = 0;
		let bounces = 0;
		for (const [, list] of eventsByTicket) {
			let tier = 1;
			for (const e of list) {
				if (e.type !== 'escalated' && e.type !== 'de_escalated') continue;
				expect(Number(e.from_tier)).toBe(tier);
				const to = Number(e.to_tier);
				if (e.type === 'escalated') expect(to).toBeGreaterThan(tier);
				else {
					expect(to).toBeLessThan(tier);
					bounces++;
				}
				tier = to;
				changes++;
			}
		}
		expect(changes).toBeGreaterThan(0);
		expect(bounces).toBeGreaterThan(0);
	});

	it('matches first_response_at, resolved_at and status to the events', () => {
		for (const t of tickets) {
			const list = eventsByTicket.get(t.ticket_id) ?? [];
			const firstResponse = list.find((e) => e.type === 'responded')?.occurred_at ?? '';
			let resolved = '';
			for (const e of list) {
				if (e.type === 'resolved') resolved = e.occurred_at;
				else if (e.type === 'reopened') resolved = '';
			}
			expect(t.first_response_at).toBe(firstResponse);
			expect(t.resolved_at).toBe(resolved);
			expect(resolved ? ['solved', 'closed'] : ['new', 'open', 'pending', 'on_hold']).toContain(t.status);
		}
	});
});

describe('writeDemoCsv: statistical shape', () => {
	it('escalates 15-40% of tickets', () => {
		const escalated = new Set(events.filter((e) => e.type === 'escalated').map((e) => e.ticket_id));
		const share = escalated.size / tickets.length;
		expect(share).toBeGreaterThanOrEqual(0.15);
		expect(share).toBeLessThanOrEqual(0.4);
	});

	it('contains a category spike by the SPEC rule (>= 2x the previous 4 ISO weeks and >= 5)', () => {
		const category = new Map(tickets.map((t) => [t.ticket_id, t.category]));
		const escalations = events.filter((e) => e.type === 'escalated');
		const first = Math.min(...escalations.map((e) => isoWeekStart(Date.parse(e.occurred_at))));
		const weekly = new Map<string, number[]>();
		for (const e of escalations) {
			const week = (isoWeekStart(Date.parse(e.occurred_at)) - first) / (7 * DAY_MS);
			const cat = category.get(e.ticket_id) ?? '(none)';
			const counts = weekly.get(cat) ?? [];
			counts[week] = (counts[week] ?? 0) + 1;
			weekly.set(cat, counts);
		}
		const spikes: string[] = [];
		for (const [cat, counts] of weekly) {
			// Judged only once 4 weeks of history exist; missing weeks count as zero.
			for (let w = 4; w < counts.length; w++) {
				const baseline = [1, 2, 3, 4].reduce((sum, k) => sum + (counts[w - k] ?? 0), 0) / 4;
				const count = counts[w] ?? 0;
				if (count >= 5 && count >= 2 * baseline) spikes.push(`${cat}@${w}`);
			}
		}
		expect(spikes.length).toBeGreaterThan(0);
	});

	it('rates 30-50% of resolved tickets, always with an integer 1..5, and never unresolved ones', () => {
		const resolved = tickets.filter((t) => t.resolved_at !== '');
		const rated = resolved.filter((t) => t.csat_score !== '');
		const share = rated.length / resolved.length;
		expect(share).toBeGreaterThanOrEqual(0.3);
		expect(share).toBeLessThanOrEqual(0.5);
		for (const t of rated) expect(t.csat_score).toMatch(/^[1-5]$/);
		expect(tickets.filter((t) => t.resolved_at === '' && t.csat_score !== '')).toEqual([]);
	});

	it('puts frustration phrases in some, but not most, descriptions', () => {
		const frustrated = tickets.filter((t) => FRUSTRATION.some((p) => t.description.toLowerCase().includes(p)));
		expect(frustrated.length).toBeGreaterThan(0);
		expect(frustrated.length / tickets.length).toBeLessThan(0.2);
	});
});
