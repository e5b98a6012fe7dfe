// The reviews list and leadership's metrics: four reviews built by hand on a small desk, their
// timestamps pinned (DuckDB stamps now(), so the test sets created_at and published_at to known
// instants), and every median, rate and count below worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { query, withConnection } from '../src/lib/server/db.ts';
import { addAction, getReview, saveAnalysis, saveReviewStatus, saveSummary, startReview } from '../src/lib/server/reviews.ts';
import { listReviews, parseReviewListParams, ReviewListParamsError, reviewMetrics, reviewsPage } from '../src/lib/server/review-list.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,resolved_at,priority,category
T1,2026-03-02T09:00:00Z,2026-03-02T19:00:00Z,high,billing
T2,2026-03-03T09:00:00Z,2026-03-04T09:00:00Z,normal,login
T3,2026-03-04T09:00:00Z,,normal,billing
T4,2026-03-04T10:00:00Z,2026-03-05T10:00:00Z,normal,api
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger
T1,2026-03-02T10:00:00Z,escalated,1,2,functional,technical_complexity
T2,2026-03-03T10:00:00Z,escalated,1,2,functional,technical_complexity
T3,2026-03-04T10:00:00Z,escalated,1,2,hierarchical,customer_sentiment
T4,2026-03-04T11:00:00Z,escalated,1,2,functional,technical_complexity
`;
const TODAY = '2026-04-01';

/**
 * R1 (T1, billing)       tooling, factors tools + tools + communication; actions A done, B won't do,
 *                        C open due Mar 20 (overdue on Apr 1), D in progress due Apr 1 (due today:
 *                        not overdue); created Mar 2 10:00, published Mar 4 22:00 = 2.5 days
 * R2 (T2, login)         training gap, factors knowledge + tools; action E done;
 *                        created Mar 10 00:00, published Mar 11 00:00 = 1 day
 * R3 (T3 + T4, billing + api)  tooling, factor process; action F open due Mar 25 (overdue);
 *                        created Apr 5 12:00, published Apr 11 12:00 = 6 days
 * R4 (T2, login)         "Refund confusion", a draft: no root cause, no actions; created Apr 20
 */
async function buildReviews(db: string) {
	const v = async (id: number) => String((await getReview(id, db)).version);
	const ticketScope = { source: 'ticket' as const, from: '2026-03-02', to: '2026-03-09', filters: {} };
	const action = (title: string, status: string, due: string) => ({ title, type: 'prevent', owner: 'Ops', due_date: due, status });

	const r1 = await startReview({ scope: ticketScope, ticketIds: ['T1'], title: 'Billing sync lag' }, db);
	await saveSummary(r1, { version: await v(r1), title: 'Billing sync lag', summary: 'Invoices synced late at month end', impact: '' }, db);
	await saveAnalysis(r1, {
		version: await v(r1),
		root_cause: 'tooling',
		factors: [
			{ category: 'tools', description: 'No alert on lag' },
			{ category: 'tools', description: 'Retry queue too small' },
			{ category: 'communication', description: 'Tier 2 not told' }
		]
	}, db);
	await addAction(r1, { version: await v(r1), ...action('A', 'done', '2026-03-15') }, db);
	await addAction(r1, { version: await v(r1), ...action('B', 'wont_do', '2026-03-15') }, db);
	await addAction(r1, { version: await v(r1), ...action('C', 'open', '2026-03-20') }, db);
	await addAction(r1, { version: await v(r1), ...action('D', 'in_progress', TODAY) }, db);
	await saveReviewStatus(r1, { version: await v(r1), status: 'published', checklist: [], signed_off_by: 'Head of Support' }, db);

	const r2 = await startReview({ scope: ticketScope, ticketIds: ['T2'], title: 'Login lockouts' }, db);
	await saveAnalysis(r2, { version: await v(r2), root_cause: 'training_gap', factors: [{ category: 'knowledge', description: 'Old article' }, { category: 'tools', description: 'Unclear admin screen' }] }, db);
	await addAction(r2, { version: await v(r2), ...action('E', 'done', '2026-03-30') }, db);
	await saveReviewStatus(r2, { version: await v(r2), status: 'published', checklist: [], signed_off_by: 'Team lead' }, db);

	const r3 = await startReview({ scope: ticketScope, ticketIds: ['T3', 'T4'], title: 'API and billing handoffs' }, db);
	await saveAnalysis(r3, { version: await v(r3), root_cause: 'tooling', factors: [{ category: 'process', description: 'No owner for API tickets' }] }, db);
	await addAction(r3, { version: await v(r3), ...action('F', 'open', '2026-03-25') }, db);
	await saveReviewStatus(r3, { version: await v(r3), status: 'published', checklist: [], signed_off_by: '' }, db);

	const r4 = await startReview({ scope: ticketScope, ticketIds: ['T2'], title: 'Refund confusion' }, db);

	await withConnection(async (conn) => {
		const stamp = (id: number, created: string, published: string | null) =>
			query(conn, 'UPDATE reviews SET created_at = $created::TIMESTAMPTZ, published_at = $published::TIMESTAMPTZ WHERE id = $id', { id, created, published });
		await stamp(r1, '2026-03-02T10:00:00Z', '2026-03-04T22:00:00Z');
		await stamp(r2, '2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z');
		await stamp(r3, '2026-04-05T12:00:00Z', '2026-04-11T12:00:00Z');
		await stamp(r4, '2026-04-20T08:00:00Z', null);
	}, db);
	return { r1, r2, r3, r4 };
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('listReviews(filters)', () => {
	it('lists every review newest first, with its root cause, categories, tickets, actions and sign-off', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r1, r2, r3, r4 } = await buildReviews(db);
			const rows = await listReviews({}, db);
			expect(ids(rows)).toEqual([r4, r3, r2, r1]);
			expect(rows[3]).toMatchObject({
				title: 'Billing sync lag',
				status: 'published',
				root_cause: 'tooling',
				categories: ['billing'],
				tickets: 1,
				created_at: '2026-03-02T10:00:00.000Z',
				published_at: '2026-03-04T22:00:00.000Z',
				signed_off_by: 'Head of Support',
				// A done, B won't do, C open, D in progress.
				actions_total: 4,
				actions_done: 1,
				actions_wont_do: 1
			});
			expect(rows[1]).toMatchObject({ categories: ['api', 'billing'], tickets: 2, signed_off_by: null });
			expect(rows[0]).toMatchObject({ title: 'Refund confusion', status: 'draft', root_cause: null, published_at: null, actions_total: 0 });
		}));

	it('filters by status, root cause and category, and searches titles and summaries in any case', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r1, r2, r3, r4 } = await buildReviews(db);
			expect(ids(await listReviews({ status: 'draft' }, db))).toEqual([r4]);
			expect(ids(await listReviews({ root_cause: 'tooling' }, db))).toEqual([r3, r1]);
			expect(ids(await listReviews({ category: 'login' }, db))).toEqual([r4, r2]);
			expect(ids(await listReviews({ category: 'api' }, db))).toEqual([r3]);
			expect(ids(await listReviews({ category: 'billing', status: 'published', root_cause: 'tooling' }, db))).toEqual([r3, r1]);
			expect(ids(await listReviews({ q: 'REFUND' }, db))).toEqual([r4]);
			// "synced" is only in R1's summary, not in any title.
			expect(ids(await listReviews({ q: 'Synced' }, db))).toEqual([r1]);
			// Search text is data, not a pattern.
			expect(ids(await listReviews({ q: "%' OR 1=1 --" }, db))).toEqual([]);
		}));
});

describe('parseReviewListParams(url)', () => {
	it('reads the filters, treats an empty value as no filter and ignores other parameters', () => {
		const p = parseReviewListParams(new URLSearchParams('q=+lag+&status=&category=billing&root_cause=tooling&from=2026-01-01'));
		expect(p).toEqual({ q: 'lag', category: 'billing', root_cause: 'tooling' });
	});

	it('refuses a status or root cause that does not exist, naming the parameter', () => {
		expect(() => parseReviewListParams(new URLSearchParams('status=closed'))).toThrow(ReviewListParamsError);
		expect(() => parseReviewListParams(new URLSearchParams('root_cause=gremlins'))).toThrow(/^root_cause/);
	});
});

describe('reviewMetrics(ids)', () => {
	it('computes time to publish, completion rate, overdue actions, root causes and factors by month', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r1, r2, r3, r4 } = await buildReviews(db);
			const m = await reviewMetrics([r1, r2, r3, r4], { today: TODAY, timeZone: 'UTC' }, db);
			// Published: R1 2.5 days, R2 1 day, R3 6 days -> median 2.5. R4 is a draft.
			expect([m.reviews, m.published, m.median_days_to_publish]).toEqual([4, 3, 2.5]);
			// Actions A..F: done A, E; won't do B -> 2 / (6 - 1) = 0.4. Overdue: C (Mar 20), F (Mar 25);
			// D is due today, so not yet.
			expect([m.actions, m.actions_done, m.actions_wont_do, m.actions_overdue]).toEqual([6, 2, 1, 2]);
			expect(m.completion_rate).toBeCloseTo(0.4, 12);
			expect(m.overdue_actions.map((a) => [a.title, a.due_date, a.review_id])).toEqual([
				['C', '2026-03-20', r1],
				['F', '2026-03-25', r3]
			]);
			expect(m.action_statuses).toEqual([
				{ status: 'done', overdue: false, actions: 2 },
				{ status: 'in_progress', overdue: false, actions: 1 },
				{ status: 'open', overdue: true, actions: 2 },
				{ status: 'wont_do', overdue: false, actions: 1 }
			]);
			// Tooling R1 + R3, training gap R2, not chosen yet R4.
			expect(m.root_causes).toEqual([
				{ root_cause: 'tooling', reviews: 2 },
				{ root_cause: 'training_gap', reviews: 1 },
				{ root_cause: null, reviews: 1 }
			]);
			// March: R1 (tools twice counts once, communication), R2 (knowledge, tools) -> tools 2,
			// communication 1, knowledge 1. April: R3 process 1; R4 names none.
			expect(m.factors).toEqual([
				{ month: '2026-03-01', category: 'tools', reviews: 2 },
				{ month: '2026-03-01', category: 'communication', reviews: 1 },
				{ month: '2026-03-01', category: 'knowledge', reviews: 1 },
				{ month: '2026-04-01', category: 'process', reviews: 1 }
			]);
		}));

	it('takes the average of the two middle values for an even count, and reads months in the time zone', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r1, r3 } = await buildReviews(db);
			// R1 2.5 days and R3 6 days -> (2.5 + 6) / 2 = 4.25. Actions A, B, C, D, F: done A,
			// won't do B -> 1 / (5 - 1) = 0.25; overdue C and F.
			const m = await reviewMetrics([r1, r3], { today: TODAY, timeZone: 'UTC' }, db);
			expect([m.median_days_to_publish, m.completion_rate, m.actions_overdue]).toEqual([4.25, 0.25, 2]);
			// Started Apr 1 02:00 UTC, R3 is an April review in UTC but a March one in Honolulu (UTC-10).
			await withConnection((conn) => query(conn, "UPDATE reviews SET created_at = '2026-04-01T02:00:00Z' WHERE id = $id", { id: r3 }), db);
			const month = (f: { month: string; category: string }) => `${f.month} ${f.category}`;
			const utc = await reviewMetrics([r1, r3], { today: TODAY, timeZone: 'UTC' }, db);
			expect(utc.factors.map(month)).toEqual(['2026-03-01 communication', '2026-03-01 tools', '2026-04-01 process']);
			const hnl = await reviewMetrics([r1, r3], { today: TODAY, timeZone: 'Pacific/Honolulu' }, db);
			expect(hnl.factors.map(month)).toEqual(['2026-03-01 communication', '2026-03-01 process', '2026-03-01 tools']);
		}));

	it('has no median or rate when nothing was published and no action counts', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r4 } = await buildReviews(db);
			const m = await reviewMetrics([r4], { today: TODAY }, db);
			expect([m.reviews, m.published, m.median_days_to_publish, m.actions, m.completion_rate, m.actions_overdue]).toEqual([1, 0, null, 0, null, 0]);
			expect(m.factors).toEqual([]);
			const none = await reviewMetrics([], { today: TODAY }, db);
			expect([none.reviews, none.median_days_to_publish, none.completion_rate]).toEqual([0, null, null]);
			expect(none.root_causes).toEqual([]);
		}));
});

describe('reviewsPage(url)', () => {
	it('measures exactly the reviews the filtered list shows, and counts all reviews for the empty state', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const { r1, r3 } = await buildReviews(db);
			const page = await reviewsPage(new URLSearchParams('category=billing'), { today: TODAY, timeZone: 'UTC' }, db);
			expect(ids(page.reviews)).toEqual([r3, r1]);
			expect(page.total).toBe(4);
			expect(page.categories).toEqual(['api', 'billing', 'login']);
			expect([page.metrics.reviews, page.metrics.median_days_to_publish]).toEqual([2, 4.25]);
			const none = await reviewsPage(new URLSearchParams('q=nothing+like+this'), { today: TODAY }, db);
			expect([none.reviews.length, none.total, none.metrics.reviews]).toEqual([0, 4, 0]);
		}));
});
