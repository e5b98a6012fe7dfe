// The Freshdesk ticket CSV export as canonical tickets and events. Like Zendesk's, it is a
// snapshot with no escalation column: a ticket's tier comes from its group (routed there when
// created, the only time the export knows), and SLA breaches only get a time when the export
// has one (the resolution due time); a breached first response has none and is only noted.
import { isMissing } from '../real-dates.ts';
import type { Adapter, ConvertContext, ConvertedRow, SourceRow } from './types.ts';
import { eventRecord, ticketRecord } from './records.ts';
import {
	firstOf,
	getter,
	mapStatus,
	mapValue,
	readDate,
	routedEvent,
	scoreHeader,
	splitTags,
	type Getter
} from './zendesk.ts';

const IDENTIFYING = [
	'Ticket ID',
	'Description',
	'Source',
	'Type',
	'Agent',
	'Group',
	'Created time',
	'Due by Time',
	'Resolved time',
	'Closed time',
	'Initial response time',
	'Agent interactions',
	'Customer interactions',
	'Resolution status',
	'First response status',
	'Survey results'
];

const PRIORITY: Record<string, string> = { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' };
// Freshdesk's 5-point survey, and the classic 3-point one (Awesome / Just Okay / Not Good).
const CSAT: Record<string, string> = {
	'extremely happy': '5',
	happy: '4',
	neutral: '3',
	unhappy: '2',
	'extremely unhappy': '1',
	awesome: '5',
	'just okay': '3',
	'not good': '1'
};
const UNRESOLVED = new Set(['open', 'pending']);
const VIOLATED = 'sla violated';

export const freshdeskAdapter: Adapter = {
	id: 'freshdesk',
	label: 'Freshdesk ticket export (CSV)',
	detect: (header) => scoreHeader(header, IDENTIFYING, ['Ticket ID', 'Created time']),
	convert: convertFreshdesk
};

async function* convertFreshdesk(rows: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<ConvertedRow> {
	let get: Getter | null = null;
	let reopened = 0;
	let firstReopened = 0;
	let responseBreaches = 0;
	let firstResponseBreach = 0;
	let notedResponse = false;
	for await (const row of rows) {
		get ??= getter(Object.keys(row.values));
		const v = (name: string) => get!(row.values, name);
		const id = v('Ticket ID');
		const created = readDate(v('Created time'), ctx.dateOrder);
		const group = v('Group');
		const status = v('Status');
		const firstResponse = readDate(v('Initial response time'), ctx.dateOrder);
		// Resolved time, or Closed time for a ticket closed without being resolved first; an open
		// or pending ticket with either was reopened since, and is unresolved now.
		const resolvedColumn = isMissing(v('Resolved time')) ? 'Closed time' : 'Resolved time';
		const unresolvedNow = UNRESOLVED.has(status.trim().toLowerCase());
		const resolved = unresolvedNow ? '' : readDate(v(resolvedColumn), ctx.dateOrder);
		if (unresolvedNow && !isMissing(v(resolvedColumn)) && reopened++ === 0) firstReopened = row.line;
		if (firstResponse === null && !notedResponse) {
			notedResponse = true;
			ctx.note({ line: row.line, field: 'Initial response time', message: `"${v('Initial response time')}" is not a date: such tickets are imported without a first response time` });
		}
		const tags = splitTags(v('Tags'));
		yield {
			kind: 'ticket',
			line: row.line,
			record: ticketRecord({
				ticket_id: id,
				created_at: created ?? v('Created time'),
				// "Initial response time" is a date in exports, but only a date counts.
				first_response_at: firstResponse ?? '',
				resolved_at: resolved ?? v(resolvedColumn),
				status: mapStatus(status, ctx),
				priority: mapValue(v('Priority'), ctx.mappings.priority, PRIORITY),
				channel: v('Source'),
				category: v('Type'),
				customer_id: firstOf(v('Contact ID'), v('Full name')),
				vip: tags.has('vip') ? 'true' : 'false',
				team: group,
				assignee: v('Agent'),
				csat_score: mapValue(v('Survey results'), ctx.mappings.csat, CSAT),
				subject: v('Subject'),
				description: v('Description')
			})
		};
		if (id === '' || !created || resolved === null) continue;
		const routed = routedEvent(id, group, created, ctx);
		if (routed) yield { kind: 'event', line: row.line, record: routed };
		if (firstResponse) {
			yield { kind: 'event', line: row.line, record: eventRecord({ event_id: `${id}:first_reply`, ticket_id: id, occurred_at: firstResponse, type: 'responded', team: group, note: 'first response' }) };
		}
		if (v('Resolution status').toLowerCase() === VIOLATED) {
			const due = readDate(v('Due by Time'), ctx.dateOrder);
			if (due) {
				yield { kind: 'event', line: row.line, record: eventRecord({ event_id: `${id}:sla:resolution`, ticket_id: id, occurred_at: due, type: 'sla_breached', team: group, note: 'resolution SLA violated' }) };
			} else {
				ctx.note({ line: row.line, field: 'Resolution status', message: `ticket ${id} violated its resolution SLA, but "Due by Time" gives no time for it: no sla_breached event` });
			}
		}
		if (v('First response status').toLowerCase() === VIOLATED && responseBreaches++ === 0) firstResponseBreach = row.line;
		if (resolved) {
			yield { kind: 'event', line: row.line, record: eventRecord({ event_id: `${id}:resolved`, ticket_id: id, occurred_at: resolved, type: 'resolved', actor: v('Agent'), team: group }) };
		}
	}
	if (responseBreaches > 0) {
		ctx.note({
			line: firstResponseBreach,
			field: 'First response status',
			message: `${responseBreaches} ticket${responseBreaches > 1 ? 's' : ''} violated the first response SLA, but the export has no first response due time: no sla_breached events for them (the first response time is imported, so the response SLA is still judged)`
		});
	}
	if (reopened > 0) {
		ctx.note({
			line: firstReopened,
			field: 'Status',
			message: `${reopened} open or pending ticket${reopened > 1 ? 's have' : ' has'} a resolved or closed time (reopened since): imported as unresolved, without reopen times`
		});
	}
}
