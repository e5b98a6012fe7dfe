// The reviews list and the leadership metrics behind /reviews: the URL's search and filters
// validated with zod, the matching reviews (queries/review_list.sql), and the metrics over
// exactly the reviews listed (queries/review_metrics*.sql). Reading and saving one review is
// reviews.ts's; this module only reads.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { describeIssues, filterValue, searchText } from '../params.ts';
import { withConnection } from './db.ts';
import { timeZone } from './kpis.ts';
import { runQuery } from './queries.ts';
import { REVIEW_STATUSES, ROOT_CAUSES, type ActionStatus, type FactorCategory, type RootCause } from '../reviews/schema.ts';

const rootCauseKeys = Object.keys(ROOT_CAUSES) as [RootCause, ...RootCause[]];

/** The list's URL parameters; an empty value (a select's "All") means no filter. */
export const ReviewListParams = z.object({
	/** Part of a title or a summary, any case: search text, so quotes are allowed (see params.ts). */
	q: searchText.optional(),
	status: z.enum(REVIEW_STATUSES).optional(),
	/** A category one of the review's tickets is in. */
	category: filterValue.optional(),
	root_cause: z.enum(rootCauseKeys).optional()
});
export type ReviewListFilters = z.output<typeof ReviewListParams>;
export const LIST_PARAM_KEYS = ['q', 'status', 'category', 'root_cause'] as const;

export class ReviewListParamsError extends Error {}

/** The list's filters from a URL; other parameters are ignored, a bad value is an error naming it. */
export function parseReviewListParams(search: URLSearchParams): ReviewListFilters {
	const input: Record<string, string> = {};
	for (const k of LIST_PARAM_KEYS) {
		const v = search.get(k)?.trim();
		if (v) input[k] = v;
	}
	const r = ReviewListParams.safeParse(input);
	if (!r.success) throw new ReviewListParamsError(describeIssues(r.error));
	return r.data;
}

export interface ReviewListRow {
	id: number;
	title: string;
	status: (typeof REVIEW_STATUSES)[number];
	root_cause: RootCause | null;
	categories: string[];
	tickets: number;
	created_at: string;
	published_at: string | null;
	signed_off_by: string | null;
	actions_total: number;
	actions_done: number;
	actions_wont_do: number;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** The reviews matching the filters, newest first. */
export async function listReviews(filters: ReviewListFilters, db?: string): Promise<ReviewListRow[]> {
	const rows = await withConnection(
		(conn) =>
			runQuery<Row>(conn, 'review_list', {
				q: filters.q ?? null,
				status: filters.status ?? null,
				category: filters.category ?? null,
				root_cause: filters.root_cause ?? null
			}),
		db
	);
	return rows.map((r) => ({
		id: Number(r.id),
		title: String(r.title),
		status: r.status as ReviewListRow['status'],
		root_cause: (r.root_cause as RootCause | null) ?? null,
		categories: ((r.categories as unknown[] | null) ?? []).map(String),
		tickets: Number(r.tickets),
		created_at: iso(r.created_at)!,
		published_at: iso(r.published_at),
		signed_off_by: (r.signed_off_by as string | null) ?? null,
		actions_total: Number(r.actions_total),
		actions_done: Number(r.actions_done),
		actions_wont_do: Number(r.actions_wont_do)
	}));
}

/** The categories some review's tickets are in, for the category filter. */
export async function reviewCategories(db?: string): Promise<string[]> {
	const rows = await withConnection((conn) => runQuery<{ category: string }>(conn, 'review_list_categories', {}), db);
	return rows.map((r) => String(r.category));
}

export interface OverdueAction {
	id: number;
	review_id: number;
	review_title: string;
	title: string;
	owner: string;
	status: ActionStatus;
	due_date: string;
}

export interface ReviewMetrics {
	/** The date "overdue" was judged on (today in HANDOFF_TZ unless given). */
	today: string;
	reviews: number;
	published: number;
	median_days_to_publish: number | null;
	actions: number;
	actions_done: number;
	actions_wont_do: number;
	actions_overdue: number;
	/** done / (all - won't do); null when nothing is left to count. */
	completion_rate: number | null;
	root_causes: { root_cause: RootCause | null; reviews: number }[];
	/** Reviews naming each factor category, per month of creation (YYYY-MM-01). */
	factors: { month: string; category: FactorCategory; reviews: number }[];
	/** Action items per status; open and in-progress ones split by whether they are overdue. */
	action_statuses: { status: ActionStatus; overdue: boolean; actions: number }[];
	overdue_actions: OverdueAction[];
}

export interface MetricsOptions {
	/** YYYY-MM-DD; defaults to today in HANDOFF_TZ. */
	today?: string;
	/** The zone months are read in; defaults to HANDOFF_TZ. */
	timeZone?: string;
}

const STATUS_ORDER: ActionStatus[] = ['done', 'in_progress', 'open', 'wont_do'];

/** Leadership's metrics over the reviews `ids` (the ones the list shows). */
export async function reviewMetrics(ids: number[], options: MetricsOptions = {}, db?: string): Promise<ReviewMetrics> {
	const tz = options.timeZone ?? timeZone();
	const today = options.today ?? DateTime.now().setZone(tz).toISODate()!;
	const params = { ids: JSON.stringify(ids), today, tz };
	return withConnection(async (conn) => {
		const [m] = await runQuery<Row>(conn, 'review_metrics', params);
		const causes = await runQuery<Row>(conn, 'review_metrics_root_causes', params);
		const factors = await runQuery<Row>(conn, 'review_metrics_factors', params);
		const actions = await runQuery<Row>(conn, 'review_metrics_actions', params);
		const counted = Number(m.actions) - Number(m.actions_wont_do);
		const statuses = new Map<string, { status: ActionStatus; overdue: boolean; actions: number }>();
		for (const a of actions) {
			const key = `${a.status}:${a.overdue}`;
			const s = statuses.get(key) ?? { status: a.status as ActionStatus, overdue: a.overdue === true, actions: 0 };
			s.actions++;
			statuses.set(key, s);
		}
		return {
			today,
			reviews: Number(m.reviews),
			published: Number(m.published),
			median_days_to_publish: m.median_days_to_publish === null ? null : Number(m.median_days_to_publish),
			actions: Number(m.actions),
			actions_done: Number(m.actions_done),
			actions_wont_do: Number(m.actions_wont_do),
			actions_overdue: Number(m.actions_overdue),
			completion_rate: counted > 0 ? Number(m.actions_done) / counted : null,
			root_causes: causes.map((c) => ({ root_cause: (c.root_cause as RootCause | null) ?? null, reviews: Number(c.reviews) })),
			factors: factors.map((f) => ({ month: String(f.month), category: f.category as FactorCategory, reviews: Number(f.reviews) })),
			action_statuses: [...statuses.values()].sort(
				(a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || Number(b.overdue) - Number(a.overdue)
			),
			overdue_actions: actions
				.filter((a) => a.overdue === true)
				.map((a) => ({
					id: Number(a.id),
					review_id: Number(a.review_id),
					review_title: String(a.review_title),
					title: String(a.title),
					owner: String(a.owner),
					status: a.status as ActionStatus,
					due_date: String(a.due_date)
				}))
		};
	}, db);
}

export interface ReviewsPage {
	filters: ReviewListFilters;
	reviews: ReviewListRow[];
	/** Reviews in the database at all, so the page can tell "none yet" from "none match". */
	total: number;
	categories: string[];
	metrics: ReviewMetrics;
}

/** Everything /reviews shows: the filtered list, the filter choices and the metrics of the list. */
export async function reviewsPage(search: URLSearchParams, options: MetricsOptions = {}, db?: string): Promise<ReviewsPage> {
	const filters = parseReviewListParams(search);
	const reviews = await listReviews(filters, db);
	const filtered = Object.keys(filters).length > 0;
	const total = filtered ? (await listReviews({}, db)).length : reviews.length;
	const categories = await reviewCategories(db);
	if (filters.category && !categories.includes(filters.category)) categories.push(filters.category);
	const metrics = await reviewMetrics(
		reviews.map((r) => r.id),
		options,
		db
	);
	return { filters, reviews, total, categories, metrics };
}
