// Closing the loop on a hand-built desk: an action marked done on Wednesday 2026-03-11 (ISO
// week of Mon Mar 9) against the 4 weeks before and the weeks after that the data has, with
// every count worked out by hand below; and the escalations that came back after a review
// was published.
//
// The desk (UTC). Every ticket is created on the Tuesday of its week at 10:00 (+1 min each),
// escalated 30 minutes later if it escalates, and resolved 2 hours after creation.
//   weeks Feb 9, 16, 23, Mar 2:  billing 10 created, 6 escalated each     -> before: 40 created, 24 escalated
//   week Mar 9 (the action's):   billing 10 created, 10 escalated          -> left out
//   weeks Mar 16, 23:            billing 20 created, 4 escalated each      -> after: 40 created, 8 escalated
//   every week:                  login 5 created, 5 escalated              -> not billing: never counted
//   Sun Mar 29 12:00:            one login ticket, the data's last timestamp: weeks up to Mar 23 are complete
// FCR: an escalated ticket has a handoff, so FCR tickets = the billing tickets not escalated.
import { describe, expect, it } from 'vitest';
import { query, withConnection } from '../src/lib/server/db.ts';
import { actionImpact, reviewRecurrence } from '../src/lib/server/impact.ts';
import { computeKpis, parseKpiParams } from '../src/lib/server/kpis.ts';
import { addAction, getReview, saveReviewStatus, startReview, updateAction } from '../src/lib/server/reviews.ts';
import { importCsv, withDb } from './helpers.ts';

const HEAD_T = 'ticket_id,created_at,resolved_at,category\n';
const HEAD_E = 'ticket_id,occurred_at,type,from_tier,to_tier\n';

/** `created` tickets of `category` in the week of `monday`, the first `escalated` of them escalated. */
function week(monday: string, category: string, created: number, escalated: number) {
	let t = '';
	let e = '';
	const tuesday = Date.parse(`${monday}T10:00:00Z`) + 86_400_000;
	for (let i = 0; i < created; i++) {
		const id = `${category}-${monday}-${i}`;
		const at = (min: number) => new Date(tuesday + (i + min) * 60_000).toISOString();
		t += `${id},${at(0)},${at(120)},${category}\n`;
		e += `${id},${at(0)},created,,\n`;
		if (i < escalated) e += `${id},${at(30)},escalated,1,2\n`;
		e += `${id},${at(120)},resolved,,\n`;
	}
	return { t, e };
}

function desk(weeks: [string, number, number][], extra = { t: '', e: '' }) {
	let t = HEAD_T;
	let e = HEAD_E;
	for (const [monday, created, escalated] of weeks) {
		for (const w of [week(monday, 'billing', created, escalated), week(monday, 'login', 5, 5)]) {
			t += w.t;
			e += w.e;
		}
	}
	return { tickets: t + extra.t, events: e + extra.e };
}

const FIRST: [string, number, number][] = [
	['2026-02-09', 10, 6],
	['2026-02-16', 10, 6],
	['2026-02-23', 10, 6],
	['2026-03-02', 10, 6],
	['2026-03-09', 10, 10],
	['2026-03-16', 20, 4],
	['2026-03-23', 20, 4]
];
const LAST_TICKET = { t: 'asof-1,2026-03-29T12:00:00Z,,login\n', e: '' };
const DONE_AT = '2026-03-11T15:00:00Z';

/** A review of the billing escalations of week Mar 2 with one action per target, marked done. */
async function doneActions(db: string, metrics: string[]) {
	const id = await startReview({ scope: { source: 'range', from: '2026-03-02', to: '2026-03-09', filters: { category: 'billing' } } }, db);
	let v = 1;
	for (const metric of metrics) {
		const fields = { title: `Fix ${metric}`, type: 'prevent', owner: 'Ops', due_date: '2026-03-13', target: { metric, category: 'billing' } };
		const aid = await addAction(id, { ...fields, version: v++ }, db);
		await updateAction(id, aid, { ...fields, status: 'done', version: v++ }, db);
	}
	// The review was really held in March: its actions were done on Mar 11 (the clock of this
	// machine stamped today, so the test dates them as the desk's history has them).
	const r = await getReview(id, db);
	return { review: r, actions: r.actions.map((a) => ({ ...a, completed_at: DONE_AT })) };
}

describe('actionImpact()', () => {
	it('compares the 4 weeks before with the full weeks after so far, leaving out the week it was done', () =>
		withDb(async (db, dir) => {
			const { tickets, events } = desk(FIRST, LAST_TICKET);
			await importCsv(db, dir, tickets, events);
			const { actions } = await doneActions(db, ['escalation_rate', 'escalation_count', 'fcr_rate']);
			const [rate, count, fcr] = await Promise.all(actions.map((a) => actionImpact(a, {}, db)));

			expect(rate).toMatchObject({
				metric: 'escalation_rate',
				filters: 'category billing',
				completion_week: '2026-03-09',
				before: { from: '2026-02-09', to: '2026-03-09' },
				after: { from: '2026-03-16', to: '2026-03-30' }
			});
			// Before: 24 escalated of 40 created = 60%. After (2 of 4 weeks): 8 of 40 = 20%.
			const c = rate!.comparison;
			expect(c.before).toEqual({ weeks: 4, numerator: 24, denominator: 40, value: 0.6 });
			expect(c.after).toEqual({ weeks: 2, numerator: 8, denominator: 40, value: 0.2 });
			// pooled = 32/80 = 0.4; se = sqrt(0.4 × 0.6 × (1/40 + 1/40)) = sqrt(0.012) = 0.109545;
			// z = (0.2 - 0.6) / 0.109545 = -3.6515; p = 0.00026.
			expect(c.z).toBeCloseTo(-3.6515, 4);
			expect(c.p).toBeCloseTo(0.00026073, 7);
			expect(c.verdict).toBe('improved');
			expect(c.note).toContain('Only 2 of 4 weeks after completion are in the data so far.');
			// Nine weeks: 4 before, the completion week, and 4 after, of which 2 are not in the data yet.
			expect(rate!.weekly.map((w) => [w.week_start, w.phase, w.numerator, w.denominator])).toEqual([
				['2026-02-09', 'before', 6, 10],
				['2026-02-16', 'before', 6, 10],
				['2026-02-23', 'before', 6, 10],
				['2026-03-02', 'before', 6, 10],
				['2026-03-09', 'completion', 10, 10],
				['2026-03-16', 'after', 4, 20],
				['2026-03-23', 'after', 4, 20],
				['2026-03-30', 'not_yet', 0, 0],
				['2026-04-06', 'not_yet', 0, 0]
			]);
			expect(rate!.links.after).toBe('/tickets?kpi=escalation_rate&part=numerator&from=2026-03-16&to=2026-03-30&category=billing');

			// Counts per week: 24 in 4 weeks = 6 a week before; 8 in 2 weeks = 4 a week after.
			// If the weekly rate held, the after-count is Binomial(32, 2/6): expected 10.67 and
			// 21.33; P(X <= 8) = Σ C(32,k) (1/3)^k (2/3)^(32-k) for k = 0..8 = 0.210559, p = 0.421118.
			expect(count!.comparison).toMatchObject({ verdict: 'no_clear_change', direction: 'down', good: true });
			expect(count!.comparison.before.value).toBe(6);
			expect(count!.comparison.after.value).toBe(4);
			expect(count!.comparison.p).toBeCloseTo(0.421118, 5);

			// FCR: before 16 of 40 resolved (the 4 unescalated of 10, 4 weeks); after 32 of 40.
			expect(fcr!.comparison.before).toMatchObject({ numerator: 16, denominator: 40 });
			expect(fcr!.comparison.after).toMatchObject({ numerator: 32, denominator: 40 });
			expect(fcr!.comparison.verdict).toBe('improved');
		}));

	it('gives the same before numbers as the KPI engine for that period', () =>
		withDb(async (db, dir) => {
			const { tickets, events } = desk(FIRST, LAST_TICKET);
			await importCsv(db, dir, tickets, events);
			const { actions } = await doneActions(db, ['escalation_rate']);
			const impact = await actionImpact(actions[0], {}, db);
			const kpis = await computeKpis(parseKpiParams({ from: '2026-02-09', to: '2026-03-09', category: 'billing' }), db);
			expect([impact!.comparison.before.numerator, impact!.comparison.before.denominator]).toEqual([kpis.escalated_tickets, kpis.tickets_created]);
		}));

	it('uses all 4 weeks once the data has them', () =>
		withDb(async (db, dir) => {
			// Two more weeks of 20 billing created, 4 escalated, and data through Sunday Apr 12.
			const more: [string, number, number][] = [...FIRST, ['2026-03-30', 20, 4], ['2026-04-06', 20, 4]];
			const { tickets, events } = desk(more, { t: 'asof-2,2026-04-12T12:00:00Z,,login\n', e: '' });
			await importCsv(db, dir, tickets, events);
			const { actions } = await doneActions(db, ['escalation_rate', 'escalation_count']);
			const [rate, count] = await Promise.all(actions.map((a) => actionImpact(a, {}, db)));
			// After: 16 escalated of 80 created = 20%; pooled = 40/120 = 1/3;
			// se = sqrt(1/3 × 2/3 × (1/40 + 1/80)) = 0.0912871; z = -0.4 / 0.0912871 = -4.3818; p = 0.0000118.
			expect(rate!.comparison.after).toEqual({ weeks: 4, numerator: 16, denominator: 80, value: 0.2 });
			expect(rate!.comparison.z).toBeCloseTo(-4.3818, 4);
			expect(rate!.comparison.note).not.toContain('so far');
			expect(rate!.after).toEqual({ from: '2026-03-16', to: '2026-04-13' });
			// Counts: 24 vs 16 in 4 weeks each: Binomial(40, 1/2), P(X <= 16) = 0.134094, p = 0.268187.
			expect(count!.comparison.p).toBeCloseTo(0.268187, 5);
			expect(count!.comparison.verdict).toBe('no_clear_change');
		}));

	it('counts only the before weeks that are in the data, and waits for the first after week', () =>
		withDb(async (db, dir) => {
			const { tickets, events } = desk(FIRST, LAST_TICKET);
			await importCsv(db, dir, tickets, events);
			const { actions } = await doneActions(db, ['escalation_count']);
			// Done Wed Feb 18 (week of Feb 16): the 4 weeks before start Jan 19, but the data
			// starts in the week of Feb 9, so 1 week before: 6 escalated.
			const early = await actionImpact({ ...actions[0], completed_at: '2026-02-18T09:00:00Z' }, {}, db);
			expect(early!.comparison.before).toEqual({ weeks: 1, numerator: 6, denominator: 10, value: 6 });
			expect(early!.weekly.slice(0, 3).map((w) => [w.week_start, w.value])).toEqual([
				['2026-01-19', null],
				['2026-01-26', null],
				['2026-02-02', null]
			]);
			// Done Fri Mar 27: its week is the last complete one, so nothing after it yet.
			const late = await actionImpact({ ...actions[0], completed_at: '2026-03-27T09:00:00Z' }, {}, db);
			expect(late!.comparison.verdict).toBe('pending');
			expect(late!.comparison.note).toContain('0 of 4 weeks so far');
			// Not done, or without a target: no impact.
			expect(await actionImpact({ ...actions[0], completed_at: null }, {}, db)).toBeNull();
			expect(await actionImpact({ ...actions[0], target: null }, {}, db)).toBeNull();
		}));
});

describe('reviewRecurrence()', () => {
	it('counts the scope\'s new escalated tickets since publication, apart from the review\'s own', () =>
		withDb(async (db, dir) => {
			// One of the reviewed tickets (billing, week of Mar 2) escalates again on Fri Mar 20.
			const again = { t: LAST_TICKET.t, e: 'billing-2026-03-02-0,2026-03-20T09:00:00Z,de_escalated,2,1\nbilling-2026-03-02-0,2026-03-20T10:00:00Z,escalated,1,2\n' };
			const { tickets, events } = desk(FIRST, again);
			await importCsv(db, dir, tickets, events);
			const { review } = await doneActions(db, ['escalation_rate']);
			// The review's tickets: billing tickets with an escalation in [Mar 2, Mar 9): 6.
			expect(review.ticket_ids).toHaveLength(6);
			expect(await reviewRecurrence(review.id, {}, db)).toBeNull(); // not published yet

			await saveReviewStatus(review.id, { version: review.version, status: 'published' }, db);
			// Published on Thu Mar 12, as the desk's history has it (the clock stamped today).
			await withConnection((conn) => query(conn, `UPDATE reviews SET published_at = '2026-03-12T16:00:00Z' WHERE id = $id`, { id: review.id }), db);
			const r = await reviewRecurrence(review.id, { today: '2026-03-29' }, db);
			// [Mar 12, Mar 30): the completion week's escalations were on Tue Mar 10 (before);
			// weeks Mar 16 and 23 escalate 4 billing tickets each = 8 new; login never counts;
			// the reviewed ticket escalating again on Mar 20 is the review's own.
			expect(r).toMatchObject({ from: '2026-03-12', to: '2026-03-30', filters: 'category billing', new_tickets: 8, review_tickets: 1 });
			expect(r!.examples.map((e) => e.ticket_id)).toEqual([
				'billing-2026-03-16-0',
				'billing-2026-03-16-1',
				'billing-2026-03-16-2',
				'billing-2026-03-16-3',
				'billing-2026-03-23-0'
			]);
			expect(r!.href).toBe('/tickets?kpi=escalation_events&part=numerator&from=2026-03-12&to=2026-03-30&category=billing');
		}));
});
