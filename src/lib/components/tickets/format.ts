// Compact formats for the ticket list and detail (the shared ones in $lib/format are for prose):
// UTC like every page, and durations in the unit a support lead reads them in.

const short = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
const withYear = new Intl.DateTimeFormat('en-US', {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23',
	timeZone: 'UTC'
});

/** "Nov 16, 10:04" (UTC). */
export const shortDateTime = (iso: string | null | undefined) => (iso ? short.format(new Date(iso)) : '–');
/** "Nov 16, 2026, 10:04 UTC". */
export const fullDateTime = (iso: string | Date | null | undefined) => (iso ? `${withYear.format(new Date(iso))} UTC` : '–');

/** "45 min", "3.5 h", "2.1 d": minutes under an hour, hours under two days, then days. */
export function duration(hours: number | null | undefined): string {
	if (hours === null || hours === undefined || !Number.isFinite(hours)) return '–';
	if (hours < 1) return `${Math.round(hours * 60)} min`;
	if (hours < 48) return `${hours < 10 ? hours.toFixed(1) : hours.toFixed(0)} h`;
	return `${(hours / 24).toFixed(1)} d`;
}

/** The current URL with some parameters set (or removed, for null), as a relative link. */
export function withParams(url: URL, changes: Record<string, string | number | boolean | null | undefined>): string {
	const q = new URLSearchParams(url.searchParams);
	for (const [k, v] of Object.entries(changes)) {
		if (v === null || v === undefined || v === '') q.delete(k);
		else q.set(k, String(v));
	}
	const s = q.toString();
	return s ? `${url.pathname}?${s}` : url.pathname;
}

export const words = (s: string | null | undefined) => (s ? s.replace(/_/g, ' ') : '–');

/** An SLA target as configured: "30 min", "4 h", "72 h" (targets are set in hours, so no days). */
export function target(hours: number | null | undefined): string {
	if (hours === null || hours === undefined) return '–';
	return hours < 1 ? `${Math.round(hours * 60)} min` : `${Number(hours.toFixed(2))} h`;
}
