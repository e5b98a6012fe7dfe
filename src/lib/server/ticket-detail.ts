// One ticket, for /tickets/[id]: its header, its events with the tier lane each happened in,
// its tier segments with their SLA clocks (judged by sla_judged.sql, never here), and its
// description split into plain and frustration-phrase parts for highlighting.
// The SQL is in queries/ticket_detail*.sql; drawing is src/lib/charts/ticketTimeline.ts.
import { withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { loadSlaTargets } from './kpis.ts';
import { runQuery, runScript } from './queries.ts';

/**
 * SPEC.md uses the description "for frustration signals" without listing them. These are the
 * phrases of the demo data's frustrated customers (demo-data.ts) in their shortest telling form,
 * plus a few common ones; matching is case-insensitive, on whole words, longest phrase first.
 */
export const FRUSTRATION_PHRASES = [
	'third time',
	'still not working',
	'extremely frustrated',
	'frustrated',
	'frustrating',
	'unacceptable',
	'cancel my subscription',
	'waiting for days',
	'nobody is answering',
	'keeps happening',
	'costing us customers',
	'already explained',
	'ridiculous',
	'worst service'
] as const;

export interface TextPart {
	text: string;
	/** true: a frustration phrase, drawn in a <mark>. */
	mark: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits `text` into parts so the page can wrap the phrases in <mark> without any HTML string. */
export function highlightPhrases(text: string, phrases: readonly string[] = FRUSTRATION_PHRASES): TextPart[] {
	if (!text) return [];
	const sorted = [...phrases].filter((p) => p.trim()).sort((a, b) => b.length - a.length);
	if (!sorted.length) return [{ text, mark: false }];
	const re = new RegExp(`\\b(?:${sorted.map(escapeRegExp).join('|')})\\b`, 'gi');
	const parts: TextPart[] = [];
	let last = 0;
	for (const m of text.matchAll(re)) {
		const at = m.index;
		if (at > last) parts.push({ text: text.slice(last, at), mark: false });
		parts.push({ text: m[0], mark: true });
		last = at + m[0].length;
	}
	if (last < text.length) parts.push({ text: text.slice(last), mark: false });
	return parts;
}

export interface TicketHeader {
	ticket_id: string;
	subject: string | null;
	description: string | null;
	status: string | null;
	customer_id: string | null;
	created_at: string;
	first_response_at: string | null;
	resolved_at: string | null;
	priority: string;
	channel: string | null;
	category: string;
	team: string | null;
	assignee: string | null;
	vip: boolean;
	csat_score: number | null;
	/** A CSAT comment, when the export had a column for it (kept among the unknown columns). */
	csat_comment: string | null;
	escalated: boolean;
	reopened: boolean;
	handoffs: number;
	tier_changes: number;
	ping_pong: boolean;
	resolving_tier: number | null;
	tier_path: number[];
	resolution_hours: number | null;
	tier_resolution_hours: number | null;
	as_of: string | null;
}

export interface TicketEvent {
	/** 1-based position in the ticket's event order. */
	n: number;
	occurred_at: string;
	type: string;
	from_tier: number | null;
	to_tier: number | null;
	kind: string | null;
	trigger: string | null;
	bounced: boolean;
	actor: string | null;
	team: string | null;
	note: string | null;
	/** The tier holding the ticket when it happened (the tier a change opens). */
	tier: number;
}

/** met / missed from sla_judged; running = open and inside the target; none = no target. */
export type SlaState = 'met' | 'missed' | 'running' | 'none';

export interface TicketSegment {
	segment_no: number;
	tier: number;
	start_at: string;
	end_at: string | null;
	/** How the tier's clock stopped: resolved in it, handed to another tier, or still running. */
	end: 'resolved' | 'handed_on' | 'open';
	response_hours: number | null;
	held_hours: number | null;
	open_hours: number | null;
	response_target_hours: number | null;
	resolution_target_hours: number | null;
	response: SlaState;
	resolution: SlaState;
}

export interface TicketDetail {
	ticket: TicketHeader;
	events: TicketEvent[];
	segments: TicketSegment[];
	/** "calendar hours" or the business calendar in words. */
	sla_calendar: string;
	description: TextPart[];
	/** The distinct phrases found, lower-cased, in order of appearance. */
	frustration: string[];
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A CSAT comment among the export's extra columns, under one of the names helpdesks use. */
export function csatComment(extra: string | null): string | null {
	if (!extra) return null;
	let o: unknown;
	try {
		o = JSON.parse(extra);
	} catch (err) {
		// The importer writes this JSON itself; a broken value is a bug worth seeing, not a page error.
		console.warn(`ticket extra columns are not JSON: ${(err as Error).message}`);
		return null;
	}
	if (!o || typeof o !== 'object') return null;
	for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
		if (/^(csat|satisfaction)_?(comment|feedback|reason)$/i.test(k) && typeof v === 'string' && v.trim()) return v;
	}
	return null;
}

export function toHeader(r: Row): TicketHeader {
	return {
		ticket_id: String(r.ticket_id),
		subject: (r.subject as string | null) ?? null,
		description: (r.description as string | null) ?? null,
		status: (r.status as string | null) ?? null,
		customer_id: (r.customer_id as string | null) ?? null,
		created_at: iso(r.created_at)!,
		first_response_at: iso(r.first_response_at),
		resolved_at: iso(r.resolved_at),
		priority: String(r.priority),
		channel: (r.channel as string | null) ?? null,
		category: String(r.category),
		team: (r.team as string | null) ?? null,
		assignee: (r.assignee as string | null) ?? null,
		vip: r.vip === true,
		csat_score: numOrNull(r.csat_score),
		csat_comment: csatComment((r.extra as string | null) ?? null),
		escalated: r.escalated === true,
		reopened: r.reopened === true,
		handoffs: Number(r.handoffs),
		tier_changes: Number(r.tier_changes),
		ping_pong: r.ping_pong === true,
		resolving_tier: numOrNull(r.resolving_tier),
		tier_path: ((r.tier_path as unknown[] | null) ?? []).map(Number),
		resolution_hours: numOrNull(r.resolution_hours),
		tier_resolution_hours: numOrNull(r.tier_resolution_hours),
		as_of: iso(r.as_of)
	};
}

function slaState(met: unknown, target: unknown): SlaState {
	if (target === null || target === undefined) return 'none';
	if (met === true) return 'met';
	if (met === false) return 'missed';
	return 'running';
}

/** The ticket, or null when no ticket has this id. */
export async function ticketDetail(id: string, db?: string): Promise<TicketDetail | null> {
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		const [head] = await runQuery<Row>(conn, 'ticket_detail', { ids: JSON.stringify([id]) });
		if (!head) return null;
		const events = await runQuery<Row>(conn, 'ticket_detail_events', { id });
		await runScript(conn, 'ticket_scope'); // sla_judged reads through scoped()
		const calendar = await loadSlaTargets(conn);
		await runScript(conn, 'sla_judged');
		const segments = await runQuery<Row>(conn, 'ticket_detail_segments', { id });
		const ticket = toHeader(head);
		const description = highlightPhrases(ticket.description ?? '');
		return {
			ticket,
			events: events.map((e) => ({
				n: Number(e.n),
				occurred_at: iso(e.occurred_at)!,
				type: String(e.type),
				from_tier: numOrNull(e.from_tier),
				to_tier: numOrNull(e.to_tier),
				kind: (e.kind as string | null) ?? null,
				trigger: (e.trigger as string | null) ?? null,
				bounced: e.bounced === true,
				actor: (e.actor as string | null) ?? null,
				team: (e.team as string | null) ?? null,
				note: (e.note as string | null) ?? null,
				tier: Number(e.tier)
			})),
			segments: segments.map((s) => ({
				segment_no: Number(s.segment_no),
				tier: Number(s.tier),
				start_at: iso(s.start_at)!,
				end_at: iso(s.end_at),
				end: s.resolved_in === true ? 'resolved' : s.end_at ? 'handed_on' : 'open',
				response_hours: numOrNull(s.response_hours),
				held_hours: numOrNull(s.held_hours),
				open_hours: numOrNull(s.open_hours),
				response_target_hours: numOrNull(s.response_target_hours),
				resolution_target_hours: numOrNull(s.resolution_target_hours),
				response: slaState(s.response_met, s.response_target_hours),
				resolution: slaState(s.resolution_met, s.resolution_target_hours)
			})),
			sla_calendar: calendar,
			description,
			frustration: [...new Set(description.filter((p) => p.mark).map((p) => p.text.toLowerCase()))]
		};
	}, db);
}
