// ServiceNow incidents, from two exports: the incident list (one row per incident, as it is
// now) and the audit log (one row per incident per update, a snapshot of the incident after
// it, as in the UCI "incident management process enriched event log"). Both become canonical
// tickets and events; tiers come from the user's group -> tier mapping, never from ServiceNow's
// `escalation` field (SLA-driven). Validation and the import itself are server/adapter-import.ts's.
import { PRIORITIES } from '../canonical.ts';
import { detectDateOrder, isMissing, needsDateOrder, parseExportDate, type DateOrder } from '../real-dates.ts';
import type { Adapter, CanonicalRecord, ConvertContext, ConvertedRow, SourceRow } from './types.ts';

import { eventRecord, ticketRecord, type EventField } from './records.ts';

/** How many rows are read before the date order is decided, when the user has not chosen it. */
const DATE_DETECTION_ROWS = 500;

// ---------------------------------------------------------------------------------------------
// Columns

/** ServiceNow exports field names (`assignment_group`); labels ("Assignment group") are accepted too. */
const normalize = (name: string) => name.trim().toLowerCase().replace(/\s+/g, '_');

/**
 * The columns each value is read from, first present wins: field names, then the labels an
 * export with display names has ("Opened", "Caller"). The UCI audit log says `sys_updated_at`,
 * the platform `sys_updated_on`.
 */
const COLUMNS = {
	number: ['number'],
	auditState: ['incident_state', 'state'],
	listState: ['state', 'incident_state'],
	modCount: ['sys_mod_count', 'updates'],
	updatedAt: ['sys_updated_at', 'sys_updated_on', 'updated'],
	updatedBy: ['sys_updated_by', 'updated_by'],
	openedAt: ['opened_at', 'opened'],
	openedBy: ['opened_by'],
	resolvedAt: ['resolved_at', 'resolved'],
	resolvedBy: ['resolved_by'],
	closedAt: ['closed_at', 'closed'],
	priority: ['priority'],
	category: ['category'],
	channel: ['contact_type', 'channel'],
	caller: ['caller_id', 'caller'],
	group: ['assignment_group'],
	assignee: ['assigned_to'],
	reassignments: ['reassignment_count'],
	reopens: ['reopen_count'],
	subject: ['short_description'],
	description: ['description']
} as const;
type Column = keyof typeof COLUMNS;

/** Reads a row's cells by meaning; a missing cell (`?`, blank, absent column) reads as ''. */
type Cells = (row: SourceRow, column: Column) => string;

function cellsFor(header: string[]): Cells {
	const byName = new Map<string, string>();
	for (const h of header) if (!byName.has(normalize(h))) byName.set(normalize(h), h);
	const resolved = new Map<Column, string | undefined>();
	for (const column of Object.keys(COLUMNS) as Column[]) {
		resolved.set(column, COLUMNS[column].map((c) => byName.get(c)).find((c) => c !== undefined));
	}
	return (row, column) => {
		const name = resolved.get(column);
		const v = name === undefined ? '' : (row.values[name] ?? '');
		return isMissing(v) ? '' : v;
	};
}

function headerScore(header: string[], required: readonly (readonly string[])[], optional: readonly string[], excluded?: readonly (readonly string[])[]): number {
	const have = new Set(header.map(normalize));
	const present = (alternatives: readonly string[]) => alternatives.some((c) => have.has(c));
	const optionalShare = optional.filter((c) => have.has(c)).length / optional.length;
	const requiredShare = required.filter(present).length / required.length;
	// Every identifying column present: at least 0.6, more the more of the usual columns are there.
	if (requiredShare === 1 && !(excluded && excluded.every(present))) return 0.6 + 0.4 * optionalShare;
	return 0.5 * (requiredShare + optionalShare) / 2;
}

// ---------------------------------------------------------------------------------------------
// Values

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** ServiceNow's priority is a number 1..5 with a label an instance may rename, so the number decides. */
const PRIORITY_BY_NUMBER: Record<string, string> = { '1': 'urgent', '2': 'high', '3': 'normal', '4': 'low', '5': 'low' };
const PRIORITY_BY_LABEL: Record<string, string> = {
	critical: 'urgent',
	high: 'high',
	moderate: 'normal',
	medium: 'normal',
	low: 'low',
	planning: 'low',
	...Object.fromEntries(PRIORITIES.map((p) => [p, p]))
};

/**
 * The user's mapping first, then "1 - Critical" -> urgent ... "5 - Planning" -> low. Anything
 * else is kept as written, so the ticket is rejected with the value named (the user maps it and
 * imports again) rather than silently counted as normal.
 */
function priorityOf(raw: string, ctx: ConvertContext): string {
	if (raw === '') return '';
	if (hasOwn(ctx.mappings.priority, raw)) return ctx.mappings.priority[raw];
	const numbered = /^([1-5])(?:\s*-.*)?$/.exec(raw);
	if (numbered) return PRIORITY_BY_NUMBER[numbered[1]];
	return PRIORITY_BY_LABEL[raw.toLowerCase()] ?? raw;
}

const statusOf = (raw: string, ctx: ConvertContext) => (hasOwn(ctx.mappings.status, raw) ? ctx.mappings.status[raw] : raw);

/** States in which the work is over: entering one from an active state is a resolution, leaving one a reopen. */
const DONE_STATES = new Set(['resolved', 'closed', 'canceled', 'cancelled']);
const isDone = (state: string) => DONE_STATES.has(state.toLowerCase());

/** Group -> tier from the user's mapping; an unmapped group is tier 1 and is reported once. */
function tiersFor(ctx: ConvertContext): (group: string) => number {
	const reported = new Set<string>();
	return (group) => {
		if (hasOwn(ctx.mappings.group_tier, group)) return ctx.mappings.group_tier[group];
		if (!reported.has(group)) {
			reported.add(group);
			ctx.unmappedGroup(group);
		}
		return 1;
	};
}

const toInt = (v: string) => (/^\d+$/.test(v) ? Number(v) : NaN);

// ---------------------------------------------------------------------------------------------
// Dates

/**
 * Settles day-first vs month-first: the user's choice, else detected over the date columns of
 * the first rows together (one export writes one format). Still ambiguous: day first, as
 * ServiceNow's d/m/yyyy default, with a note per column so the page can ask. The rows read for
 * that are handed on unchanged.
 */
async function withDateOrder(
	rows: AsyncIterable<SourceRow>,
	ctx: ConvertContext,
	dateColumns: Column[]
): Promise<{ order: DateOrder; rows: AsyncIterable<SourceRow> }> {
	if (ctx.dateOrder !== null) return { order: ctx.dateOrder, rows };
	const it = rows[Symbol.asyncIterator]();
	const head: SourceRow[] = [];
	let ended = false;
	while (!ended && head.length < DATE_DETECTION_ROWS) {
		const next = await it.next();
		if (next.done) ended = true;
		else head.push(next.value);
	}
	async function* all(): AsyncIterable<SourceRow> {
		yield* head;
		if (ended) return;
		for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
	}
	if (head.length === 0) return { order: 'dmy', rows: all() };

	const cells = cellsFor(Object.keys(head[0].values));
	const values = dateColumns.map((column) => head.map((row) => ({ line: row.line, value: cells(row, column) })).filter((v) => v.value !== ''));
	const detected = detectDateOrder(values.flat().map((v) => v.value));
	if (detected) return { order: detected, rows: all() };
	const orders = new Set(values.flat().map((v) => detectDateOrder([v.value])));
	const contradictory = orders.has('dmy') && orders.has('mdy');
	dateColumns.forEach((column, i) => {
		const numeric = values[i].filter((v) => needsDateOrder([v.value]));
		if (numeric.length === 0) return;
		ctx.note({
			line: numeric[0].line,
			field: COLUMNS[column][0],
			message: contradictory
				? 'dates in this export are written both day first and month first; read as day first (d/m/yyyy), so some may be rejected'
				: 'every date fits both day first and month first; read as day first (d/m/yyyy): choose the order if that is wrong'
		});
	});
	return { order: 'dmy', rows: all() };
}

/** Canonical text of an exported date; an unreadable one is kept as written so validation rejects it, naming the field. */
const dateOf = (value: string, order: DateOrder) => parseExportDate(value, order) ?? value;

/** A sort key for a canonical date text (naive times compare as if UTC, which keeps their order). */
function instant(canonical: string): number | null {
	if (!/^\d{4}-\d{2}-\d{2}T/.test(canonical)) return null;
	const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(canonical) ? canonical : `${canonical}Z`);
	return Number.isNaN(ms) ? null : ms;
}

// ---------------------------------------------------------------------------------------------
// The incident list

/** What only an audit log has (a list export with them all is read as one, a snapshot per incident). */
const AUDIT_REQUIRED = [['number'], ['incident_state'], COLUMNS.modCount, COLUMNS.updatedAt, COLUMNS.openedAt] as const;

function listDetect(header: string[]): number {
	return headerScore(
		header,
		[['number'], ['state', 'incident_state'], ['assignment_group'], COLUMNS.openedAt],
		[
			'priority', 'impact', 'urgency', 'category', 'subcategory', 'assigned_to', 'resolved_at', 'closed_at',
			'reassignment_count', 'reopen_count', 'made_sla', 'escalation', 'business_duration', 'calendar_duration',
			'short_description', 'caller_id', 'contact_type'
		],
		AUDIT_REQUIRED
	);
}

/**
 * One ticket per row, and only the events the row proves: the current group at opening (an
 * escalation when it maps above tier 1, else an assignment, so a mapping change turns one event
 * into the other in place) and the resolution at resolved_at. Reopens and group changes are
 * counted by the list (reopen_count, reassignment_count) but not dated, so none are invented:
 * a note says how many incidents that leaves out.
 */
async function* listConvert(input: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<ConvertedRow> {
	const { order, rows } = await withDateOrder(input, ctx, ['openedAt', 'resolvedAt', 'closedAt']);
	const tierOf = tiersFor(ctx);
	let cells: Cells | null = null;
	const undated = { reopened: 0, reopenedLine: 0, reassigned: 0, reassignedLine: 0 };
	for await (const row of rows) {
		cells ??= cellsFor(Object.keys(row.values));
		const c = (column: Column) => cells!(row, column);
		const number = c('number');
		const state = c('listState');
		const createdAt = dateOf(c('openedAt'), order);
		// An active incident's resolved_at, if any, is a resolution undone by a reopen. A finished
		// one without resolved_at (closed or canceled directly) ended when it was closed.
		const resolvedAt = state === '' || isDone(state) ? dateOf(c('resolvedAt') || (state === '' ? '' : c('closedAt')), order) : '';
		const group = c('group');
		yield {
			kind: 'ticket',
			line: row.line,
			record: ticketRecord({
				ticket_id: number,
				created_at: createdAt,
				resolved_at: resolvedAt,
				status: statusOf(state, ctx),
				priority: priorityOf(c('priority'), ctx),
				channel: c('channel'),
				category: c('category'),
				customer_id: c('caller'),
				vip: 'false',
				team: group,
				assignee: c('assignee'),
				subject: c('subject'),
				description: c('description')
			})
		};
		if (group !== '') {
			const tier = tierOf(group);
			yield {
				kind: 'event',
				line: row.line,
				record: eventRecord({
					event_id: `${number}:group:0`,
					ticket_id: number,
					occurred_at: createdAt,
					type: tier > 1 ? 'escalated' : 'assigned',
					from_tier: tier > 1 ? '1' : '',
					to_tier: tier > 1 ? String(tier) : '',
					kind: tier > 1 ? 'functional' : '',
					actor: c('openedBy'),
					team: group,
					note: `routed to ${group} (its current group: the list export does not say when it was assigned)`
				})
			};
		}
		const reopens = toInt(c('reopens'));
		if (resolvedAt !== '') {
			yield {
				kind: 'event',
				line: row.line,
				record: eventRecord({
					// The audit log numbers resolutions the same way, so importing it later updates this one.
					event_id: `${number}:resolved:${(Number.isNaN(reopens) ? 0 : reopens) + 1}`,
					ticket_id: number,
					occurred_at: resolvedAt,
					type: 'resolved',
					actor: c('resolvedBy'),
					team: group,
					note: state
				})
			};
		}
		if (reopens > 0) {
			if (undated.reopened === 0) undated.reopenedLine = row.line;
			undated.reopened++;
		}
		if (toInt(c('reassignments')) > 0) {
			if (undated.reassigned === 0) undated.reassignedLine = row.line;
			undated.reassigned++;
		}
	}
	if (undated.reopened > 0) {
		ctx.note({
			line: undated.reopenedLine,
			field: 'reopen_count',
			message: `${undated.reopened} incident(s) were reopened, but a list export does not say when, so they have no reopened event (the reopen rate leaves them out); the audit log has them`
		});
	}
	if (undated.reassigned > 0) {
		ctx.note({
			line: undated.reassignedLine,
			field: 'reassignment_count',
			message: `${undated.reassigned} incident(s) changed group, but a list export shows only the last group, so those handoffs are missing (FCR counts them as first-contact); the audit log has them`
		});
	}
}

// ---------------------------------------------------------------------------------------------
// The audit log

function auditDetect(header: string[]): number {
	return headerScore(header, AUDIT_REQUIRED, [
		'assignment_group', 'assigned_to', 'reassignment_count', 'reopen_count', 'priority', 'category', 'contact_type',
		'caller_id', 'resolved_at', 'closed_at', 'active', 'sys_created_at', 'sys_updated_by', 'made_sla', 'opened_by'
	]);
}

interface Snapshot {
	row: SourceRow;
	state: string;
	modCount: number;
	/** sys_updated_at as canonical text (or as written when unreadable). */
	at: string;
	key: number | null;
	by: string;
	group: string;
	assignee: string;
	reassignments: number;
	reopens: number;
}

/**
 * Snapshots in time order: sys_updated_at, then sys_mod_count, then file order. Not
 * sys_mod_count first: in the UCI log an incident's first row sometimes carries another
 * update's count (INC0000135 starts with count 7 at 09:27, then 1 at 11:45 ... 7 when closed)
 * while its time and its counters say it is the first.
 */
function inTimeOrder(snapshots: Snapshot[]): Snapshot[] {
	const byTime = snapshots.every((s) => s.key !== null);
	const mod = (a: Snapshot, b: Snapshot) => (Number.isNaN(a.modCount) || Number.isNaN(b.modCount) ? 0 : a.modCount - b.modCount);
	return [...snapshots].sort((a, b) => (byTime ? a.key! - b.key! : 0) || mod(a, b) || a.row.line - b.row.line);
}

/**
 * A snapshot that cannot follow the one before it: a counter ServiceNow only increments went
 * down, or a Resolved/Closed incident is active again without reopen_count rising (ServiceNow
 * counts every reopen). The UCI log has one: INC0000137 line 359, "New" at 11:10 with update
 * count 1, after its resolution at 11:03 (update 2). Such a row is a stale copy, not a reopen.
 */
function staleReason(s: Snapshot, prev: Snapshot, max: { reassignments: number; reopens: number }): string | null {
	if (s.reassignments < max.reassignments) return `reassignment_count ${s.reassignments} after ${max.reassignments}`;
	if (s.reopens < max.reopens) return `reopen_count ${s.reopens} after ${max.reopens}`;
	if (isDone(prev.state) && !isDone(s.state) && !Number.isNaN(s.reopens) && !Number.isNaN(prev.reopens) && s.reopens <= prev.reopens) {
		return `${s.state} after ${prev.state} without reopen_count rising`;
	}
	return null;
}

/**
 * One incident's ticket and events from its snapshots.
 *
 * Events (ids never depend on the tier mapping, so a mapping change re-derives the same ids
 * with new types and tiers, in place):
 * - `<number>:group:0`, the first group: at opening when the first snapshot has it ("routed to
 *   G on creation"), else when it appears; `escalated` 1 -> tier when G maps above tier 1,
 *   otherwise `assigned`.
 * - `<number>:group:<n>`, each later group change G -> H: `escalated` or `de_escalated` when
 *   the tiers differ, `reassigned` when they do not (a handoff between teams of one tier). A
 *   group cleared to `?` is no move to anywhere with a tier: the next group set is compared
 *   with the last one known.
 * - `<number>:assignee:<n>`, an assignee set or changed inside the same group: `assigned`, not
 *   `reassigned`. SPEC.md counts `reassigned` as a handoff, and an agent of the owning team
 *   picking the ticket up is not one: almost every incident gets an assignee after creation,
 *   and counting that would leave next to no first-contact resolutions.
 * - `<number>:resolved:<n>` on entering Resolved/Closed/Canceled from an active state, at that
 *   snapshot's update time: the moment the state changed. (ServiceNow's resolved_at, which the
 *   ticket keeps, is in the UCI log the time of the last update made while Resolved.)
 *   n = reopen_count + 1, as the list adapter numbers it.
 * - `<number>:reopen:<n>` when a Resolved/Closed incident is active again or reopen_count rises.
 * - `<number>:state:<n>`, any other change of incident_state (New -> Active, to Awaiting User
 *   Info, Resolved -> Closed: the close): a `note`, so the timeline shows it; the work ended at
 *   the resolution, so closing is no second resolution.
 */
function convertIncident(snapshots: Snapshot[], ctx: ConvertContext, order: DateOrder, cells: Cells, tierOf: (g: string) => number): ConvertedRow[] {
	const sorted = inTimeOrder(snapshots);
	const first = sorted[0];
	const number = cells(first.row, 'number');
	const createdAt = dateOf(cells(first.row, 'openedAt'), order);
	const events: ConvertedRow[] = [];
	const emit = (s: Snapshot, fields: Partial<Record<EventField, string>>) =>
		events.push({ kind: 'event', line: s.row.line, record: eventRecord({ ticket_id: number, actor: s.by, ...fields }) });

	let tier = 1;
	let group = '';
	let assignee = '';
	let groupChanges = 0;
	let assignments = 0;
	let resolutions = 0;
	let reopenNo = 0;
	let stateChanges = 0;
	let lastResolvedAt = '';
	let prev: Snapshot | null = null;
	const max = { reassignments: 0, reopens: 0 };

	for (const s of sorted) {
		if (prev) {
			const stale = staleReason(s, prev, max);
			if (stale) {
				ctx.note({ line: s.row.line, field: 'sys_updated_at', message: `${number}: snapshot of ${cells(s.row, 'updatedAt')} skipped as out of order (${stale})` });
				continue;
			}
		}
		const atCreation = prev === null;

		const reopened = prev !== null && !isDone(s.state) && (isDone(prev.state) || s.reopens > prev.reopens);
		if (prev && reopened) {
			reopenNo = s.reopens > reopenNo ? s.reopens : reopenNo + 1;
			emit(s, { event_id: `${number}:reopen:${reopenNo}`, occurred_at: s.at, type: 'reopened', team: group, note: `${prev.state} -> ${s.state}` });
		}

		const assigneeNote = s.assignee !== '' && s.assignee !== assignee ? `, assigned to ${s.assignee}` : '';
		if (s.group !== '' && s.group !== group) {
			const to = tierOf(s.group);
			const type = to > tier ? 'escalated' : to < tier ? 'de_escalated' : group === '' ? 'assigned' : 'reassigned';
			const tierChange = type === 'escalated' || type === 'de_escalated';
			emit(s, {
				event_id: `${number}:group:${group === '' ? 0 : ++groupChanges}`,
				occurred_at: atCreation ? createdAt : s.at,
				type,
				from_tier: tierChange ? String(tier) : '',
				to_tier: tierChange ? String(to) : '',
				kind: type === 'assigned' ? '' : 'functional',
				actor: atCreation ? cells(s.row, 'openedBy') : s.by,
				team: s.group,
				note: (group === '' ? (atCreation ? `routed to ${s.group} on creation` : `assigned to ${s.group}`) : `from ${group} to ${s.group}`) + assigneeNote
			});
			tier = to;
			group = s.group;
		} else if (assigneeNote) {
			emit(s, {
				event_id: `${number}:assignee:${++assignments}`,
				occurred_at: atCreation ? createdAt : s.at,
				type: 'assigned',
				actor: atCreation ? cells(s.row, 'openedBy') : s.by,
				team: group,
				note: assigneeNote.slice(2) + (atCreation ? ' on creation' : '')
			});
		}
		assignee = s.assignee;

		if (isDone(s.state) && (prev === null || !isDone(prev.state))) {
			resolutions = Math.max(resolutions + 1, (Number.isNaN(s.reopens) ? 0 : s.reopens) + 1);
			lastResolvedAt = s.at;
			emit(s, { event_id: `${number}:resolved:${resolutions}`, occurred_at: s.at, type: 'resolved', team: group, note: s.state });
		} else if (prev && s.state !== prev.state && !reopened) {
			// Any other change of state (New -> Active, to Awaiting User Info, Resolved -> Closed):
			// a note on the timeline. Resolutions and reopens have their own events above.
			emit(s, { event_id: `${number}:state:${++stateChanges}`, occurred_at: s.at, type: 'note', team: group, note: `state ${prev.state} -> ${s.state}` });
		}

		if (!Number.isNaN(s.reassignments)) max.reassignments = Math.max(max.reassignments, s.reassignments);
		if (!Number.isNaN(s.reopens)) max.reopens = Math.max(max.reopens, s.reopens);
		prev = s;
	}

	const last = prev!;
	const c = (column: Column) => cells(last.row, column);
	const ticket: ConvertedRow = {
		kind: 'ticket',
		line: last.row.line,
		record: ticketRecord({
			ticket_id: number,
			created_at: createdAt,
			// ServiceNow's own field; when it is `?` on a finished incident, the resolution the log shows.
			resolved_at: isDone(last.state) ? dateOf(c('resolvedAt'), order) || lastResolvedAt : '',
			status: statusOf(last.state, ctx),
			priority: priorityOf(c('priority'), ctx),
			channel: c('channel'),
			category: c('category'),
			customer_id: c('caller'),
			vip: 'false',
			team: last.group,
			assignee: last.assignee,
			subject: c('subject'),
			description: c('description')
		})
	};
	return [ticket, ...events];
}

/**
 * Streams incident by incident: the log is grouped by number, so an incident is converted
 * when the next one starts. An incident that comes back after others is not merged (its
 * ticket and events are out already): its later rows are skipped, with a note.
 */
async function* auditConvert(input: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<ConvertedRow> {
	const { order, rows } = await withDateOrder(input, ctx, ['openedAt', 'updatedAt', 'resolvedAt']);
	const tierOf = tiersFor(ctx);
	let cells: Cells | null = null;
	const done = new Set<string>();
	let current = '';
	let snapshots: Snapshot[] = [];
	let skipping = '';

	for await (const row of rows) {
		cells ??= cellsFor(Object.keys(row.values));
		const c = (column: Column) => cells!(row, column);
		const number = c('number');
		if (number !== current) {
			if (snapshots.length) yield* convertIncident(snapshots, ctx, order, cells, tierOf);
			if (current !== '') done.add(current);
			snapshots = [];
			current = number;
		}
		if (done.has(number)) {
			if (skipping !== number) {
				ctx.note({ line: row.line, field: 'number', message: `${number} appears again after other incidents; these rows are skipped (sort the export by number to keep them)` });
			}
			skipping = number;
			continue;
		}
		skipping = '';
		const at = dateOf(c('updatedAt'), order);
		snapshots.push({
			row,
			state: c('auditState'),
			modCount: toInt(c('modCount')),
			at,
			key: instant(at),
			by: c('updatedBy'),
			group: c('group'),
			assignee: c('assignee'),
			reassignments: toInt(c('reassignments')),
			reopens: toInt(c('reopens'))
		});
	}
	if (snapshots.length && cells) yield* convertIncident(snapshots, ctx, order, cells, tierOf);
}

export const servicenowAdapter: Adapter = {
	id: 'servicenow',
	label: 'ServiceNow incident list',
	detect: listDetect,
	convert: listConvert
};

export const servicenowAuditAdapter: Adapter = {
	id: 'servicenow-audit',
	label: 'ServiceNow incident audit log',
	detect: auditDetect,
	convert: auditConvert
};
