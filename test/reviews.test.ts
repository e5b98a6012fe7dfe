// Reviews in the database: starting one saves its tickets and computes its facts (checked by
// hand below), every step saves with the version it edited, a stale save is refused with both
// versions and nothing lost, and the review's scope survives a re-import that changes tickets.
import { describe, expect, it } from 'vitest';
import {
	addAction,
	addFinding,
	addMoment,
	getReview,
	recomputeFacts,
	ReviewConflict,
	reviewAudit,
	reviewTimeline,
	saveAnalysis,
	saveReviewStatus,
	saveSummary,
	startReview,
	updateAction
} from '../src/lib/server/reviews.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,priority,category,customer_id,vip,csat_score
A,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,high,billing,C1,true,2
B,2026-03-03T09:00:00Z,2026-03-04T09:00:00Z,normal,billing,C2,false,5
C,2026-03-04T09:00:00Z,,normal,billing,C1,false,
N,2026-02-10T09:00:00Z,2026-02-10T13:00:00Z,normal,billing,C3,false,
M,2026-02-11T09:00:00Z,2026-02-11T15:00:00Z,normal,billing,C4,false,
L,2026-03-03T09:00:00Z,2026-03-03T10:00:00Z,normal,login,C5,false,4
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor
A,2026-03-02T10:00:00Z,escalated,1,2,hierarchical,customer_sentiment,Dana
A,2026-03-02T19:00:00Z,resolved,,,,,Eli
B,2026-03-03T10:00:00Z,escalated,1,2,functional,technical_complexity,Dana
B,2026-03-03T12:00:00Z,de_escalated,2,1,,,Eli
B,2026-03-04T09:00:00Z,resolved,,,,,Dana
C,2026-03-04T10:00:00Z,escalated,1,2,functional,technical_complexity,Dana
`;
const scope = { source: 'range' as const, from: '2026-03-02', to: '2026-03-09', filters: { category: 'billing' } };

describe('startReview()', () => {
	it('saves the tickets of its scope and computes the summary facts', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			// Tickets with an escalation in [Mar 2, Mar 9) in billing: A, B, C (L is login, N and M are quiet).
			const id = await startReview({ scope }, db);
			const r = await getReview(id, db);
			expect(r.ticket_ids).toEqual(['A', 'B', 'C']);
			expect([r.status, r.version, r.step]).toEqual(['draft', 1, 1]);
			expect(r.title).toBe('Escalations 2026-03-02 to 2026-03-08 (category billing)');
			const f = r.facts;
			// Customers C1 (A, C) and C2 (B) = 2; VIP: A. Escalations: A, B, C one each.
			expect([f.tickets, f.customers, f.vip_tickets, f.escalated_tickets, f.escalations, f.resolved_tickets]).toEqual([3, 2, 1, 3, 3, 2]);
			expect(f.by_trigger).toEqual([
				{ key: 'technical_complexity', events: 2 },
				{ key: 'customer_sentiment', events: 1 }
			]);
			expect(f.by_kind).toEqual([
				{ key: 'functional', events: 2 },
				{ key: 'hierarchical', events: 1 }
			]);
			// CSAT: A 2, B 5 -> 1 of 2 satisfied, mean 3.5.
			expect([f.csat_rated, f.csat_satisfied, f.csat_mean]).toEqual([2, 1, 3.5]);
			// Resolution: A 10 h, B 24 h -> median 17 h. Normal: billing created in the 8 weeks
			// before Mar 2: N 4 h and M 6 h -> median 5 h over 2 tickets.
			expect([f.median_resolution_hours, f.normal_resolution_hours, f.normal_tickets]).toEqual([17, 5, 2]);
			// SLA (calendar hours; tier 1 respond in 1 h, tier 2 in 4 h; no responded events):
			// every closed segment misses its response target: A 2 segments, B 3, C's tier-1 one = 6;
			// C's open tier-2 segment is inside its targets at the data's as-of time (Mar 4 10:00), so left out.
			// Every segment ended within its resolution target (24 h / 72 h): 0 missed.
			expect([f.sla_response_missed, f.sla_resolution_missed, f.sla_breached_tickets]).toEqual([6, 0, 3]);
			expect(r.summary.summary).toContain('3 tickets (billing)');
			expect(r.summary.impact).toContain('2 customers affected, 1 VIP ticket');
			expect(r.summary.impact).toContain('Median time to resolution 17 h, against 5.0 h normally');
		}));

	it('starts from one ticket, and refuses a ticket that does not exist', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope: { ...scope, source: 'ticket', filters: {} }, ticketIds: ['B'] }, db);
			const r = await getReview(id, db);
			expect(r.ticket_ids).toEqual(['B']);
			expect(r.title).toBe('Escalation of ticket B');
			await expect(startReview({ scope: { ...scope, source: 'ticket', filters: {} }, ticketIds: ['NOPE'] }, db)).rejects.toThrow('no ticket NOPE');
		}));

	it('builds the timeline from the events, with the reviewers\' moments merged in', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope: { ...scope, source: 'ticket', filters: {} }, ticketIds: ['B'] }, db);
			// Written without seconds and without an offset: local time in HANDOFF_TZ (UTC here).
			await addMoment(id, { version: '1', occurred_at: '2026-03-03T11:00', kind: 'diagnosis', note: 'Tier 2 saw the billing sync lag' }, db);
			const t = await reviewTimeline(id, 1000, db);
			expect(t.map((e) => `${e.occurred_at.slice(5, 16)} ${e.type}`)).toEqual([
				'03-03T09:00 created',
				'03-03T10:00 escalated',
				'03-03T11:00 diagnosis',
				'03-03T12:00 de_escalated',
				'03-04T09:00 resolved'
			]);
			expect(t[1]).toMatchObject({ trigger: 'technical_complexity', kind: 'functional', from_tier: 1, to_tier: 2, actor: 'Dana' });
			expect(t[2]).toMatchObject({ source: 'moment', note: 'Tier 2 saw the billing sync lag' });
		}));
});

describe('saving a review', () => {
	it('saves every step, bumping the version and the furthest step, and audits each change', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope }, db);
			await saveSummary(id, { version: '1', title: 'Billing sync escalations', summary: 'Three tickets', impact: 'Two customers' }, db);
			await saveAnalysis(id, { version: '2', root_cause: 'tooling', whys: ['Sync lagged', 'Queue was full'], factors: [{ category: 'tools', description: 'No alert on lag' }], trigger: 'Month-end invoices' }, db);
			const finding = await addFinding(id, { version: '3', title: 'No alert on sync lag' }, db);
			const action = await addAction(id, { version: '4', title: 'Alert on lag over 5 min', type: 'detect', owner: 'Ops', due_date: '2026-03-20', finding_id: String(finding), target: { metric: 'escalation_count', category: 'billing' } }, db);
			await updateAction(id, action, { version: '5', title: 'Alert on lag over 5 min', type: 'detect', owner: 'Ops', due_date: '2026-03-20', status: 'done', finding_id: String(finding), target: { metric: 'escalation_count', category: 'billing' } }, db);
			await saveReviewStatus(id, { version: '6', status: 'published', checklist: ['facts_checked', 'blameless'], signed_off_by: 'Head of Support' }, db);

			const r = await getReview(id, db);
			expect([r.version, r.step, r.status, r.title]).toEqual([7, 5, 'published', 'Billing sync escalations']);
			expect(r.published_at).not.toBeNull();
			expect(r.analysis).toMatchObject({ root_cause: 'tooling', whys: ['Sync lagged', 'Queue was full'], trigger: 'Month-end invoices' });
			expect(r.actions).toHaveLength(1);
			expect(r.actions[0]).toMatchObject({ status: 'done', finding_id: finding, target: { metric: 'escalation_count', category: 'billing' } });
			expect(r.actions[0].completed_at).not.toBeNull();
			const audit = await reviewAudit(id, db);
			expect(audit.map((a) => `${a.entity} ${a.change}`)).toEqual([
				'review created',
				'review updated summary',
				'review updated root cause',
				'finding created',
				'action created',
				'action updated',
				'review status published'
			]);
			expect(audit.every((a) => a.actor === 'local')).toBe(true);
		}));

	it('refuses a save based on an older version, with both versions, and keeps the unsaved edit', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope }, db);
			// Two people open version 1; the first saves, the second saves after.
			await saveSummary(id, { version: '1', title: 'First title', summary: 'From the first person' }, db);
			const err = await saveSummary(id, { version: '1', title: 'Second title', summary: 'From the second person' }, db).catch((e) => e);
			expect(err).toBeInstanceOf(ReviewConflict);
			expect((err as ReviewConflict).current.summary.summary).toBe('From the first person');
			expect((err as ReviewConflict).current.version).toBe(2);
			expect((err as ReviewConflict).attempted).toMatchObject({ title: 'Second title', summary: 'From the second person' });
			// The stored review is the first person's, and the second edit is in the audit log.
			expect((await getReview(id, db)).title).toBe('First title');
			const conflict = (await reviewAudit(id, db)).find((a) => a.change === 'conflict');
			expect(conflict?.detail).toMatchObject({ based_on_version: 1, current_version: 2, attempted: { summary: 'From the second person' } });
		}));

	it('rejects a bad field with the schema\'s message and changes nothing', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope }, db);
			await expect(addAction(id, { version: '1', title: 'x', type: 'blame', owner: 'Ops', due_date: '2026-03-20' }, db)).rejects.toThrow(/type/);
			expect((await getReview(id, db)).version).toBe(1);
		}));
});

describe('a review after a re-import', () => {
	it('keeps its tickets and stored facts, and recomputes the facts on the new data', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const id = await startReview({ scope }, db);
			// A newer export: C is resolved now, and a new billing ticket D is escalated in the period.
			await importCsv(
				db,
				dir,
				TICKETS.replace('C,2026-03-04T09:00:00Z,,normal,billing,C1,false,', 'C,2026-03-04T09:00:00Z,2026-03-05T09:00:00Z,normal,billing,C1,false,4') +
					'D,2026-03-05T09:00:00Z,,normal,billing,C6,false,\n',
				EVENTS + 'C,2026-03-05T09:00:00Z,resolved,,,,,Eli\nD,2026-03-05T10:00:00Z,escalated,1,2,functional,other,Dana\n'
			);
			const r = await getReview(id, db);
			expect(r.ticket_ids).toEqual(['A', 'B', 'C']); // D is not in the review's scope as saved
			expect(r.facts.resolved_tickets).toBe(2); // as started
			const now = await recomputeFacts(id, db);
			// A 10 h, B 24 h, C 24 h -> median 24 h; CSAT now A 2, B 5, C 4 -> 2 of 3 satisfied.
			expect([now.tickets, now.resolved_tickets, now.median_resolution_hours, now.csat_rated, now.csat_satisfied]).toEqual([3, 3, 24, 3, 2]);
		}));
});
