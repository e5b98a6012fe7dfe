// What every trend chart shares: bucket dates as UTC midnights (the SQL already bucketed them
// in HANDOFF_TZ, so no further zone arithmetic happens in the browser), the time axis with
// fewer ticks on a phone, and how a week or month is named in tooltips and tables.
export type Grain = 'week' | 'month';

/** A YYYY-MM-DD bucket start as a Date for Plot's utc scale. */
export const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

const monthName = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayName = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** "week of Jul 6, 2026" or "Jul 2026". */
export function bucketLabel(iso: string, grain: Grain): string {
	return grain === 'month' ? monthName.format(asDate(iso)) : `week of ${dayName.format(asDate(iso))}`;
}

/** "May 25, 2026" or "May 2026": for a table whose column already says week or month. */
export function bucketShort(iso: string, grain: Grain): string {
	return grain === 'month' ? monthName.format(asDate(iso)) : dayName.format(asDate(iso));
}

/** Plot's x options for a time axis of weeks or months, legible from 390 px up. */
export function timeAxis(width: number, grain: Grain) {
	return {
		type: 'utc' as const,
		label: grain === 'month' ? 'Month' : 'ISO week (starting Monday)',
		ticks: width < 520 ? 4 : 8,
		tickFormat: grain === 'month' ? '%b %Y' : '%b %-d'
	};
}

/** Wider left margin only when the y ticks need it. */
export const narrow = (width: number) => width < 520;
