// The canonical import format of SPEC.md as zod schemas: one row in (all fields as text,
// keys already lower-cased), one typed row out, or the fields that are wrong and why.
// Shared by the server import, the CLI and the browser preview of the Imports page.
import { z } from 'zod';
import { parseTimestamp, type TimeZoneRules } from './timestamps.ts';

export const TICKET_FIELDS = [
	'ticket_id',
	'created_at',
	'first_response_at',
	'resolved_at',
	'status',
	'priority',
	'channel',
	'category',
	'customer_id',
	'vip',
	'team',
	'assignee',
	'csat_score',
	'subject',
	'description'
] as const;
export const TICKET_REQUIRED = ['ticket_id', 'created_at'] as const;

export const EVENT_FIELDS = [
	'event_id',
	'ticket_id',
	'occurred_at',
	'type',
	'from_tier',
	'to_tier',
	'kind',
	'trigger',
	'actor',
	'team',
	'note'
] as const;
export const EVENT_REQUIRED = ['ticket_id', 'occurred_at', 'type'] as const;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const EVENT_TYPES = [
	'created',
	'assigned',
	'reassigned',
	'responded',
	'escalated',
	'de_escalated',
	'resolved',
	'reopened',
	'sla_breached',
	'note'
] as const;
export const KINDS = ['functional', 'hierarchical'] as const;
export const TRIGGERS = [
	'technical_complexity',
	'sla_breach',
	'customer_sentiment',
	'high_value_impact',
	'customer_request',
	'other'
] as const;

export type FileKind = 'tickets' | 'events';

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no', '']);

/** Free text: kept as written, empty means absent. */
const text = z.string().transform((s) => (s === '' ? null : s));
/** Identifiers: surrounding spaces are export noise. */
const id = z.string().transform((s) => s.trim());
const requiredId = id.refine((s) => s !== '', { message: 'is required' });
const optionalId = id.transform((s) => (s === '' ? null : s));

function oneOf<T extends string>(values: readonly T[], empty: T | null) {
	const allowed = new Set<string>(values);
	return z.string().transform((s, ctx): T | null => {
		const v = s.trim().toLowerCase();
		if (v === '') return empty;
		if (!allowed.has(v)) {
			ctx.addIssue({ code: 'custom', message: `"${s}" is not one of ${values.join(', ')}` });
			return z.NEVER;
		}
		return v as T;
	});
}

function integerIn(min: number, max: number) {
	return z.string().transform((s, ctx): number | null => {
		const v = s.trim();
		if (v === '') return null;
		const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
		if (!(n >= min && n <= max)) {
			ctx.addIssue({ code: 'custom', message: `"${s}" is not a whole number from ${min} to ${max}` });
			return z.NEVER;
		}
		return n;
	});
}

const boolean = z.string().transform((s, ctx): boolean => {
	const v = s.trim().toLowerCase();
	if (TRUE_WORDS.has(v)) return true;
	if (FALSE_WORDS.has(v)) return false;
	ctx.addIssue({ code: 'custom', message: `"${s}" is not a boolean (true/false, 1/0, yes/no)` });
	return z.NEVER;
});

const TIMESTAMP_HELP = '(expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])';

function optionalTimestamp(zone: TimeZoneRules) {
	return z.string().transform((s, ctx): number | null => {
		if (s.trim() === '') return null;
		const micros = parseTimestamp(s, zone);
		if (micros === undefined) {
			ctx.addIssue({ code: 'custom', message: `"${s}" is not a timestamp ${TIMESTAMP_HELP}` });
			return z.NEVER;
		}
		return micros;
	});
}

function requiredTimestamp(zone: TimeZoneRules) {
	return z.string().transform((s, ctx): number => {
		const micros = s.trim() === '' ? undefined : parseTimestamp(s, zone);
		if (micros === undefined) {
			ctx.addIssue({ code: 'custom', message: s.trim() === '' ? 'is required' : `"${s}" is not a timestamp ${TIMESTAMP_HELP}` });
			return z.NEVER;
		}
		return micros;
	});
}

export function ticketSchema(zone: TimeZoneRules) {
	return z.object({
		ticket_id: requiredId,
		created_at: requiredTimestamp(zone),
		first_response_at: optionalTimestamp(zone),
		resolved_at: optionalTimestamp(zone),
		status: optionalId,
		priority: oneOf(PRIORITIES, 'normal'),
		channel: optionalId,
		category: id.transform((s) => (s === '' ? '(none)' : s)),
		customer_id: optionalId,
		vip: boolean,
		team: optionalId,
		assignee: optionalId,
		csat_score: integerIn(1, 5),
		subject: text,
		description: text
	});
}

export function eventSchema(zone: TimeZoneRules) {
	return z
		.object({
			event_id: optionalId,
			ticket_id: requiredId,
			occurred_at: requiredTimestamp(zone),
			type: oneOf(EVENT_TYPES, null).refine((v) => v !== null, { message: 'is required' }),
			from_tier: integerIn(1, 9),
			to_tier: integerIn(1, 9),
			kind: oneOf(KINDS, null),
			trigger: oneOf(TRIGGERS, null),
			actor: optionalId,
			team: optionalId,
			note: text
		})
		.superRefine((e, ctx) => {
			if (e.type !== 'escalated' && e.type !== 'de_escalated') return;
			for (const field of ['from_tier', 'to_tier'] as const) {
				if (e[field] === null) ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${e.type} events` });
			}
		});
}

export type TicketRow = z.output<ReturnType<typeof ticketSchema>>;
export type EventRow = z.output<ReturnType<typeof eventSchema>> & { type: (typeof EVENT_TYPES)[number] };

export interface FieldError {
	field: string;
	reason: string;
}

/** Flattens zod issues to one entry per field, in field order. */
export function fieldErrors(error: z.ZodError): FieldError[] {
	const seen = new Set<string>();
	const out: FieldError[] = [];
	for (const issue of error.issues) {
		const field = String(issue.path[0] ?? '(row)');
		if (seen.has(field)) continue;
		seen.add(field);
		out.push({ field, reason: issue.message });
	}
	return out;
}

/** Header names are case-insensitive and may carry a BOM or stray spaces. */
export function normalizeHeader(name: string): string {
	return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

export interface HeaderCheck {
	fatal?: string;
	/** The file looks like the other kind (events given as tickets, or the reverse). */
	otherKind?: boolean;
	extras: string[];
}

/**
 * Checks a header against the file kind it was given as. Missing required columns are fatal,
 * and so is an events file handed in as tickets (or the reverse), with a message that says so.
 */
export function checkHeader(kind: FileKind, columns: string[]): HeaderCheck {
	const have = new Set(columns);
	const known = new Set<string>(kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS);
	const required: readonly string[] = kind === 'tickets' ? TICKET_REQUIRED : EVENT_REQUIRED;
	const extras = columns.filter((c) => !known.has(c));
	const missing = required.filter((c) => !have.has(c));
	if (missing.length === 0) return { extras };
	const looksLikeEvents = have.has('occurred_at') && have.has('type');
	const looksLikeTickets = have.has('created_at') && !have.has('occurred_at');
	if (kind === 'tickets' && looksLikeEvents) {
		return { extras, otherKind: true, fatal: 'this looks like an events file (it has occurred_at and type, no created_at); give it as the events file' };
	}
	if (kind === 'events' && looksLikeTickets) {
		return { extras, otherKind: true, fatal: 'this looks like a tickets file (it has created_at, no occurred_at); give it as the tickets file' };
	}
	return {
		extras,
		fatal: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ') || 'no columns'})`
	};
}
