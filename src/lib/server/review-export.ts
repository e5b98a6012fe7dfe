// A review as a document to keep: reviewDocument() turns a review and its timeline into plain
// words and rows (labels, dates in UTC, scope in a sentence), which the Markdown download and the
// print page both render, so the two always say the same. User text stays raw in the document;
// the Markdown renderer escapes it in escapeMarkdown() only, and the print page lets Svelte
// escape it. Reading the review is reviews.ts's.
import { DateTime } from 'luxon';
import {
	ACTION_STATUSES,
	ACTION_TYPES,
	CHECKLIST,
	FACTOR_CATEGORIES,
	MOMENT_KINDS,
	ROOT_CAUSES,
	TARGET_METRICS,
	type ChecklistItem,
	type ReviewScope,
	type TargetMetricSpec
} from '../reviews/schema.ts';
import { STATUS_LABELS } from '../components/reviews-list/labels.ts';
import { recordId } from '../params.ts';
import { getReview, reviewTimeline, type Review, type ReviewFacts, type TimelineEntry } from './reviews.ts';

/** Events of the review's tickets in a document; the reviewers' moments are always all there. */
export const DOCUMENT_TIMELINE_LIMIT = 1_000;

export interface TimelineRow {
	when: string;
	ticket: string;
	what: string;
	detail: string;
	/** A reviewers' moment (detection, diagnosis, repair, key decision) rather than an event. */
	moment: boolean;
}

export interface ActionRow {
	number: number;
	title: string;
	type: string;
	owner: string;
	due: string;
	status: string;
	/** "F1" for the first finding, or empty. */
	finding: string;
	target: string;
}

export interface ReviewDocument {
	id: number;
	title: string;
	status: string;
	/** Status, dates and sign-off, as label and value. */
	meta: [string, string][];
	scope: string;
	tickets: string;
	summary: string;
	impact: string;
	facts: [string, string][];
	timeline: TimelineRow[];
	/** Set when the timeline holds only the first events. */
	timelineNote: string | null;
	rootCause: string;
	rootCauseDetail: string;
	/** The three questions of step 3, with their answers (empty when not answered). */
	questions: { question: string; answer: string }[];
	trigger: string;
	whys: string[];
	factors: { category: string; description: string }[];
	reflections: { heading: string; text: string }[];
	findings: { label: string; title: string; detail: string }[];
	actions: ActionRow[];
	checklist: { label: string; done: boolean }[];
	signedOffBy: string;
}

const count = new Intl.NumberFormat('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count.format(n)} ${n === 1 ? one : many}`;
/** "2026-03-02 09:00 UTC": documents are read outside the app, so the zone is always named. */
export const utc = (iso: string | null | undefined) => (iso ? `${DateTime.fromISO(iso, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm')} UTC` : '');
const dayBefore = (isoDay: string) => DateTime.fromISO(isoDay, { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
const words = (key: string) => key.replaceAll('_', ' ');
const hours = (h: number | null | undefined) => (h === null || h === undefined ? 'unknown' : h < 10 ? `${h.toFixed(1)} h` : `${Math.round(h)} h`);

const DRILL_NAMES: Record<string, string> = {
	escalation_rate: 'escalation rate',
	fcr: 'first contact resolution',
	reopen_rate: 'reopen rate',
	mttr_by_tier: 'time to resolve by tier',
	resolution_time_by_tier: 'end-to-end resolution time by tier',
	csat: 'CSAT',
	sla_response: 'response SLA',
	sla_resolution: 'resolution SLA',
	escalation_events: 'escalations',
	bounced: 'bounced escalations',
	ping_pong: 'ping-pong tickets'
};

/** What the review is about, in one sentence. */
export function scopeInWords(scope: ReviewScope, ticketIds: string[]): string {
	const period = `${scope.from} to ${dayBefore(scope.to)}`;
	const filters = Object.entries(scope.filters)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
	const filtered = filters ? `, filtered to ${filters}` : '';
	if (scope.spike) return `A spike of ${scope.spike.category} escalations in the week of ${scope.spike.week_start}${filtered}.`;
	if (scope.source === 'ticket' && ticketIds.length === 1) return `One ticket, ${ticketIds[0]} (period ${period}).`;
	if (scope.drill) {
		const { kpi, part, ...rest } = scope.drill;
		const name = DRILL_NAMES[kpi ?? ''] ?? words(kpi ?? 'a list');
		const more = Object.entries(rest)
			.filter(([k]) => k !== 'page' && k !== 'page_size')
			.map(([k, v]) => `${words(k)} ${v}`)
			.join(', ');
		return `The tickets behind the ${part ?? 'list'} of ${name} for ${period}${more ? ` (${more})` : ''}${filtered}.`;
	}
	if (scope.source === 'tickets') return `${plural(ticketIds.length, 'ticket')} chosen from a list, period ${period}${filtered}.`;
	return `Tickets escalated from ${period} (both days included)${filtered}.`;
}

/** "A, B, C and 12 more". */
function ticketList(ids: string[], max = 50): string {
	if (!ids.length) return 'No tickets.';
	const shown = ids.slice(0, max).join(', ');
	return `${plural(ids.length, 'ticket')}: ${shown}${ids.length > max ? ` and ${count.format(ids.length - max)} more` : ''}.`;
}

function factRows(f: Partial<ReviewFacts>): [string, string][] {
	const n = (v: number | undefined) => count.format(v ?? 0);
	const breakdown = (rows: { key: string; events: number }[] | undefined) => (rows?.length ? rows.map((r) => `${words(r.key)} ${count.format(r.events)}`).join(', ') : 'none');
	const csat = f.csat_rated
		? `${count.format(f.csat_satisfied ?? 0)} of ${plural(f.csat_rated, 'rated ticket')} satisfied (mean ${(f.csat_mean ?? 0).toFixed(1)})`
		: 'no ratings';
	const normal =
		f.normal_resolution_hours === null || f.normal_resolution_hours === undefined
			? 'no normal to compare with'
			: `${hours(f.normal_resolution_hours)} (${plural(f.normal_tickets ?? 0, 'ticket')} of these categories in the 8 weeks before)`;
	return [
		['Tickets', `${n(f.tickets)}${f.truncated ? ' (the scope had more; a review keeps the first ones)' : ''}`],
		['Customers', n(f.customers)],
		['VIP tickets', n(f.vip_tickets)],
		['Escalated tickets', n(f.escalated_tickets)],
		['Escalations', n(f.escalations)],
		['Escalations by trigger', breakdown(f.by_trigger)],
		['Escalations by kind', breakdown(f.by_kind)],
		['Resolved tickets', n(f.resolved_tickets)],
		['Reopened tickets', n(f.reopened_tickets)],
		['SLA response targets missed', n(f.sla_response_missed)],
		['SLA resolution targets missed', n(f.sla_resolution_missed)],
		['Tickets with an SLA miss', n(f.sla_breached_tickets)],
		['CSAT', csat],
		['Median time to resolution', hours(f.median_resolution_hours)],
		['Normally', normal],
		['Categories', f.categories?.length ? f.categories.join(', ') : 'none'],
		['First ticket created', utc(f.first_created) || 'unknown'],
		['Last activity', utc(f.last_activity) || 'unknown']
	];
}

const EVENT_NAMES: Record<string, string> = {
	created: 'Created',
	assigned: 'Assigned',
	reassigned: 'Reassigned',
	responded: 'Responded',
	escalated: 'Escalated',
	de_escalated: 'De-escalated',
	resolved: 'Resolved',
	reopened: 'Reopened',
	sla_breached: 'SLA breached',
	note: 'Note'
};

function timelineRow(e: TimelineEntry): TimelineRow {
	if (e.source === 'moment') {
		const kind = MOMENT_KINDS[e.type as keyof typeof MOMENT_KINDS] ?? words(e.type);
		return { when: utc(e.occurred_at), ticket: e.ticket_id ?? '', what: `${kind} (reviewers' note)`, detail: e.note ?? '', moment: true };
	}
	const tiers = e.from_tier !== null && e.to_tier !== null ? ` tier ${e.from_tier} → ${e.to_tier}` : e.to_tier !== null ? ` to tier ${e.to_tier}` : '';
	const detail = [e.kind, e.trigger && words(e.trigger), e.actor && `by ${e.actor}`, e.team && `team ${e.team}`, e.note].filter(Boolean).join('; ');
	return { when: utc(e.occurred_at), ticket: e.ticket_id ?? '', what: `${EVENT_NAMES[e.type] ?? words(e.type)}${tiers}`, detail, moment: false };
}

/** "Escalated tickets (count), category billing, priority high". */
export function targetInWords(target: TargetMetricSpec | null): string {
	if (!target) return '';
	const { metric, ...filters } = target;
	const narrowed = Object.entries(filters)
		.filter(([, v]) => v)
		.map(([k, v]) => `${k} ${v}`);
	return [TARGET_METRICS[metric].label, ...narrowed].join(', ');
}

/** The review as words and rows, for the Markdown download and the print page alike. */
export function reviewDocument(review: Review, timeline: TimelineEntry[], timelineLimit = DOCUMENT_TIMELINE_LIMIT): ReviewDocument {
	const a = review.analysis;
	const findingLabel = new Map(review.findings.map((f, i) => [f.id, `F${i + 1}`]));
	const events = timeline.filter((e) => e.source === 'event').length;
	return {
		id: review.id,
		title: review.title || 'Untitled review',
		status: STATUS_LABELS[review.status],
		meta: [
			['Review', String(review.id)],
			['Status', STATUS_LABELS[review.status]],
			['Started', utc(review.created_at)],
			['Last changed', utc(review.updated_at)],
			['Published', utc(review.published_at) || 'not yet'],
			['Signed off by', review.signed_off_by ?? 'not yet']
		],
		scope: scopeInWords(review.scope, review.ticket_ids),
		tickets: ticketList(review.ticket_ids),
		summary: review.summary.summary ?? '',
		impact: review.summary.impact ?? '',
		facts: factRows(review.facts),
		timeline: timeline.map(timelineRow),
		timelineNote: events >= timelineLimit ? `Only the first ${count.format(timelineLimit)} events of the review's tickets are listed.` : null,
		rootCause: a.root_cause ? ROOT_CAUSES[a.root_cause] : 'Not chosen yet',
		rootCauseDetail: a.root_cause_detail,
		questions: [
			{ question: 'Could it have been caught earlier?', answer: a.caught_earlier },
			{ question: 'What were the warning signs?', answer: a.warning_signs },
			{ question: 'What would have prevented it?', answer: a.prevent }
		],
		trigger: a.trigger,
		whys: a.whys.filter((w) => w.trim()),
		factors: a.factors.map((f) => ({ category: FACTOR_CATEGORIES[f.category] ?? words(f.category), description: f.description })),
		reflections: [
			{ heading: 'What went well', text: a.went_well },
			{ heading: 'What went wrong', text: a.went_wrong },
			{ heading: 'Where we got lucky', text: a.got_lucky }
		],
		findings: review.findings.map((f) => ({ label: findingLabel.get(f.id)!, title: f.title, detail: f.detail })),
		actions: review.actions.map((x, i) => ({
			number: i + 1,
			title: x.title,
			type: ACTION_TYPES[x.type] ?? words(x.type),
			owner: x.owner,
			due: x.due_date,
			status: ACTION_STATUSES[x.status] ?? words(x.status),
			finding: x.finding_id === null ? '' : (findingLabel.get(x.finding_id) ?? ''),
			target: targetInWords(x.target)
		})),
		checklist: (Object.keys(CHECKLIST) as ChecklistItem[]).map((k) => ({ label: CHECKLIST[k], done: review.checklist.includes(k) })),
		signedOffBy: review.signed_off_by ?? ''
	};
}

// ---- Markdown ------------------------------------------------------------------------------------

/**
 * User text as Markdown that shows exactly that text: nothing in it can become a heading, a
 * list, a quote, code, emphasis, a link or image, an autolink, raw HTML, an entity, a table
 * column or math. Every character Markdown (CommonMark + GitHub's extensions) gives a meaning
 * anywhere in a line is backslash-escaped, as are the ones that only matter at the start of a
 * line (but not in a table cell, where no block can start); leading spaces (which would make
 * code) and trailing ones (a line break) are dropped.
 * `block` keeps the lines as hard line breaks and blank lines as paragraphs; `inline` (headings,
 * list items) joins the lines with spaces; `cell` joins them with <br> for a table cell.
 */
export function escapeMarkdown(text: string, mode: 'block' | 'inline' | 'cell' = 'inline'): string {
	const lines = text
		.replace(/\r\n?/g, '\n')
		.replace(/[\t\v\f]/g, ' ')
		.replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
		.split('\n')
		.map((line) => {
			const inline = line
				.trim()
				.replace(/[\\`*_[\]<>|~&$#@]/g, '\\$&') // inline syntax, HTML, entities, pipes, math, mentions
				.replace(/:(?=\/\/)/g, '\\:') // scheme://… would be autolinked
				.replace(/\b(www)\./gi, '$1\\.'); // www.… would be autolinked
			// A table cell holds inline content only; elsewhere a line (or a list item's text) can open a block.
			return mode === 'cell'
				? inline
				: inline
						.replace(/^([-+=])/, '\\$1') // a list item, or a setext heading's underline
						.replace(/^(\d{1,9})([.)])/, '$1\\$2'); // an ordered list item
		});
	if (mode === 'inline') return lines.filter(Boolean).join(' ');
	if (mode === 'cell') return lines.filter(Boolean).join('<br>');
	const paragraphs: string[][] = [[]];
	for (const line of lines) {
		if (line) paragraphs[paragraphs.length - 1].push(line);
		else if (paragraphs[paragraphs.length - 1].length) paragraphs.push([]);
	}
	return paragraphs
		.filter((p) => p.length)
		.map((p) => p.join('\\\n')) // a backslash before the newline is a hard line break
		.join('\n\n');
}

const block = (text: string, empty = '_Not written yet._') => (text.trim() ? escapeMarkdown(text, 'block') : empty);
const cell = (text: string) => escapeMarkdown(text, 'cell');

function table(head: string[], rows: string[][], align?: ('left' | 'right')[]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	const rule = head.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
	return [line(head), line(rule), ...rows.map((r) => line(r.map(cell)))].join('\n');
}

/** The document as Markdown; every piece of user or imported text goes through escapeMarkdown(). */
export function reviewMarkdown(doc: ReviewDocument): string {
	const out: string[] = [];
	const section = (...parts: string[]) => out.push(...parts);
	section(`# ${escapeMarkdown(doc.title) || 'Untitled review'}`, doc.meta.map(([k, v]) => `- **${escapeMarkdown(k)}:** ${escapeMarkdown(v)}`).join('\n'));

	section('## Scope', escapeMarkdown(doc.scope, 'block'), escapeMarkdown(doc.tickets, 'block'));
	section('## Summary', block(doc.summary), '### Impact', block(doc.impact));
	section('## Facts', '_Computed from the data when the review was started._', table(['Fact', 'Value'], doc.facts));

	section('## Timeline');
	if (doc.timeline.length) {
		section(
			table(
				['When', 'Ticket', 'What', 'Detail'],
				doc.timeline.map((r) => [r.when, r.ticket, r.what, r.detail])
			)
		);
		if (doc.timelineNote) section(`_${escapeMarkdown(doc.timelineNote)}_`);
	} else section('_No events._');

	section('## Root cause', `**Root cause:** ${escapeMarkdown(doc.rootCause)}`);
	if (doc.rootCauseDetail.trim()) section(block(doc.rootCauseDetail));
	for (const q of doc.questions) section(`**${escapeMarkdown(q.question)}**`, block(q.answer));
	section(`**Trigger:** ${doc.trigger.trim() ? escapeMarkdown(doc.trigger) : '_not written yet_'}`);
	section('### Five whys', doc.whys.length ? doc.whys.map((w, i) => `${i + 1}. ${escapeMarkdown(w)}`).join('\n') : '_Not written yet._');
	section('### Contributing factors', doc.factors.length ? table(['Category', 'Description'], doc.factors.map((f) => [f.category, f.description])) : '_None recorded._');
	for (const r of doc.reflections) section(`### ${escapeMarkdown(r.heading)}`, block(r.text));

	section('## Findings');
	if (doc.findings.length) for (const f of doc.findings) section(`### ${f.label}. ${escapeMarkdown(f.title)}`, ...(f.detail.trim() ? [block(f.detail)] : []));
	else section('_None yet._');

	section('## Action items');
	section(
		doc.actions.length
			? table(
					['#', 'Action', 'Type', 'Owner', 'Due', 'Status', 'Finding', 'Target metric'],
					doc.actions.map((x) => [String(x.number), x.title, x.type, x.owner, x.due, x.status, x.finding, x.target]),
					['right']
				)
			: '_None yet._'
	);

	section('## Checklist and sign-off', doc.checklist.map((c) => `- [${c.done ? 'x' : ' '}] ${escapeMarkdown(c.label)}`).join('\n'));
	section(`**Signed off by:** ${doc.signedOffBy.trim() ? escapeMarkdown(doc.signedOffBy) : '_not yet_'}`);
	return `${out.join('\n\n')}\n`;
}

/** "billing-sync-lag": the title as a file-name part (ASCII letters and digits only). */
export function slug(title: string): string {
	const s = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return s || 'review';
}

/** A review id from a URL (params.ts's recordId); null for anything that is not one. */
export function parseReviewId(raw: string): number | null {
	const r = recordId.safeParse(raw);
	return r.success ? r.data : null;
}

/** The 400 message for a review id that is not one (the routes name the parameter the same way). */
export const BAD_REVIEW_ID = 'review id must be a whole number from 1';

export async function reviewDocumentById(id: number, db?: string): Promise<ReviewDocument> {
	const review = await getReview(id, db);
	const timeline = await reviewTimeline(id, DOCUMENT_TIMELINE_LIMIT, db);
	return reviewDocument(review, timeline);
}

/** The Markdown download of review `id`: `review-<id>-<slug>.md`. */
export async function exportReview(id: number, db?: string): Promise<{ filename: string; markdown: string }> {
	const doc = await reviewDocumentById(id, db);
	return { filename: `review-${id}-${slug(doc.title)}.md`, markdown: reviewMarkdown(doc) };
}
