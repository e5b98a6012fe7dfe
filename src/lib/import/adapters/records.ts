// Canonical records as every adapter builds them: all of SPEC.md's columns present, in order,
// '' where the export has nothing to say.
import { EVENT_FIELDS, TICKET_FIELDS } from '../canonical.ts';
import type { CanonicalRecord } from './types.ts';

export type TicketField = (typeof TICKET_FIELDS)[number];
export type EventField = (typeof EVENT_FIELDS)[number];

export function ticketRecord(fields: Partial<Record<TicketField, string>> = {}): CanonicalRecord {
	const r: CanonicalRecord = {};
	for (const f of TICKET_FIELDS) r[f] = fields[f] ?? '';
	return r;
}

export function eventRecord(fields: Partial<Record<EventField, string>> = {}): CanonicalRecord {
	const r: CanonicalRecord = {};
	for (const f of EVENT_FIELDS) r[f] = fields[f] ?? '';
	return r;
}
