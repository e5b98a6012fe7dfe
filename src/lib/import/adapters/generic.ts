// The generic column mapping: any CSV export becomes canonical records once the user has said
// which export column holds which canonical field (a GenericMappingSpec, stored by name, used by
// `handoff import --mapping NAME` and built in the mapping screen, whose preview is
// previewGeneric). It also owns the rules every adapter shares, so they behave alike: group ->
// tier with the routed-at-creation event, the default priority and CSAT readings, and reading
// dates whose day/month order is decided by the rows themselves.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { EVENT_FIELDS, PRIORITIES, TICKET_FIELDS, eventSchema, fieldErrors, ticketSchema, type FieldError } from '../canonical.ts';
import { TimeZoneRules } from '../timestamps.ts';
import { detectDateOrder, isMissing, needsDateOrder, parseExportDate, type DateOrder } from '../real-dates.ts';
import {
	EMPTY_MAPPINGS,
	type Adapter,
	type CanonicalRecord,
	type ConvertContext,
	type ConvertNote,
	type ConvertOptions,
	type ConvertedRow,
	type SourceRow,
	type ValueMappings,
	streamOf
} from './types.ts';
import { eventRecord, ticketRecord } from './records.ts';

// ---------------------------------------------------------------------------------------------
// Shared by every adapter

export const emptyTicket = (): CanonicalRecord => ticketRecord();
export const emptyEvent = (): CanonicalRecord => eventRecord();

/**
 * A group's tier: the user's mapping, else tier 1, and the pipeline hears about the group (once
 * per conversion: `seen` is the conversion's own set). No group is tier 1, silently.
 */
export function tierOf(group: string, mappings: ValueMappings, ctx: ConvertContext, seen: Set<string>): number {
	if (group === '') return 1;
	const tier = mappings.group_tier[group];
	if (tier !== undefined) return tier;
	if (!seen.has(group)) {
		seen.add(group);
		ctx.unmappedGroup(group);
	}
	return 1;
}

/**
 * The event that puts a ticket in its group's tier when the export cannot say when it got
 * there: `escalated` 1 -> tier at creation, or, for a tier-1 group, `assigned` (not a hand-off).
 * Always emitted under the same id, `<ticket>:group`, so importing again after the mapping
 * changed replaces the event instead of leaving a stale escalation behind.
 */
export function routedEvent(ticketId: string, createdAt: string, group: string, tier: number): CanonicalRecord {
	const e = emptyEvent();
	e.event_id = `${ticketId}:group`;
	e.ticket_id = ticketId;
	e.occurred_at = createdAt;
	e.team = group;
	e.note = `routed to ${group}`;
	if (tier > 1) {
		e.type = 'escalated';
		e.from_tier = '1';
		e.to_tier = String(tier);
		e.kind = 'functional';
	} else {
		e.type = 'assigned';
	}
	return e;
}

/** A `responded` event at the first response, so the SLA clock of whichever tier held the ticket then judges it. */
export function respondedEvent(ticketId: string, at: string, actor = ''): CanonicalRecord {
	const e = emptyEvent();
	e.event_id = `${ticketId}:responded`;
	e.ticket_id = ticketId;
	e.occurred_at = at;
	e.type = 'responded';
	e.actor = actor;
	return e;
}

const PRIORITY_WORDS: Record<string, string> = {
	lowest: 'low',
	low: 'low',
	minor: 'low',
	trivial: 'low',
	medium: 'normal',
	normal: 'normal',
	moderate: 'normal',
	major: 'normal', // the default priority of Jira's old scheme
	high: 'high',
	critical: 'high',
	highest: 'urgent',
	urgent: 'urgent',
	blocker: 'urgent'
};
const P_LEVELS: Record<string, string> = { '1': 'urgent', '2': 'high', '3': 'normal', '4': 'low', '5': 'low' };

/**
 * The canonical priority of an exported one: the user's mapping, else the usual words (Lowest..
 * Highest, P1..P5, "1 - Critical"), else the value as written, so the import rejects the row
 * naming it and the user can map it.
 */
export function readPriority(value: string, mappings: ValueMappings): string {
	if (value === '') return '';
	const mapped = mappings.priority[value];
	if (mapped !== undefined) return mapped;
	const v = value.trim().toLowerCase();
	if (PRIORITY_WORDS[v]) return PRIORITY_WORDS[v];
	const level = /^p?([1-5])\b/.exec(v);
	if (level) return P_LEVELS[level[1]];
	return value;
}

/** A CSAT score: the user's mapping, else "4", "4 stars", "4/5", "★★★★☆"; else as written (rejected). */
export function readCsat(value: string, mappings: ValueMappings): string {
	if (value === '') return '';
	const mapped = mappings.csat[value];
	if (mapped !== undefined) return mapped;
	const v = value.trim();
	const digits = /^([1-5])(?:\.0+)?\s*(?:stars?|\/\s*5)?$/i.exec(v);
	if (digits) return digits[1];
	if (/^[★☆]+$/.test(v)) {
		const stars = [...v].filter((c) => c === '★').length;
		if (stars >= 1 && stars <= 5) return String(stars);
	}
	return value;
}

export const readStatus = (value: string, mappings: ValueMappings): string => mappings.status[value] ?? value;

const VIP_WORDS: Record<string, string> = { y: 'true', n: 'false', t: 'true', f: 'false', x: 'true' };

/** true/false, 1/0, yes/no pass as they are (the canonical check reads them); y/n, t/f and a tick mark x too. */
export const readVip = (value: string): string => VIP_WORDS[value.trim().toLowerCase()] ?? value;

/**
 * An exported date as canonical text: '' when missing, the original text when unreadable (the
 * canonical check then rejects the row naming the field and the value), and `ok` says which.
 */
export function readDate(value: string, order: DateOrder): { text: string; ok: boolean } {
	if (isMissing(value)) return { text: '', ok: true };
	const parsed = parseExportDate(value, order);
	return parsed === null ? { text: value, ok: false } : { text: parsed, ok: true };
}

/** Shifts a naive local time (as parseExportDate writes it) by minutes on the wall clock of `zone`. */
export function shiftLocal(naive: string, minutes: number, zone: string): string {
	const t = DateTime.fromISO(naive, { zone, setZone: true });
	if (!t.isValid) return naive;
	const shifted = t.plus({ minutes });
	return /(Z|[+-]\d{2}:\d{2})$/.test(naive) ? shifted.toISO({ suppressMilliseconds: true })! : shifted.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/**
 * Pairs each row with the date order to read it in: ctx.dateOrder when given; otherwise the
 * order the export's own dates decide (a day over 12), holding rows back, in file order, until
 * one does (at most `hold` rows). When none does, day-first (Jira's, ServiceNow's and most
 * locales' order) and a note asking the user to choose if that is wrong.
 */
export async function* withDateOrder(
	rows: AsyncIterable<SourceRow>,
	ctx: ConvertContext,
	dateCells: (row: SourceRow) => string[],
	hold = 5_000
): AsyncIterable<[SourceRow, DateOrder]> {
	if (ctx.dateOrder) {
		for await (const row of rows) yield [row, ctx.dateOrder];
		return;
	}
	let order: DateOrder | null = null;
	const held: SourceRow[] = [];
	const giveUp = function* (): Generator<[SourceRow, DateOrder]> {
		ctx.note({
			line: held[0].line,
			field: 'dates',
			message: 'every date fits both day-first and month-first; read as day-first (choose the date order if that is wrong)'
		});
		order = 'dmy';
		for (const r of held.splice(0)) yield [r, 'dmy'];
	};
	for await (const row of rows) {
		if (order) {
			yield [row, order];
			continue;
		}
		const cells = dateCells(row);
		if (held.length === 0 && !needsDateOrder(cells)) {
			yield [row, 'dmy']; // no numeric day/month in this row: the order cannot matter
			continue;
		}
		held.push(row);
		const decided = detectDateOrder(cells);
		if (decided) {
			order = decided;
			for (const r of held.splice(0)) yield [r, decided];
		} else if (held.length >= hold) yield* giveUp();
	}
	if (held.length) yield* giveUp();
}

/** `base` overridden by `over`, kind by kind. */
export function mergeMappings(base: ValueMappings, over: Partial<ValueMappings> | undefined): ValueMappings {
	return {
		group_tier: { ...base.group_tier, ...over?.group_tier },
		status: { ...base.status, ...over?.status },
		priority: { ...base.priority, ...over?.priority },
		csat: { ...base.csat, ...over?.csat }
	};
}

// ---------------------------------------------------------------------------------------------
// The mapping spec

const column = z.string().trim().min(1, 'names no column');

export const GENERIC_FIELDS = [
	'ticket_id',
	'created_at',
	'resolved_at',
	'first_response_at',
	'group',
	'assignee',
	'priority',
	'status',
	'category',
	'channel',
	'customer_id',
	'csat',
	'subject',
	'description',
	'vip'
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

/** A user's mapping of an export's columns (names exactly as in its header) to canonical fields. */
export const GenericMappingSpec = z.strictObject({
	name: z.string().trim().min(1, 'is required').max(80),
	columns: z.strictObject({
		ticket_id: column,
		created_at: column,
		resolved_at: column.optional(),
		first_response_at: column.optional(),
		/** The owning group or team: becomes `team`, and its tier comes from the group -> tier mapping. */
		group: column.optional(),
		assignee: column.optional(),
		priority: column.optional(),
		status: column.optional(),
		category: column.optional(),
		channel: column.optional(),
		customer_id: column.optional(),
		csat: column.optional(),
		subject: column.optional(),
		description: column.optional(),
		vip: column.optional()
	}),
	/** How to read numeric dates; absent: decided from the export (ctx.dateOrder, when set, wins). */
	dateOrder: z.enum(['dmy', 'mdy']).optional(),
	/** Value mappings of this export; they win over the Settings page's, which win over the defaults. */
	values: z
		.strictObject({
			group_tier: z.record(z.string(), z.number().int().min(1).max(9)),
			status: z.record(z.string(), z.string()),
			priority: z.record(z.string(), z.enum(PRIORITIES)),
			csat: z.record(z.string(), z.string().regex(/^[1-5]?$/, 'is a score 1..5 or empty'))
		})
		.partial()
		.optional()
});
export type GenericMappingSpec = z.infer<typeof GenericMappingSpec>;

/** The canonical ticket field a mapped column lands in (group -> team, csat -> csat_score). */
const TICKET_FIELD: Record<GenericField, string> = {
	ticket_id: 'ticket_id',
	created_at: 'created_at',
	resolved_at: 'resolved_at',
	first_response_at: 'first_response_at',
	group: 'team',
	assignee: 'assignee',
	priority: 'priority',
	status: 'status',
	category: 'category',
	channel: 'channel',
	customer_id: 'customer_id',
	csat: 'csat_score',
	subject: 'subject',
	description: 'description',
	vip: 'vip'
};

/** The mapped columns the header lacks (a fatal problem for an import). */
export function missingColumns(spec: GenericMappingSpec, header: string[]): string[] {
	const have = new Set(header);
	return Object.values(spec.columns).filter((c): c is string => c !== undefined && !have.has(c));
}

/** A field that could not be converted, with the export column it came from. */
export interface GenericProblem extends FieldError {
	column?: string;
}

interface Converted {
	row: ConvertedRow;
	/** What the conversion itself found wrong, in the user's terms (the column and its value). */
	problems: GenericProblem[];
}

const DATE_FIELDS = ['created_at', 'resolved_at', 'first_response_at'] as const;

async function* convertGeneric(spec: GenericMappingSpec, rows: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<Converted> {
	const mappings = mergeMappings(ctx.mappings, spec.values);
	const seen = new Set<string>();
	const cols = spec.columns;
	const orderCtx: ConvertContext = spec.dateOrder && !ctx.dateOrder ? { ...ctx, dateOrder: spec.dateOrder } : ctx;
	const dateCells = (row: SourceRow) => DATE_FIELDS.map((f) => (cols[f] ? (row.values[cols[f]] ?? '') : ''));

	for await (const [row, order] of withDateOrder(rows, orderCtx, dateCells)) {
		const problems: GenericProblem[] = [];
		const cell = (field: GenericField): string => {
			const name = cols[field];
			if (name === undefined) return '';
			const v = row.values[name];
			if (v === undefined) {
				problems.push({ field: TICKET_FIELD[field], column: name, reason: `column "${name}" is not in the export` });
				return '';
			}
			return v;
		};
		const t = emptyTicket();
		t.ticket_id = cell('ticket_id');
		const dates: Record<string, boolean> = {};
		for (const f of DATE_FIELDS) {
			const raw = cell(f);
			const { text, ok } = readDate(raw, order);
			t[f] = text;
			dates[f] = ok && text !== '';
			if (!ok) problems.push({ field: f, column: cols[f], reason: `"${raw}" is not a date (e.g. 2026-02-25 22:17, 25/02/2026 22:17, 25/Feb/26 10:17 PM)` });
		}
		const group = cell('group');
		t.team = group;
		t.assignee = cell('assignee');
		t.priority = readPriority(cell('priority'), mappings);
		t.status = readStatus(cell('status'), mappings);
		t.category = cell('category');
		t.channel = cell('channel');
		t.customer_id = cell('customer_id');
		t.csat_score = readCsat(cell('csat'), mappings);
		t.subject = cell('subject');
		t.description = cell('description');
		t.vip = readVip(cell('vip'));
		yield { row: { kind: 'ticket', line: row.line, record: t }, problems };

		// Events of a ticket without an id or a creation time would only be rejected as unknown.
		if (t.ticket_id === '' || !dates.created_at) continue;
		if (group !== '') {
			const tier = tierOf(group, mappings, ctx, seen);
			yield { row: { kind: 'event', line: row.line, record: routedEvent(t.ticket_id, t.created_at, group, tier) }, problems: [] };
		}
		if (dates.first_response_at) {
			yield { row: { kind: 'event', line: row.line, record: respondedEvent(t.ticket_id, t.first_response_at) }, problems: [] };
		}
	}
}

export type GenericAdapter = Omit<Adapter, 'id'> & { id: 'generic'; spec: GenericMappingSpec };

/** An adapter for any export, driven by the user's column mapping. */
export function genericAdapter(spec: GenericMappingSpec): GenericAdapter {
	const mapped = Object.values(spec.columns).filter((c): c is string => c !== undefined);
	return {
		id: 'generic',
		spec,
		label: `Column mapping "${spec.name}"`,
		detect(header) {
			const have = new Set(header);
			if (!have.has(spec.columns.ticket_id) || !have.has(spec.columns.created_at)) return 0;
			return mapped.filter((c) => have.has(c)).length / mapped.length;
		},
		async *convert(rows, ctx) {
			for await (const c of convertGeneric(spec, rows, ctx)) yield c.row;
		}
	};
}

// ---------------------------------------------------------------------------------------------
// The mapping screen's preview

const isAsync = <T>(x: Iterable<T> | AsyncIterable<T>): x is AsyncIterable<T> => Symbol.asyncIterator in x;

export interface PreviewRecord extends ConvertedRow {
	/** Per canonical field (in the format's field order), what is wrong: the conversion's own finding, else the canonical check's. */
	errors: GenericProblem[];
}

export interface GenericPreview {
	records: PreviewRecord[];
	notes: ConvertNote[];
	unmappedGroups: string[];
}

/**
 * The first `n` records the spec makes of these rows (tickets and their events, in order), each
 * checked as the import will check it, so the screen can show what each mapped column becomes
 * and what would be rejected, field by field.
 */
export async function previewGeneric(
	spec: GenericMappingSpec,
	rows: Iterable<SourceRow> | AsyncIterable<SourceRow>,
	n: number,
	options: Partial<ConvertOptions> = {}
): Promise<GenericPreview> {
	const timeZone = options.timeZone ?? 'UTC';
	const zone = new TimeZoneRules(timeZone);
	const tickets = ticketSchema(zone);
	const events = eventSchema(zone);
	const notes: ConvertNote[] = [];
	const unmappedGroups: string[] = [];
	const ctx: ConvertContext = {
		timeZone,
		dateOrder: options.dateOrder ?? null,
		mappings: options.mappings ?? EMPTY_MAPPINGS,
		note: (note) => notes.push(note),
		unmappedGroup: (g) => unmappedGroups.push(g)
	};
	const stream = isAsync(rows) ? rows : streamOf(rows);
	const columnOf = Object.fromEntries(GENERIC_FIELDS.map((f) => [TICKET_FIELD[f], spec.columns[f]]));
	const records: PreviewRecord[] = [];
	if (n <= 0) return { records, notes, unmappedGroups };
	for await (const { row, problems } of convertGeneric(spec, stream, ctx)) {
		const errors = [...problems];
		const checked = row.kind === 'ticket' ? tickets.safeParse(row.record) : events.safeParse(row.record);
		if (!checked.success) {
			for (const e of fieldErrors(checked.error)) {
				if (errors.some((p) => p.field === e.field)) continue;
				const col = row.kind === 'ticket' ? columnOf[e.field] : undefined;
				errors.push(col ? { ...e, column: col } : e);
			}
		}
		const order: readonly string[] = row.kind === 'ticket' ? TICKET_FIELDS : EVENT_FIELDS;
		errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
		records.push({ ...row, errors });
		if (records.length >= n) break;
	}
	return { records, notes, unmappedGroups };
}
