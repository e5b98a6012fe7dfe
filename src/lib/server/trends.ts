// The Trends page: escalations by category, trigger and kind over weeks or months
// (queries/trends_escalations.sql), category spikes (queries/category_spikes.sql, SPEC.md's
// rule), and the KPI engine's weekly series for the escalation rate, MTTR by tier and CSAT.
// This module binds the period and filters and reshapes; it computes no KPI of its own.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { describeIssues } from '../params.ts';
import { withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { bounds, computeWeekly, KpiParamsError, num, parseKpiParams, scopeParams, timeZone, type KpiFilters } from './kpis.ts';
import { lastCompleteWeek } from './overview.ts';
import { runQuery, runScript } from './queries.ts';

/** The default period: this many ISO weeks, ending with the last complete week of the data. */
export const DEFAULT_WEEKS = 26;
/** The rolling average of the escalation rate spans this many ISO weeks. */
export const ROLLING_WEEKS = 4;
/** The KPI engine's weekly series is at most 104 weeks long; the period may not need more. */
const MAX_WEEKS = 104;

/** The page's own toggles, beside the period and filters parseKpiParams checks. */
export const TrendToggles = z
	.object({
		grain: z.enum(['week', 'month']).default('week'),
		share: z
			.enum(['0', '1'])
			.default('0')
			.transform((v) => v === '1')
	})
	.strict();

export type Grain = 'week' | 'month';
export type Dimension = 'category' | 'trigger' | 'kind';

export interface TrendQuery {
	filters: KpiFilters;
	grain: Grain;
	share: boolean;
}

export interface BucketCount {
	key: string;
	/** First day of the ISO week or month (local to HANDOFF_TZ), YYYY-MM-DD. */
	bucket: string;
	/** First day of the next bucket (excluded). */
	bucket_end: string;
	/** The bucket reaches outside the period: only its days inside the period are counted. */
	partial: boolean;
	events: number;
	/** All escalations in the bucket (the same for every key of a dimension). */
	bucket_total: number;
	/** events / bucket_total; null when the bucket has none. */
	share: number | null;
}

export interface RatePoint {
	week: string;
	week_start: string;
	tickets_created: number;
	escalated_tickets: number;
	escalation_rate: number | null;
	/** The escalation rate of the ROLLING_WEEKS weeks ending with this one (escalated / created over them). */
	rolling_rate: number | null;
}

export interface TierPoint {
	week: string;
	week_start: string;
	tier: number;
	median: number;
	count: number;
}

export interface CsatPoint {
	week: string;
	week_start: string;
	group: 'escalated' | 'not escalated';
	satisfied_rate: number | null;
	rated: number;
}

export interface TrendSpike {
	category: string;
	week_start: string;
	/** The Monday after (excluded). */
	week_end: string;
	escalations: number;
	baseline: number;
	ratio: number | null;
}

export interface TrendsReport {
	period: { from: string; to: string; time_zone: string };
	filters: Omit<KpiFilters, 'from' | 'to' | 'weeks'>;
	grain: Grain;
	share: boolean;
	/** Escalation events by the bucket they occurred in, per dimension, zero-filled. */
	escalations: Record<Dimension, BucketCount[]>;
	spikes: TrendSpike[];
	rate: {
		/** The `weeks` given to the KPI engine: the period's weeks plus the rolling window's run-up. */
		kpi_weeks: number;
		series: RatePoint[];
	};
	mttr: TierPoint[];
	csat: CsatPoint[];
}

/** Reads the page's URL parameters; without a period, the 26 weeks up to the last complete one. Null when no data is loaded. */
export async function parseTrendParams(input: Record<string, string | undefined>): Promise<TrendQuery | null> {
	const { grain, share, weeks, ...rest } = input;
	if (weeks !== undefined) throw new KpiParamsError('unknown parameter weeks (the trends follow the period)');
	const toggles = TrendToggles.safeParse(Object.fromEntries(Object.entries({ grain, share }).filter(([, v]) => v !== undefined && v !== '')));
	if (!toggles.success) throw new KpiParamsError(describeIssues(toggles.error));
	let { from, to } = rest;
	if (!from || !to) {
		const last = await lastCompleteWeek();
		if (!last) return null;
		to ||= last.to;
		from ||= DateTime.fromISO(to).minus({ weeks: DEFAULT_WEEKS }).toISODate()!;
	}
	const filters = parseKpiParams({ ...rest, from, to });
	if (periodWeeks(filters.from, filters.to).length > MAX_WEEKS) {
		throw new KpiParamsError(`the period spans more than ${MAX_WEEKS} ISO weeks; choose a shorter one`);
	}
	return { filters, grain: toggles.data.grain, share: toggles.data.share };
}

/** The Mondays of the ISO weeks that hold a day of [from, to). */
function periodWeeks(from: string, to: string): string[] {
	const out: string[] = [];
	const last = DateTime.fromISO(to).minus({ days: 1 }).startOf('week');
	for (let w = DateTime.fromISO(from).startOf('week'); w <= last; w = w.plus({ weeks: 1 })) out.push(w.toISODate()!);
	return out;
}

const dateKey = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));
type Row = Record<string, unknown>;

export async function computeTrends({ filters, grain, share }: TrendQuery, db?: string): Promise<TrendsReport> {
	const zone = timeZone();
	const weeks = periodWeeks(filters.from, filters.to);
	// The run-up weeks before the period give its first weeks a full rolling window.
	const kpiWeeks = Math.min(weeks.length + ROLLING_WEEKS - 1, MAX_WEEKS);
	// The KPI engine's series and the escalation counts are independent: run them side by side.
	const [kpis, { rows, spikes }] = await Promise.all([
		computeWeekly({ ...filters, weeks: kpiWeeks }, db),
		withConnection(async (conn) => {
			await ensureFacts(conn);
			await runScript(conn, 'ticket_scope');
			const params = { ...scopeParams(filters), ...bounds(filters.from, filters.to, zone), from_day: filters.from, to_day: filters.to };
			return {
				rows: await runQuery<Row>(conn, 'trends_escalations', { ...params, grain, tz: zone }),
				spikes: await runQuery<Row>(conn, 'category_spikes', params)
			};
		}, db)
	]);

	const byDimension = (d: Dimension): BucketCount[] =>
		rows
			.filter((r) => r.dimension === d)
			.map((r) => ({
				key: String(r.key),
				bucket: dateKey(r.bucket),
				bucket_end: dateKey(r.bucket_end),
				partial: r.partial === true,
				events: Number(r.events),
				bucket_total: Number(r.bucket_total),
				share: num(r.share)
			}));

	const inPeriod = new Set(weeks);
	const series = kpis.weekly;
	const rate: RatePoint[] = [];
	series.forEach((w, i) => {
		if (!inPeriod.has(w.week_start)) return;
		const window = i + 1 >= ROLLING_WEEKS ? series.slice(i + 1 - ROLLING_WEEKS, i + 1) : null;
		const created = window?.reduce((s, x) => s + x.tickets_created, 0) ?? 0;
		const escalated = window?.reduce((s, x) => s + x.escalated_tickets, 0) ?? 0;
		rate.push({
			week: w.week,
			week_start: w.week_start,
			tickets_created: w.tickets_created,
			escalated_tickets: w.escalated_tickets,
			escalation_rate: w.escalation_rate,
			rolling_rate: window && created > 0 ? escalated / created : null
		});
	});
	const shown = series.filter((w) => inPeriod.has(w.week_start));
	const mttr: TierPoint[] = shown.flatMap((w) =>
		Object.entries(w.mttr_hours_by_tier).map(([tier, s]) => ({ week: w.week, week_start: w.week_start, tier: Number(tier), median: s.median, count: s.count }))
	);
	const csat: CsatPoint[] = shown.flatMap((w) => [
		{ week: w.week, week_start: w.week_start, group: 'escalated' as const, satisfied_rate: w.csat.escalated.satisfied_rate, rated: w.csat.escalated.rated },
		{ week: w.week, week_start: w.week_start, group: 'not escalated' as const, satisfied_rate: w.csat.not_escalated.satisfied_rate, rated: w.csat.not_escalated.rated }
	]);

	return {
		period: { from: filters.from, to: filters.to, time_zone: zone },
		filters: kpis.filters,
		grain,
		share,
		escalations: { category: byDimension('category'), trigger: byDimension('trigger'), kind: byDimension('kind') },
		spikes: spikes.map((r) => {
			const start = dateKey(r.week);
			return {
				category: String(r.category),
				week_start: start,
				week_end: DateTime.fromISO(start).plus({ weeks: 1 }).toISODate()!,
				escalations: Number(r.escalations),
				baseline: Number(r.baseline),
				ratio: num(r.ratio)
			};
		}),
		rate: { kpi_weeks: kpiWeeks, series: rate },
		mttr,
		csat
	};
}

/** The page and /api/trends: the URL's parameters in, the report (or null without data) out. */
export async function trendsFromUrl(search: URLSearchParams, db?: string): Promise<TrendsReport | null> {
	const q = await parseTrendParams(Object.fromEntries(search));
	return q ? computeTrends(q, db) : null;
}
