// Zendesk's JSON exports that say *when* things happened, which the ticket CSV cannot: ticket
// audits (group changes, hence tier changes; solves and reopens) and ticket metric events (SLA
// breaches). Pure converters from the parsed JSON to extra canonical events; the pipeline reads
// the files and imports the events after the ticket CSV's (same ids replace, see below).
import { z } from 'zod';
import type { ConvertContext, ConvertedRow } from './types.ts';
import { eventRecord } from './records.ts';
import { readDate, tierOf } from './zendesk.ts';

/** A Zendesk id: a number in the API, a string once it went through other tools. */
const zid = z.union([z.string(), z.number()]).transform(String);
/** A scalar field value as text ('' for none; arrays such as tags are not ours). */
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

const AuditEvent = z.looseObject({
	id: zid.optional(),
	type: z.string(),
	field_name: z.string().optional(),
	value: z.unknown().optional(),
	previous_value: z.unknown().optional()
});
const Audit = z.looseObject({
	id: zid,
	ticket_id: zid,
	created_at: z.string(),
	author_id: zid.nullable().optional(),
	events: z.array(z.unknown())
});
const MetricEvent = z.looseObject({
	id: zid,
	ticket_id: zid,
	metric: z.string(),
	type: z.string(),
	time: z.string(),
	deleted: z.boolean().optional()
});

export type JsonResult = { rows: ConvertedRow[] } | { fatal: string };

export interface AuditOptions {
	/**
	 * Group id -> group name (Zendesk's groups API or admin page): audits name groups by id, the
	 * ticket CSV and the tier mapping by name. An id without a name is used as the name.
	 */
	groupNames?: Record<string, string>;
}

const RESOLVED = new Set(['solved', 'closed']);
const OPEN = new Set(['new', 'open', 'pending', 'hold']);

/** The array under `key`, or the document itself when it is an array (a page, or pages merged). */
function listOf(json: unknown, key: string): unknown[] | null {
	if (Array.isArray(json)) return json;
	if (json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>)[key])) return (json as Record<string, unknown[]>)[key];
	return null;
}

/**
 * Ticket audits ({"audits": [...]} or an array) as events. A group change is escalated,
 * de_escalated or reassigned by the tiers of its groups (with the CSV's tier rules: unmapped
 * groups are tier 1 and reported); the group a ticket was created in gives the event
 * `${ticket}:group`, the same id the CSV adapter uses for "routed to its final group", so it
 * replaces that guess when imported after it (as a note when the first group is tier 1 or none;
 * a ticket created before the audits begin keeps the guess, so give the whole history). Status
 * changes to solved are resolved events, from solved or closed back to open ones reopened events.
 * Ids come from the audit and audit event ids, never from the mapping. `line` is the audit's
 * 1-based position in the list.
 */
export function convertZendeskAudits(json: unknown, ctx: ConvertContext, options: AuditOptions = {}): JsonResult {
	const audits = listOf(json, 'audits');
	if (!audits) return { fatal: 'not Zendesk ticket audits: expected {"audits": [...]} or an array of audits' };
	const name = (id: string) => options.groupNames?.[id] ?? id;
	const rows: ConvertedRow[] = [];
	audits.forEach((raw, i) => {
		const line = i + 1;
		const parsed = Audit.safeParse(raw);
		if (!parsed.success) {
			ctx.note({ line, field: 'audit', message: `audit ${line} is not a Zendesk audit (${parsed.error.issues[0]?.message ?? 'unreadable'}); skipped` });
			return;
		}
		const audit = parsed.data;
		const at = readDate(audit.created_at, null);
		if (!at) {
			ctx.note({ line, field: 'created_at', message: `audit ${audit.id} has no readable time ("${audit.created_at}"); skipped` });
			return;
		}
		const ticket = audit.ticket_id;
		const actor = audit.author_id ?? '';
		audit.events.forEach((rawEvent, j) => {
			const e = AuditEvent.safeParse(rawEvent);
			if (!e.success) return; // comments, notifications and the like: other shapes, nothing for us
			const { type, field_name } = e.data;
			const now = text(e.data.value);
			const before = text(e.data.previous_value);
			const id = `${ticket}:audit:${audit.id}:${e.data.id ?? j}`;
			const base = { ticket_id: ticket, occurred_at: at, actor };
			if (field_name === 'group_id' && type === 'Create') {
				const group = now === '' ? '' : name(now);
				const tier = tierOf(group, ctx);
				const record =
					tier > 1
						? eventRecord({ ...base, event_id: `${ticket}:group`, type: 'escalated', from_tier: '1', to_tier: String(tier), kind: 'functional', team: group, note: `routed to ${group}` })
						: eventRecord({ ...base, event_id: `${ticket}:group`, type: 'note', team: group, note: group ? `created in ${group}` : 'created without a group' });
				rows.push({ kind: 'event', line, record });
			} else if (field_name === 'group_id' && type === 'Change') {
				const [from, to] = [before === '' ? '' : name(before), now === '' ? '' : name(now)];
				const [fromTier, toTier] = [tierOf(from, ctx), tierOf(to, ctx)];
				const note = `${from || '(no group)'} → ${to || '(no group)'}`;
				const record =
					toTier > fromTier
						? eventRecord({ ...base, event_id: id, type: 'escalated', from_tier: String(fromTier), to_tier: String(toTier), kind: 'functional', team: to, note })
						: toTier < fromTier
							? eventRecord({ ...base, event_id: id, type: 'de_escalated', from_tier: String(fromTier), to_tier: String(toTier), team: to, note })
							: eventRecord({ ...base, event_id: id, type: 'reassigned', team: to, note });
				rows.push({ kind: 'event', line, record });
			} else if (field_name === 'status' && (type === 'Change' || type === 'Create')) {
				const [from, to] = [before.toLowerCase(), now.toLowerCase()];
				if (to === 'solved') rows.push({ kind: 'event', line, record: eventRecord({ ...base, event_id: id, type: 'resolved' }) });
				else if (RESOLVED.has(from) && OPEN.has(to)) rows.push({ kind: 'event', line, record: eventRecord({ ...base, event_id: id, type: 'reopened', note: `${from} → ${to}` }) });
			}
		});
	});
	return { rows };
}

/**
 * Ticket metric events ({"ticket_metric_events": [...]} or an array): each breach not deleted
 * since (Zendesk deletes a breach when the SLA is recomputed) is an sla_breached event at its
 * time, with the metric in the note. `line` is the metric event's 1-based position in the list.
 */
export function convertZendeskMetricEvents(json: unknown, ctx: ConvertContext): JsonResult {
	const list = listOf(json, 'ticket_metric_events');
	if (!list) return { fatal: 'not Zendesk ticket metric events: expected {"ticket_metric_events": [...]} or an array of them' };
	const rows: ConvertedRow[] = [];
	list.forEach((raw, i) => {
		const line = i + 1;
		const parsed = MetricEvent.safeParse(raw);
		if (!parsed.success) {
			ctx.note({ line, field: 'metric event', message: `metric event ${line} is not a Zendesk ticket metric event; skipped` });
			return;
		}
		const m = parsed.data;
		if (m.type !== 'breach' || m.deleted) return;
		const at = readDate(m.time, null);
		if (!at) {
			ctx.note({ line, field: 'time', message: `metric event ${m.id} has no readable time ("${m.time}"); skipped` });
			return;
		}
		rows.push({ kind: 'event', line, record: eventRecord({ event_id: `${m.ticket_id}:metric:${m.id}`, ticket_id: m.ticket_id, occurred_at: at, type: 'sla_breached', note: `${m.metric} SLA breached` }) });
	});
	return { rows };
}
