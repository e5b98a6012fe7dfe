// The overview's period: the one the URL names, or by default the last complete ISO week in
// the data (in HANDOFF_TZ); and the KPIs for it from the KPI engine, shared by identical requests (cache.ts).
import { DateTime } from 'luxon';
import { query, withConnection } from './db.ts';
import { readThrough } from './cache.ts';
import { cachedKpis, parseKpiParams, timeZone, type KpiReport } from './kpis.ts';
import { categoryMoves, whatMoved, type Moved } from './what-moved.ts';
import { actionCounts, type ActionCounts } from './actions.ts';

export interface OverviewPeriod {
	from: string;
	to: string;
	/** The last complete ISO week of the data, for the quick picks. */
	lastWeek: { from: string; to: string } | null;
}

/**
 * A week counts as complete once the data reaches its Sunday: exports are taken on Monday
 * mornings, and a week whose last day is missing would understate every count.
 */
export async function lastCompleteWeek(): Promise<{ from: string; to: string } | null> {
	const [row] = await withConnection((conn) => query<{ as_of: Date | null }>(conn, 'SELECT as_of FROM data_as_of'));
	if (!row?.as_of) return null;
	const asOf = DateTime.fromJSDate(row.as_of, { zone: timeZone() });
	const monday = asOf.startOf('week');
	const end = asOf.weekday === 7 ? monday.plus({ weeks: 1 }) : monday;
	return { from: end.minus({ weeks: 1 }).toISODate()!, to: end.toISODate()! };
}

export interface Overview {
	period: OverviewPeriod;
	kpis: KpiReport | null;
	moved: Moved[];
	/** Review action items still to do, due soon and overdue. */
	actions: ActionCounts;
}

export async function overview(search: URLSearchParams): Promise<Overview> {
	const lastWeek = await lastCompleteWeek();
	const params = Object.fromEntries(search);
	const from = params.from || lastWeek?.from;
	const to = params.to || lastWeek?.to;
	const actions = await actionCounts();
	if (!from || !to) return { period: { from: '', to: '', lastWeek }, kpis: null, moved: [], actions };
	const filters = parseKpiParams({ ...params, from, to, weeks: '12' });
	const kpis = await cachedKpis(filters);
	const { moves, spikes } = await readThrough('category-moves', filters, () => categoryMoves(filters));
	return { period: { from, to, lastWeek }, kpis, moved: whatMoved(kpis, moves, spikes), actions };
}
