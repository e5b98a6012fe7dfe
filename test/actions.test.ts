// The action tracker on two small reviews: the list's filters and order, overdue and due soon
// on a fixed day, the overview's counts, the CSV (with a formula-like title neutralised), a
// status change through the review's version (and refused on a stale one), and the done
// actions a trend chart marks.
import { describe, expect, it } from 'vitest';
import {
	actionCompletions,
	actionCounts,
	actionFilterOptions,
	actionsCsv,
	changeStatus,
	createAction,
	listActions,
	parseActionParams,
	ActionParamsError,
	setActionStatus
} from '../src/lib/server/actions.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { addAction, getReview, ReviewConflict, reviewAudit, startReview } from '../src/lib/server/reviews.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,category
A,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,billing
B,2026-03-03T09:00:00Z,,login
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
A,2026-03-02T10:00:00Z,escalated,1,2
B,2026-03-03T10:00:00Z,escalated,1,2
`;
const TODAY = '2026-03-12';

/**
 * Review 1 (billing) and review 2 (login) with these actions; on Mar 12 (a Thursday):
 *   alert    Ops  detect          due Mar 10  open         overdue
 *   =macro   Kim  knowledge_base  due Mar 12  in_progress  due soon (today)
 *   train    Kim  training        due Mar 19  open         due soon (today + 7, the last day)
 *   route    Ops  process         due Mar 20  open         neither
 *   old fix  Ops  prevent         due Mar 01  done         neither (done)
 *   login    Lee  mitigate        due Mar 05  wont_do      neither (won't do), review 2
 */
async function seed(db: string, dir: string) {
	await importCsv(db, dir, TICKETS, EVENTS);
	const r1 = await startReview({ scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticketIds: ['A'], title: 'Billing sync' }, db);
	const r2 = await startReview({ scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticketIds: ['B'], title: 'Login loop' }, db);
	const a = (title: string, owner: string, type: string, due_date: string, status: string, target: object | null = null) => ({ title, owner, type, due_date, status, target });
	const items = [
		a('Alert on sync lag', 'Ops', 'detect', '2026-03-10', 'open', { metric: 'escalation_count', category: 'billing' }),
		a('=HYPERLINK("x") refund macro', 'Kim', 'knowledge_base', '2026-03-12', 'in_progress'),
		a('Train tier 1 on sync errors', 'Kim', 'training', '2026-03-19', 'open'),
		a('Route VIP billing to tier 2', 'Ops', 'process', '2026-03-20', 'open'),
		a('Old fix', 'Ops', 'prevent', '2026-03-01', 'done', { metric: 'escalation_rate', category: 'billing' })
	];
	const ids: number[] = [];
	for (const [i, item] of items.entries()) ids.push(await addAction(r1, { ...item, version: i + 1 }, db));
	ids.push(await addAction(r2, { ...a('Fix login redirect', 'Lee', 'mitigate', '2026-03-05', 'wont_do'), version: 1 }, db));
	return { r1, r2, ids };
}

const titles = (rows: { title: string }[]) => rows.map((r) => r.title);

describe('listActions()', () => {
	it('lists every action by due date with its review, and marks overdue and due soon', () =>
		withDb(async (db, dir) => {
			const { r1 } = await seed(db, dir);
			const rows = await listActions({}, TODAY, db);
			expect(titles(rows)).toEqual(['Old fix', 'Fix login redirect', 'Alert on sync lag', '=HYPERLINK("x") refund macro', 'Train tier 1 on sync errors', 'Route VIP billing to tier 2']);
			expect(rows.filter((r) => r.overdue).map((r) => r.title)).toEqual(['Alert on sync lag']);
			expect(rows.filter((r) => r.due_soon).map((r) => r.title)).toEqual(['=HYPERLINK("x") refund macro', 'Train tier 1 on sync errors']);
			const alert = rows.find((r) => r.title === 'Alert on sync lag')!;
			// Six saves on review 1 after its start: version 6.
			expect(alert).toMatchObject({ review_id: r1, review_title: 'Billing sync', review_version: 6, review_status: 'draft', target: { metric: 'escalation_count', category: 'billing' } });
			expect(rows.find((r) => r.title === 'Old fix')!.completed_at).not.toBeNull();
			// Latest first.
			expect(titles(await listActions({ dir: 'desc' }, TODAY, db))[0]).toBe('Route VIP billing to tier 2');
		}));

	it('filters by owner, status, type, review and due', () =>
		withDb(async (db, dir) => {
			const { r2 } = await seed(db, dir);
			expect(titles(await listActions({ owner: 'Kim' }, TODAY, db))).toEqual(['=HYPERLINK("x") refund macro', 'Train tier 1 on sync errors']);
			expect(titles(await listActions({ status: 'active', owner: 'Ops' }, TODAY, db))).toEqual(['Alert on sync lag', 'Route VIP billing to tier 2']);
			expect(titles(await listActions({ status: 'done' }, TODAY, db))).toEqual(['Old fix']);
			expect(titles(await listActions({ type: 'training' }, TODAY, db))).toEqual(['Train tier 1 on sync errors']);
			expect(titles(await listActions({ review: r2 }, TODAY, db))).toEqual(['Fix login redirect']);
			expect(titles(await listActions({ due: 'overdue' }, TODAY, db))).toEqual(['Alert on sync lag']);
			expect(titles(await listActions({ due: 'soon' }, TODAY, db))).toEqual(['=HYPERLINK("x") refund macro', 'Train tier 1 on sync errors']);
			// A day later the Mar 12 item is overdue too, and Mar 20 comes into the 7 days.
			expect(titles(await listActions({ due: 'overdue' }, '2026-03-13', db))).toEqual(['Alert on sync lag', '=HYPERLINK("x") refund macro']);
			expect(titles(await listActions({ due: 'soon' }, '2026-03-13', db))).toEqual(['Train tier 1 on sync errors', 'Route VIP billing to tier 2']);
			const options = await actionFilterOptions(db);
			expect(options.owners).toEqual(['Kim', 'Lee', 'Ops']);
			expect(options.reviews.map((r) => r.title)).toEqual(['Billing sync', 'Login loop']);
		}));

	it('reads its filters from the URL and refuses a bad one', () => {
		expect(parseActionParams(new URLSearchParams('owner=Kim&status=active&dir=desc&from=2026-01-01'))).toEqual({ owner: 'Kim', status: 'active', dir: 'desc' });
		expect(parseActionParams(new URLSearchParams('review=3&due=soon&status='))).toEqual({ review: 3, due: 'soon', dir: 'asc' });
		expect(() => parseActionParams(new URLSearchParams('status=finished'))).toThrow(ActionParamsError);
		expect(() => parseActionParams(new URLSearchParams('review=abc'))).toThrow(ActionParamsError);
	});
});

describe('actionCounts()', () => {
	it('counts the unfinished, the overdue and the due-soon actions', () =>
		withDb(async (db, dir) => {
			await seed(db, dir);
			// Unfinished: alert, macro, train, route = 4; overdue: alert; due soon: macro, train.
			expect(await actionCounts(TODAY, db)).toEqual({ open: 4, overdue: 1, due_soon: 2 });
			expect(await actionCounts('2026-03-13', db)).toEqual({ open: 4, overdue: 2, due_soon: 2 });
		}));
});

describe('actionsCsv()', () => {
	it('writes a header and one row per action, with formula-like cells neutralised', () =>
		withDb(async (db, dir) => {
			await seed(db, dir);
			const csv = actionsCsv(await listActions({ owner: 'Kim' }, TODAY, db));
			const lines = csv.trimEnd().split('\r\n');
			expect(lines[0]).toBe('action_id,title,review_id,review_title,type,owner,due_date,status,overdue,due_soon,finding,target_metric,target_filters,completed_at,created_at');
			expect(lines).toHaveLength(3);
			// The title starts with "=": prefixed with a quote, then quoted for its own quotes.
			expect(lines[1]).toContain(`,"'=HYPERLINK(""x"") refund macro",`);
			expect(lines[1]).toContain(',knowledge_base,Kim,2026-03-12,in_progress,false,true,');
			const ops = actionsCsv(await listActions({ type: 'detect' }, TODAY, db));
			expect(ops).toContain(',escalation_count,category billing,');
		}));
});

describe('setActionStatus()', () => {
	it('marks an action done through its review\'s version, keeping its other fields', () =>
		withDb(async (db, dir) => {
			const { r1, ids } = await seed(db, dir);
			await setActionStatus({ review_id: String(r1), action_id: String(ids[0]), version: '6', status: 'done' }, db);
			const r = await getReview(r1, db);
			expect(r.version).toBe(7);
			expect(r.actions[0]).toMatchObject({ status: 'done', title: 'Alert on sync lag', owner: 'Ops', due_date: '2026-03-10', target: { metric: 'escalation_count', category: 'billing' } });
			expect(r.actions[0].completed_at).not.toBeNull();
			expect((await reviewAudit(r1, db)).at(-1)).toMatchObject({ entity: 'action', entity_id: ids[0], change: 'updated' });
			expect(await actionCounts(TODAY, db)).toEqual({ open: 3, overdue: 0, due_soon: 2 });
		}));

	it('refuses a change based on an older version of the review', () =>
		withDb(async (db, dir) => {
			const { r1, ids } = await seed(db, dir);
			await setActionStatus({ review_id: r1, action_id: ids[1], version: 6, status: 'done' }, db);
			// A second tab still showing version 6.
			const err = await setActionStatus({ review_id: r1, action_id: ids[2], version: 6, status: 'in_progress' }, db).catch((e) => e);
			expect(err).toBeInstanceOf(ReviewConflict);
			expect((await getReview(r1, db)).actions[2].status).toBe('open');
			await expect(setActionStatus({ review_id: r1, action_id: 9999, version: 7, status: 'done' }, db)).rejects.toThrow('action 9999 is not part of review');
			await expect(setActionStatus({ review_id: r1, action_id: ids[2], version: 7, status: 'finished' }, db)).rejects.toThrow();
		}));
});

describe('actionCompletions()', () => {
	it('lists the actions done in a period, optionally about one category', () =>
		withDb(async (db, dir) => {
			const { r1, r2, ids } = await seed(db, dir);
			await setActionStatus({ review_id: r2, action_id: ids[5], version: 2, status: 'done' }, db);
			// Date them as if done in March (the clock stamped today).
			await withConnection(async (conn) => {
				await query(conn, `UPDATE review_actions SET completed_at = '2026-03-04T10:00:00Z' WHERE id = $id`, { id: ids[4] });
				await query(conn, `UPDATE review_actions SET completed_at = '2026-03-18T10:00:00Z' WHERE id = $id`, { id: ids[5] });
			}, db);
			const all = await actionCompletions({ from: '2026-03-01', to: '2026-04-01' }, db);
			expect(all).toEqual([
				{ date: '2026-03-04', completed_at: '2026-03-04T10:00:00.000Z', title: 'Old fix', review_id: r1, action_id: ids[4], metric: 'escalation_rate' },
				{ date: '2026-03-18', completed_at: '2026-03-18T10:00:00.000Z', title: 'Fix login redirect', review_id: r2, action_id: ids[5], metric: null }
			]);
			// Old fix targets billing; the login action has no target, and its review no category.
			expect(titles(await actionCompletions({ from: '2026-03-01', to: '2026-04-01', category: 'billing' }, db))).toEqual(['Old fix']);
			expect(await actionCompletions({ from: '2026-03-05', to: '2026-03-18' }, db)).toEqual([]);
		}));
});

describe('changeStatus()', () => {
	it('answers the /actions form with a message, a 409 on a stale version and a 400 on bad input', () =>
		withDb(async (db, dir) => {
			const { r1, ids } = await seed(db, dir);
			expect(await changeStatus({ review_id: String(r1), action_id: String(ids[2]), version: '6', status: 'in_progress' }, db)).toEqual({
				ok: true,
				action_id: ids[2],
				message: '“Train tier 1 on sync errors” is now in progress.'
			});
			const stale = await changeStatus({ review_id: String(r1), action_id: String(ids[3]), version: '6', status: 'done' }, db);
			expect(stale).toMatchObject({ ok: false, status: 409, action_id: ids[3] });
			expect(stale.message).toBe(
				'Not saved: the review “Billing sync” was changed by someone else after this page was loaded (it is now at version 7). The list shows its current state; check the action and try again.'
			);
			expect(await changeStatus({ review_id: String(r1), action_id: String(ids[3]), version: '7', status: 'closed' }, db)).toMatchObject({ ok: false, status: 400, errors: { status: expect.any(String) } });
			expect(await changeStatus({ review_id: '999', action_id: String(ids[3]), version: '7', status: 'done' }, db)).toMatchObject({ ok: false, status: 404 });
		}));
});

describe('createAction()', () => {
	it('files an action in a review it starts from a scope, then in that review by its version', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Escalations in [Mar 2, Mar 9) in billing: ticket A.
			const first = await createAction(
				{
					review: { scope: { source: 'range', from: '2026-03-02', to: '2026-03-09', filters: { category: 'billing' } }, title: 'From a script' },
					action: { title: 'Page on-call for sync lag', type: 'detect', owner: 'Ops', due_date: '2026-03-20', target: { metric: 'escalation_count', category: 'billing' } }
				},
				db
			);
			expect(first.version).toBe(2);
			const second = await createAction({ review_id: first.review_id, version: first.version, action: { title: 'Write it up', type: 'process', owner: 'Kim', due_date: '2026-03-27' } }, db);
			expect(second).toEqual({ review_id: first.review_id, action_id: second.action_id, version: 3 });
			const r = await getReview(first.review_id, db);
			expect([r.title, r.ticket_ids, r.actions.map((a) => a.title)]).toEqual(['From a script', ['A'], ['Page on-call for sync lag', 'Write it up']]);
			// A stale version, a bad field, an unknown key.
			await expect(createAction({ review_id: first.review_id, version: 2, action: { title: 'Late', type: 'process', owner: 'Kim', due_date: '2026-03-27' } }, db)).rejects.toBeInstanceOf(ReviewConflict);
			await expect(createAction({ review_id: first.review_id, version: 3, action: { title: 'Bad', type: 'process', owner: 'Kim', due_date: 'soon' } }, db)).rejects.toThrow('must be a date as YYYY-MM-DD');
			await expect(createAction({ review_id: first.review_id, version: 3, sneaky: true, action: {} }, db)).rejects.toThrow();
		}));
});
