// The printable weekly report: one ISO week (in HANDOFF_TZ), its KPIs against the week
// before, "what moved", and the twelve weeks before it for the two charts. Everything comes
// from the KPI engine and what-moved.ts; this module only resolves the week.
import { DateTime } from 'luxon';
import { KpiParamsError, computeKpis, parseKpiParams, type KpiReport } from './kpis.ts';
import { lastCompleteWeek } from './overview.ts';
import { categoryMoves, whatMoved, type CategoryMove, type Moved } from './what-moved.ts';

export interface WeeklyReport {
	week: string;
	from: string;
	to: string;
	previousWeek: string;
	nextWeek: string | null;
	kpis: KpiReport;
	moved: Moved[];
	categories: CategoryMove[];
}

const label = (d: DateTime) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;

/** "2026-W47" → its Monday and the next Monday, as dates; a clear error for anything else. */
export function parseWeek(week: string): { from: string; to: string } {
	const m = /^(\d{4})-W(\d{2})$/.exec(week);
	if (!m) throw new KpiParamsError(`week must be an ISO week as YYYY-Www, e.g. 2026-W47 (got "${week}")`);
	const monday = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone: 'UTC' });
	if (!monday.isValid || label(monday) !== week) throw new KpiParamsError(`week ${week} does not exist: ${m[1]} has ${DateTime.fromObject({ year: Number(m[1]) }).weeksInWeekYear} ISO weeks`);
	return { from: monday.toISODate()!, to: monday.plus({ weeks: 1 }).toISODate()! };
}

export const weekOf = (isoDate: string) => label(DateTime.fromISO(isoDate, { zone: 'UTC' }));

/** The report for `week` (default: the last complete week of the data), with the filters in `search`. */
export async function weeklyReport(search: URLSearchParams): Promise<WeeklyReport | null> {
	const { week: asked, ...rest } = Object.fromEntries(search);
	let period: { from: string; to: string };
	if (asked) period = parseWeek(asked);
	else {
		const last = await lastCompleteWeek();
		if (!last) return null;
		period = last;
	}
	const filters = parseKpiParams({ ...rest, ...period, weeks: '12' });
	const kpis = await computeKpis(filters);
	const { moves, spikes } = await categoryMoves(filters);
	const last = await lastCompleteWeek();
	const monday = DateTime.fromISO(period.from, { zone: 'UTC' });
	const next = monday.plus({ weeks: 1 });
	return {
		week: label(monday),
		...period,
		previousWeek: label(monday.minus({ weeks: 1 })),
		nextWeek: last && next.toISODate()! <= last.from ? label(next) : null,
		kpis,
		moved: whatMoved(kpis, moves, spikes),
		categories: moves
	};
}
