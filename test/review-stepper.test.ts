// The stepper's server side on a small database checked by hand: the /reviews/new URL
// contract read into a scope (with its ticket count), the review page's form fields read into
// each save's input, zod errors named after the form's own fields, a conflict described with
// both versions, the "still missing" guidance, and the agents the blameless check knows.
import { afterEach, describe, expect, it } from 'vitest';
import { RootCauseForm } from '../src/lib/reviews/schema.ts';
import { agentNames } from '../src/lib/server/agents.ts';
import { getReview, ReviewConflict, saveSummary, startReview } from '../src/lib/server/reviews.ts';
import { whatIsMissing } from '../src/lib/components/reviews/missing.ts';
import { analysisInput, conflictView, errorsOf, rawFields, utc } from '../src/routes/reviews/[id]/forms.server.ts';
import { resolveScope, ScopeError } from '../src/routes/reviews/new/scope.server.ts';
import { importCsv, withDb } from './helpers.ts';

// Mar 2, 2026 is a Monday. Billing: A, B, C escalated that week; L (login) never escalates.
const TICKETS = `ticket_id,created_at,resolved_at,category,customer_id,assignee
A,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,billing,C1,Eli Novak
B,2026-03-03T09:00:00Z,2026-03-04T09:00:00Z,billing,C2,Dana Whitfield
C,2026-03-04T09:00:00Z,,billing,C1,
L,2026-03-03T09:00:00Z,2026-03-03T10:00:00Z,login,C5,Eli Novak
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor
A,2026-03-02T10:00:00Z,escalated,1,2,hierarchical,customer_sentiment,Dana Whitfield
A,2026-03-02T19:00:00Z,resolved,,,,,Eli Novak
B,2026-03-03T10:00:00Z,escalated,1,2,functional,technical_complexity,Dana Whitfield
B,2026-03-03T12:00:00Z,de_escalated,2,1,,,system
B,2026-03-04T09:00:00Z,resolved,,,,,Dana Whitfield
C,2026-03-04T10:00:00Z,escalated,1,2,functional,technical_complexity,Dana Whitfield
`;

/** The stepper's server modules read HANDOFF_DB, as in the running app. */
async function withData<T>(fn: () => Promise<T>): Promise<T> {
	return withDb(async (db, dir) => {
		await importCsv(db, dir, TICKETS, EVENTS);
		process.env.HANDOFF_DB = db;
		return fn();
	});
}
const saved = process.env.HANDOFF_DB;
afterEach(() => {
	if (saved === undefined) delete process.env.HANDOFF_DB;
	else process.env.HANDOFF_DB = saved;
});

const scopeOf = (q: string) => resolveScope(new URLSearchParams(q));
const fields = (pairs: [string, string][]) => {
	const form = new FormData();
	for (const [k, v] of pairs) form.append(k, v);
	return rawFields(form);
};

describe('resolveScope(url): the /reviews/new URL contract', () => {
	it('reads a spike as its ISO week of the category\'s escalated tickets', () =>
		withData(async () => {
			const c = await scopeOf('source=spike&category=billing&week_start=2026-03-02');
			expect(c.scope).toEqual({ source: 'spike', from: '2026-03-02', to: '2026-03-09', filters: { category: 'billing' }, spike: { category: 'billing', week_start: '2026-03-02' } });
			expect(c.count).toBe(3); // A, B, C
			expect(c.ticketsHref).toBe('/tickets?from=2026-03-02&to=2026-03-09&category=billing&kpi=escalation_events&part=numerator');
			expect(c.suggestedTitle).toBe('Spike in billing escalations, week of 2026-03-02');
			// The review started from it holds exactly those tickets.
			const id = await startReview({ scope: c.scope });
			expect((await getReview(id)).ticket_ids).toEqual(['A', 'B', 'C']);
		}));

	it('reads one ticket, from its creation to the day after its last activity', () =>
		withData(async () => {
			const c = await scopeOf('source=ticket&ticket=B');
			// Created Mar 3; last event (resolved) Mar 4 -> [Mar 3, Mar 5).
			expect(c.scope).toEqual({ source: 'ticket', from: '2026-03-03', to: '2026-03-05', filters: {} });
			expect([c.count, c.ticketIds, c.ticketsHref]).toEqual([1, ['B'], '/tickets/B']);
			expect(c.description).toBe('Ticket B (billing, normal priority, escalated once, resolved)');
		}));

	it('reads a drill-down list and keeps its kpi and part in the scope', () =>
		withData(async () => {
			const c = await scopeOf('source=tickets&from=2026-03-02&to=2026-03-09&kpi=reopen_rate&part=denominator&page=3');
			// Resolved in [Mar 2, Mar 9): A (Mar 2), L (Mar 3), B (Mar 4).
			expect(c.count).toBe(3);
			expect(c.scope).toEqual({ source: 'tickets', from: '2026-03-02', to: '2026-03-09', filters: {}, drill: { kpi: 'reopen_rate', part: 'denominator' } });
			expect(c.description).toBe('Tickets resolved Mar 2 – Mar 8, 2026');
		}));

	it('reads a range with filters, counting the tickets escalated in it', () =>
		withData(async () => {
			expect((await scopeOf('source=range&from=2026-03-02&to=2026-03-09')).count).toBe(3);
			const login = await scopeOf('source=range&from=2026-03-02&to=2026-03-09&category=login');
			expect([login.count, login.scope.filters]).toEqual([0, { category: 'login' }]);
		}));

	it('refuses bad parameters with a 400 (404 for an unknown ticket) and the reason', () =>
		withData(async () => {
			const refused = (q: string) => scopeOf(q).then(() => null, (e: unknown) => (e instanceof ScopeError ? [e.status, e.message] : e));
			expect(await refused('source=spike&category=billing&week_start=2026-03-04')).toEqual([400, 'week_start must be a Monday, the first day of an ISO week']);
			expect(await refused('source=spike&week_start=2026-03-02')).toEqual([400, 'category is missing']);
			expect(await refused('source=spike&category=billing')).toEqual([400, 'week_start is missing']);
			expect(await refused('source=ticket&ticket=NOPE')).toEqual([404, 'There is no ticket with the id “NOPE” in the loaded data.']);
			expect(await refused('source=tickets&from=2026-03-02&to=2026-03-09&kpi=everything&part=numerator')).toMatchObject([400, expect.stringContaining('kpi')]);
			expect(await refused('source=range&from=2026-03-09&to=2026-03-02')).toEqual([400, 'from must be before to (the period is [from, to))']);
			expect(await refused('source=range&from=2026-03-02&to=2026-03-09&priority=asap')).toMatchObject([400, expect.stringContaining('priority')]);
			expect(await refused('source=all')).toEqual([400, 'source must be one of ticket, tickets, spike, range']);
		}));
});

describe('the review page\'s forms', () => {
	it('reads the root-cause form: empty whys and factor rows dropped, the rest in order', () => {
		const f = fields([
			['root_cause', ''],
			['trigger', ' Price change mail '],
			...['Sync lagged', '', 'Queue was full', '', ''].map((w): [string, string] => ['why', w]),
			['factor_category', 'tools'],
			['factor_description', 'No alert on lag'],
			['factor_category', 'people_load'],
			['factor_description', '   '],
			['factor_category', ''],
			['factor_description', 'Month-end peak']
		]);
		const input = analysisInput(f, '4');
		expect(input).toMatchObject({ version: '4', root_cause: null, trigger: 'Price change mail', whys: ['Sync lagged', 'Queue was full'] });
		expect(input.factors).toEqual([
			{ category: 'tools', description: 'No alert on lag' },
			{ category: '', description: 'Month-end peak' }
		]);
		// The second factor kept is the form's third row (index 2): its error is named so.
		const err = RootCauseForm.safeParse(input).error!;
		expect(errorsOf(err, f)).toEqual({ 'factor_category.2': 'pick one from the list' });
	});

	it('takes a time from datetime-local as UTC, with seconds', () => {
		expect(utc('2026-03-03T11:00')).toBe('2026-03-03T11:00:00Z');
		expect(utc('2026-03-03T11:00:30')).toBe('2026-03-03T11:00:30Z');
		expect(utc('not a time')).toBe('not a time');
	});

	it('describes a conflict with what is saved now and what was tried, for the fields that differ', () =>
		withData(async () => {
			const id = await startReview({ scope: { source: 'ticket', from: '2026-03-03', to: '2026-03-05', filters: {} }, ticketIds: ['B'] });
			const before = await getReview(id);
			await saveSummary(id, { version: '1', title: 'First', summary: before.summary.summary, impact: before.summary.impact });
			const mine = fields([
				['title', 'Second'],
				['summary', before.summary.summary],
				['impact', 'Two customers waited a day']
			]);
			const err = await saveSummary(id, { version: '1', title: 'Second', summary: before.summary.summary, impact: 'Two customers waited a day' }).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(ReviewConflict);
			const view = conflictView('summary', (err as ReviewConflict).current, mine, '1');
			expect(view.version).toBe(2);
			expect(view.what).toBe('Your summary was not saved.');
			expect(view.rows).toEqual([
				{ label: 'Title', saved: 'First', yours: 'Second' },
				{ label: 'Impact', saved: before.summary.impact, yours: 'Two customers waited a day' }
			]);
		}));

	it('lists what a new review still lacks, by step, without blocking anything', () =>
		withData(async () => {
			const id = await startReview({ scope: { source: 'ticket', from: '2026-03-03', to: '2026-03-05', filters: {} }, ticketIds: ['B'] });
			const r = await getReview(id);
			const gaps = whatIsMissing({ ...r, summary: { ...r.summary, summary: 'Dana Whitfield forgot the macro. Human error.' } }, ['Dana Whitfield'], '2026-03-10');
			expect(gaps.map((g) => `${g.step} ${g.text}`)).toEqual([
				'1 2 spots read as blame in the blameless check.',
				'2 The timeline has no detection, diagnosis or repair moment.',
				'3 The trigger (what set it off) is not described.',
				'3 No root cause is picked.',
				'3 The 5-whys chain has no answers.',
				'3 No contributing factors are listed.',
				'3 Nothing says what can be changed to prevent it.',
				'4 There are no findings.',
				'4 There are no action items.',
				'5 5 checklist items are not ticked.',
				'5 Nobody has signed it off.'
			]);
		}));
});

describe('agentNames()', () => {
	it('lists the assignees and event actors once each, sorted, without empty ones', () =>
		withData(async () => {
			// Assignees: Eli Novak, Dana Whitfield (C has none); actors add "system".
			expect(await agentNames()).toEqual(['Dana Whitfield', 'Eli Novak', 'system']);
		}));
});
