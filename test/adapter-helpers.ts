// Shared by the adapter tests: a conversion context that records what the adapter says, an
// adapter run to completion, and the canonical check each converted record must pass.
import { eventSchema, fieldErrors, ticketSchema } from '../src/lib/import/canonical.ts';
import { TimeZoneRules } from '../src/lib/import/timestamps.ts';
import { streamOf, type Adapter, type ConvertContext, type ConvertedRow, type ConvertNote, type SourceRow, type ValueMappings } from '../src/lib/import/adapters/types.ts';

export function makeContext(timeZone: string, mappings: ValueMappings, dateOrder: 'dmy' | 'mdy' | null = null) {
	const notes: ConvertNote[] = [];
	const unmapped: string[] = [];
	const ctx: ConvertContext = {
		timeZone,
		dateOrder,
		mappings,
		note: (n) => notes.push(n),
		unmappedGroup: (g) => unmapped.push(g)
	};
	return { ctx, notes, unmapped };
}

export async function convertAll(adapter: Adapter, rows: SourceRow[], ctx: ConvertContext): Promise<ConvertedRow[]> {
	const out: ConvertedRow[] = [];
	for await (const r of adapter.convert(streamOf(rows), ctx)) out.push(r);
	return out;
}

export const ticketsOf = (out: ConvertedRow[]) => out.filter((r) => r.kind === 'ticket').map((r) => r.record);
export const eventsOf = (out: ConvertedRow[]) => out.filter((r) => r.kind === 'event').map((r) => r.record);

/** The canonical fields rejected, per converted row, as "line:field" (none when all are valid). */
export function rejectedFields(out: ConvertedRow[], timeZone: string): string[] {
	const zone = new TimeZoneRules(timeZone);
	const schemas = { ticket: ticketSchema(zone), event: eventSchema(zone) };
	return out.flatMap((r) => {
		const res = schemas[r.kind].safeParse(r.record);
		return res.success ? [] : fieldErrors(res.error).map((e) => `${r.line}:${e.field}`);
	});
}

export const blankTicket = { ticket_id: '', created_at: '', first_response_at: '', resolved_at: '', status: '', priority: '', channel: '', category: '', customer_id: '', vip: 'false', team: '', assignee: '', csat_score: '', subject: '', description: '' };
export const blankEvent = { event_id: '', ticket_id: '', occurred_at: '', type: '', from_tier: '', to_tier: '', kind: '', trigger: '', actor: '', team: '', note: '' };
