// The Zendesk ticket CSV export as canonical tickets and events. The CSV is a snapshot: it has
// the final group, the solve time and durations in minutes, but not when a group changed or a
// ticket reopened (those are in the ticket audits, zendesk-json.ts). So a ticket gets a tier
// change only from its final group's tier (routed there at assignment), never invented times.
// A "Category [list]" custom field, when there is one, is the category (else Ticket type), and a
// "vip" tag or "VIP [flag]" field marks a VIP. The small helpers at the bottom are shared with
// the Freshdesk adapter and the audits converter.
import { isMissing, parseExportDate } from '../real-dates.ts';
import { parseTimestamp, TimeZoneRules } from '../timestamps.ts';
import type { Adapter, CanonicalRecord, ConvertContext, ConvertedRow, SourceRow } from './types.ts';
import { eventRecord, ticketRecord } from './records.ts';

/** Columns that only a Zendesk ticket export has together; detect() scores the share present. */
const IDENTIFYING = [
	'Id',
	'Requester',
	'Requester id',
	'Submitter',
	'Group',
	'Via',
	'Ticket type',
	'Created at',
	'Initially assigned at',
	'Solved at',
	'Satisfaction Score',
	'Group stations',
	'Assignee stations',
	'Reopens',
	'Replies',
	'First reply time in minutes'
];

const PRIORITY: Record<string, string> = { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' };
const CSAT: Record<string, string> = { good: '5', bad: '1', offered: '', 'not offered': '', unoffered: '' };
/** Statuses after which a "Solved at" is history: the ticket was reopened and is not resolved now. */
const UNRESOLVED = new Set(['new', 'open', 'pending', 'hold', 'on-hold', 'on hold']);

export const zendeskAdapter: Adapter = {
	id: 'zendesk',
	label: 'Zendesk ticket export (CSV)',
	detect: (header) => scoreHeader(header, IDENTIFYING, ['Id', 'Created at']),
	convert: convertZendesk
};

async function* convertZendesk(rows: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<ConvertedRow> {
	const zone = new TimeZoneRules(ctx.timeZone);
	let get: Getter | null = null;
	let categoryColumn: string | null = null;
	let vipColumn: string | null = null;
	const once = new OnceNotes(ctx);
	for await (const row of rows) {
		if (!get) {
			get = getter(Object.keys(row.values));
			categoryColumn = customField(Object.keys(row.values), 'category', 'list');
			vipColumn = customField(Object.keys(row.values), 'vip', 'flag');
		}
		const v = (name: string) => get!(row.values, name);
		const id = v('Id');
		const created = readDate(v('Created at'), ctx.dateOrder);
		const group = v('Group');
		const status = v('Status');
		const solved = isUnresolved(status) ? '' : readDate(v('Solved at'), ctx.dateOrder);
		if (isUnresolved(status) && !isMissing(v('Solved at'))) {
			once.note(row.line, 'Solved at', `tickets that are open again after being solved (first: ticket ${id}, ${status}) are imported as unresolved: the CSV has no reopen time`);
		}
		const firstResponse = addMinutes(created, v('First reply time in minutes'), zone);
		if (firstResponse === null) {
			ctx.note({ line: row.line, field: 'First reply time in minutes', message: `"${v('First reply time in minutes')}" is not a usable number of minutes; no first response time for ticket ${id}` });
		}
		const tags = splitTags(v('Tags'));
		yield {
			kind: 'ticket',
			line: row.line,
			record: ticketRecord({
				ticket_id: id,
				created_at: created ?? v('Created at'),
				first_response_at: firstResponse ?? '',
				resolved_at: solved ?? v('Solved at'),
				status: mapStatus(status, ctx),
				priority: mapValue(v('Priority'), ctx.mappings.priority, PRIORITY),
				channel: v('Via'),
				category: categoryColumn ? row.values[categoryColumn] : v('Ticket type'),
				customer_id: firstOf(v('Requester id'), v('Requester email'), v('Requester')),
				vip: tags.has('vip') || (vipColumn !== null && TRUE.has(row.values[vipColumn].toLowerCase())) ? 'true' : 'false',
				team: group,
				assignee: v('Assignee'),
				csat_score: mapValue(v('Satisfaction Score'), ctx.mappings.csat, CSAT),
				subject: v('Subject')
			})
		};
		// Events only for a ticket that can be imported at all: the ticket row's own rejection says why.
		if (id === '' || !created || solved === null) continue;
		if (Number(v('Group stations')) > 1) {
			once.note(row.line, 'Group stations', 'tickets changed group, but the ticket CSV does not say when or from which group: only the final group\'s tier is imported (the ticket audits JSON has the changes)');
		}
		if (Number(v('Reopens')) > 0) {
			once.note(row.line, 'Reopens', 'tickets were reopened, but the ticket CSV has no reopen times: no reopened events are imported (the ticket audits JSON has them)');
		}
		const routedAt = readDate(firstOf(v('Initially assigned at'), v('Assigned at')), ctx.dateOrder) || created;
		const routed = routedEvent(id, group, routedAt, ctx);
		if (routed) yield { kind: 'event', line: row.line, record: routed };
		if (firstResponse) {
			yield { kind: 'event', line: row.line, record: eventRecord({ event_id: `${id}:first_reply`, ticket_id: id, occurred_at: firstResponse, type: 'responded', team: group, note: 'first reply' }) };
		}
		if (solved) {
			yield { kind: 'event', line: row.line, record: eventRecord({ event_id: `${id}:resolved`, ticket_id: id, occurred_at: solved, type: 'resolved', actor: v('Assignee'), team: group }) };
		}
	}
}

const isUnresolved = (status: string) => UNRESOLVED.has(status.trim().toLowerCase());
const TRUE = new Set(['true', 'yes', '1']);

/**
 * The custom field for a canonical field: "Category [list]" first, else one whose name contains
 * the word ("Ticket category [list]"), never a "Sub..." one ("Subcategory [list]" is finer).
 */
function customField(columns: string[], word: string, type: string): string | null {
	const suffix = ` [${type}]`;
	const fields = columns.filter((c) => c.toLowerCase().endsWith(suffix));
	const bare = (c: string) => c.slice(0, -suffix.length).trim().toLowerCase();
	return (
		fields.find((c) => bare(c) === word) ??
		fields.find((c) => new RegExp(`\\b${word}\\b`).test(bare(c)) && !bare(c).startsWith('sub')) ??
		null
	);
}

/** The last instant a canonical timestamp can write (a four-digit year). */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * Created + N minutes, as a UTC instant (the import would read a naive result in the account's
 * zone, so the addition is done on the instant, right across DST changes). '' when either is
 * missing, null when the minutes are not a number, or so many that the time is past year 9999.
 */
function addMinutes(created: string | null, minutes: string, zone: TimeZoneRules): string | null {
	if (isMissing(minutes)) return '';
	if (!/^\d+(\.\d+)?$/.test(minutes.trim())) return null;
	if (!created) return '';
	const micros = parseTimestamp(created, zone);
	if (micros === undefined) return '';
	const ms = Math.round(micros / 1000 + Number(minutes) * 60_000);
	if (!(ms <= LAST_MS)) return null;
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

// ---- helpers shared by the Zendesk and Freshdesk adapters and the Zendesk audits converter ----

export type Getter = (values: Record<string, string>, name: string) => string;

/** Reads a cell by column name, case-insensitively (exports differ in capitalisation). */
export function getter(columns: string[]): Getter {
	const byLower = new Map<string, string>();
	for (const c of columns) if (!byLower.has(c.toLowerCase())) byLower.set(c.toLowerCase(), c);
	return (values, name) => {
		const key = byLower.get(name.toLowerCase());
		return key === undefined ? '' : (values[key] ?? '');
	};
}

/** The share of identifying columns present (case-insensitive); 0 without every required one. */
export function scoreHeader(header: string[], identifying: string[], required: string[]): number {
	const have = new Set(header.map((h) => h.trim().toLowerCase()));
	if (!required.every((c) => have.has(c.toLowerCase()))) return 0;
	return identifying.filter((c) => have.has(c.toLowerCase())).length / identifying.length;
}

/**
 * An exported date as canonical text: '' when missing, null when unreadable. With no date order
 * given, a numeric date both orders read differently (3/4/2026) is unreadable rather than guessed.
 */
export function readDate(value: string, order: 'dmy' | 'mdy' | null): string | null {
	if (isMissing(value)) return '';
	if (order) return parseExportDate(value, order);
	const dmy = parseExportDate(value, 'dmy');
	const mdy = parseExportDate(value, 'mdy');
	if (dmy === mdy || mdy === null) return dmy;
	return dmy === null ? mdy : null;
}

/** The user's mapping first, then the adapter's default (case-insensitive); else the text as exported. */
export function mapValue(value: string, mapping: Record<string, string>, defaults: Record<string, string>): string {
	if (Object.hasOwn(mapping, value)) return mapping[value];
	if (isMissing(value)) return '';
	const d = defaults[value.trim().toLowerCase()];
	return d ?? value;
}

export function mapStatus(status: string, ctx: ConvertContext): string {
	return Object.hasOwn(ctx.mappings.status, status) ? ctx.mappings.status[status] : status;
}

/** The tier of a group: mapped, or tier 1 and reported as unmapped. */
export function tierOf(group: string, ctx: ConvertContext): number {
	if (group === '') return 1;
	const tier = ctx.mappings.group_tier[group];
	if (tier !== undefined) return tier;
	ctx.unmappedGroup(group);
	return 1;
}

/**
 * Every ticket starts at tier 1; one whose final group is a higher tier got there at `at` (the
 * best time the export knows). The id does not depend on the mapping, so a mapping change
 * re-derives this event in place.
 */
export function routedEvent(ticket: string, group: string, at: string, ctx: ConvertContext): CanonicalRecord | null {
	const tier = tierOf(group, ctx);
	if (tier <= 1) return null;
	return eventRecord({
		event_id: `${ticket}:group`,
		ticket_id: ticket,
		occurred_at: at,
		type: 'escalated',
		from_tier: '1',
		to_tier: String(tier),
		kind: 'functional',
		team: group,
		note: `routed to ${group}`
	});
}

export function splitTags(tags: string): Set<string> {
	return new Set(tags.toLowerCase().split(/[\s,;]+/).filter(Boolean));
}

export const firstOf = (...values: string[]) => values.find((v) => !isMissing(v)) ?? '';

/** Notes said once per conversion (per field), at the first line they apply to. */
export class OnceNotes {
	private readonly said = new Set<string>();
	constructor(private readonly ctx: ConvertContext) {}
	note(line: number, field: string, message: string) {
		if (this.said.has(field)) return;
		this.said.add(field);
		this.ctx.note({ line, field, message });
	}
}
