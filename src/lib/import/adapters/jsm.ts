// Jira Service Management's CSV issue export as canonical tickets and events. One row is one
// issue; the export has no history, so the events are what its fields imply: the group's tier at
// creation, the first response, and each SLA a leading "-" marks as breached. Dates and value
// readings are shared with the other adapters (generic.ts); what is Jira's alone lives here.
//
// Columns used (names case-insensitive; the first non-empty candidate wins):
//   ticket_id Issue key · subject Summary · description Description · status Status (mapped)
//   created_at Created · resolved_at Resolved, or Status Category Changed when the Status
//   Category is Done and Resolved is empty (workflows that never set a resolution)
//   first_response_at Custom field ([CHART] Date of First Response)
//   group (-> team and tier) Custom field (Team), Team, Custom field (Assignment group),
//   Custom field (Support group), Custom field (Group), then Component/s; none: no tier events
//   category Custom field (Request Type) / (Customer Request Type), else Issue Type
//   channel Custom field (Request channel) / Request channel (portal -> web), else ''
//   customer_id Reporter · assignee Assignee · csat_score Satisfaction rating · vip false
import { DateTime } from 'luxon';
import { isMissing, type DateOrder } from '../real-dates.ts';
import {
	emptyEvent,
	emptyTicket,
	readCsat,
	readDate,
	readPriority,
	readStatus,
	respondedEvent,
	routedEvent,
	shiftLocal,
	tierOf,
	withDateOrder
} from './generic.ts';
import type { Adapter, CanonicalRecord, ConvertContext, ConvertedRow, SourceRow } from './types.ts';

const C = {
	key: ['Issue key'],
	summary: ['Summary'],
	description: ['Description'],
	status: ['Status'],
	statusCategory: ['Status Category'],
	statusCategoryChanged: ['Status Category Changed'],
	priority: ['Priority'],
	created: ['Created'],
	updated: ['Updated'],
	resolved: ['Resolved'],
	firstResponse: ['Custom field ([CHART] Date of First Response)', 'Custom field (Date of First Response)'],
	group: [
		'Custom field (Team)',
		'Team',
		'Custom field (Assignment group)',
		'Custom field (Support group)',
		'Custom field (Group)',
		'Component/s'
	],
	category: ['Custom field (Request Type)', 'Custom field (Customer Request Type)', 'Request Type', 'Issue Type'],
	channel: ['Custom field (Request channel)', 'Request channel', 'Custom field (Channel)'],
	reporter: ['Reporter'],
	assignee: ['Assignee'],
	csat: ['Satisfaction rating', 'Custom field (Satisfaction rating)', 'Custom field (Satisfaction)'],
	slaResponse: ['Custom field (Time to first response)'],
	slaResolution: ['Custom field (Time to resolution)']
} as const;
type Field = keyof typeof C;

/** Each field's candidate columns as the export spells them (case aside), in preference order. */
function resolveColumns(header: string[]): Record<Field, string[]> {
	const byLower = new Map<string, string>();
	for (const h of header) if (!byLower.has(h.toLowerCase())) byLower.set(h.toLowerCase(), h);
	const out = {} as Record<Field, string[]>;
	for (const field of Object.keys(C) as Field[]) {
		out[field] = C[field].map((c) => byLower.get(c.toLowerCase())).filter((c): c is string => c !== undefined);
	}
	return out;
}

const CHANNELS: Record<string, string> = { portal: 'web', 'customer portal': 'web', 'help center': 'web', 'e-mail': 'email', mail: 'email' };
const readChannel = (v: string) => (v === '' ? '' : (CHANNELS[v.toLowerCase()] ?? v.toLowerCase()));

/**
 * Minutes left on a JSM SLA clock as the export writes it: "02:15", "-02:15", "-125:30", "-1d 2h",
 * "-45m" (d = 24 h, w = 7 d); negative means breached. null when it cannot be read.
 */
export function slaMinutes(cell: string): number | null {
	const v = cell.trim();
	let m = /^([+-])?\s*(\d+):(\d{2})$/.exec(v);
	if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
	m = /^([+-])?\s*(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?$/i.exec(v);
	if (m && (m[2] ?? m[3] ?? m[4] ?? m[5]) !== undefined) {
		const minutes = Number(m[2] ?? 0) * 7 * 1440 + Number(m[3] ?? 0) * 1440 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
		return (m[1] === '-' ? -1 : 1) * minutes;
	}
	return null;
}

// "Feb 25, 2026 10:17 PM" (a US locale's medium format), which parseExportDate does not read.
const US_MEDIUM = /^([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})(.*)$/;
function readJiraDate(value: string, order: DateOrder) {
	const m = US_MEDIUM.exec(value.trim());
	const first = readDate(m ? `${m[2]}/${m[1]}/${m[3]}${m[4]}` : value, order);
	return m && !first.ok ? { text: value, ok: false } : first;
}

const SLAS = [
	{ field: 'slaResponse', metric: 'first response', id: 'sla:first_response', stop: 'first_response_at' },
	{ field: 'slaResolution', metric: 'resolution', id: 'sla:resolution', stop: 'resolved_at' }
] as const;

const earlier = (a: string, b: string, zone: string) =>
	DateTime.fromISO(a, { zone }).toMillis() < DateTime.fromISO(b, { zone }).toMillis();

export const jsmAdapter: Adapter = {
	id: 'jsm',
	label: 'Jira Service Management issues (CSV)',

	detect(header) {
		const names = new Set(header.map((h) => h.replace(/ \(\d+\)$/, '').toLowerCase()));
		const has = (n: string) => names.has(n.toLowerCase());
		const weights: [boolean, number][] = [
			[has('Issue key'), 0.3],
			[has('Issue id'), 0.15],
			[has('Summary'), 0.15],
			[has('Issue Type'), 0.1],
			[has('Status Category'), 0.1],
			[[...names].some((n) => n.startsWith('custom field (')), 0.1],
			[has('Project key'), 0.05],
			[has('Created') && has('Reporter'), 0.05]
		];
		const score = weights.reduce((s, [ok, w]) => s + (ok ? w : 0), 0);
		// Without an issue key or id it is not a Jira issue export, whatever else matches.
		return has('Issue key') || has('Issue id') ? Math.round(score * 100) / 100 : Math.min(score, 0.3);
	},

	async *convert(rows, ctx) {
		let cols: Record<Field, string[]> | null = null;
		const seen = new Set<string>();
		const get = (row: SourceRow, field: Field): string => {
			cols ??= resolveColumns(Object.keys(row.values));
			for (const c of cols[field]) {
				const v = row.values[c] ?? '';
				if (v !== '') return v;
			}
			return '';
		};
		const dateCells = (row: SourceRow) =>
			(['created', 'resolved', 'firstResponse', 'updated', 'statusCategoryChanged'] as const).map((f) => get(row, f));

		for await (const [row, order] of withDateOrder(rows, ctx, dateCells)) {
			yield* convertIssue(row, order, get, ctx, seen);
		}
	}
};

function* convertIssue(
	row: SourceRow,
	order: DateOrder,
	get: (row: SourceRow, field: Field) => string,
	ctx: ConvertContext,
	seen: Set<string>
): Generator<ConvertedRow> {
	const m = ctx.mappings;
	const t = emptyTicket();
	const key = get(row, 'key');
	t.ticket_id = key;
	const created = readJiraDate(get(row, 'created'), order);
	t.created_at = created.text;
	let resolved = readJiraDate(get(row, 'resolved'), order);
	if (resolved.text === '' && get(row, 'statusCategory').toLowerCase() === 'done') {
		resolved = readJiraDate(get(row, 'statusCategoryChanged'), order);
	}
	t.resolved_at = resolved.text;
	const firstResponse = readJiraDate(get(row, 'firstResponse'), order);
	t.first_response_at = firstResponse.text;
	t.status = readStatus(get(row, 'status'), m);
	t.priority = readPriority(get(row, 'priority'), m);
	t.channel = readChannel(get(row, 'channel'));
	t.category = get(row, 'category');
	t.customer_id = get(row, 'reporter');
	t.vip = 'false';
	const group = get(row, 'group');
	t.team = group;
	t.assignee = get(row, 'assignee');
	t.csat_score = readCsat(get(row, 'csat'), m);
	t.subject = get(row, 'summary');
	t.description = get(row, 'description');
	yield { kind: 'ticket', line: row.line, record: t };

	// A ticket without an id or a creation time is rejected; its events would only be too.
	if (key === '' || !created.ok || created.text === '') return;
	const event = (record: CanonicalRecord): ConvertedRow => ({ kind: 'event', line: row.line, record });
	if (group !== '') yield event(routedEvent(key, t.created_at, group, tierOf(group, m, ctx, seen)));
	if (firstResponse.ok && firstResponse.text !== '') yield event(respondedEvent(key, t.first_response_at));

	const known = (d: { text: string; ok: boolean }) => (d.ok ? d.text : '');
	const stops = { first_response_at: known(firstResponse), resolved_at: known(resolved) };
	const updated = known(readJiraDate(get(row, 'updated'), order));
	for (const sla of SLAS) {
		const cell = get(row, sla.field);
		if (isMissing(cell)) continue;
		const left = slaMinutes(cell);
		if (left === null) {
			ctx.note({ line: row.line, field: C[sla.field][0], message: `"${cell}" is not an SLA time (expected hh:mm, -hh:mm or -1d 2h); no breach read from it` });
			continue;
		}
		if (left >= 0) continue;
		const e = emptyEvent();
		e.event_id = `${key}:${sla.id}`;
		e.ticket_id = key;
		e.type = 'sla_breached';
		e.note = sla.metric;
		e.team = group;
		e.occurred_at = breachTime(stops[sla.stop], -left, t.created_at, stops.resolved_at, updated, ctx.timeZone);
		yield event(e);
	}
}

/**
 * When an SLA was breached. The export gives only the time left (negative) when the clock
 * stopped, so when that stop is known (the first response, the resolution) the breach is the
 * stop minus the overrun: created + target for a 24/7 calendar, and for a business-hours one
 * a time between the real breach and the stop (never before creation). A clock still running
 * (or stopped at a time the export does not give) is stamped at the resolution, else at the
 * last update, else at creation.
 */
function breachTime(stop: string, overrun: number, created: string, resolved: string, updated: string, zone: string): string {
	if (stop !== '') {
		const at = shiftLocal(stop, -overrun, zone);
		return earlier(at, created, zone) ? created : at;
	}
	return resolved || updated || created;
}
