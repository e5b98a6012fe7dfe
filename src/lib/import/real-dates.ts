// Dates as helpdesks really export them, turned into the canonical format's ISO text:
// "29/2/2016 01:16" (ServiceNow, day first, unpadded), "25/Feb/26 10:17 PM" (Jira), "2/25/2026
// 22:17" (month first), "2026-02-25 22:17:33", or ISO with an offset. Times without an offset
// stay naive ("2026-02-25T22:17:00"): the import reads those in the account's time zone.
// "?", "-" and blanks are missing values. Day-first vs month-first is decided per column from
// its values (detectDateOrder); when every value fits both, the caller must ask the user.

const MISSING = new Set(['', '?', '-', '—', 'n/a', 'N/A', 'null', 'NULL']);
export const isMissing = (v: string | undefined | null) => v === undefined || v === null || MISSING.has(v.trim());

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

export type DateOrder = 'dmy' | 'mdy';

// d/m/y or m/d/y with / . or - between, a 2- or 4-digit year, then an optional time.
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
// 25/Feb/26 10:17 PM, 25-Feb-2026 22:17
const NAMED = /^(\d{1,2})[/ .-]([A-Za-z]{3})[A-Za-z]*[/ .-](\d{2}|\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
// 2026-02-25 22:17(:33), also with T; an offset or Z means the instant is already absolute.
const YMD = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

const pad = (n: number) => String(n).padStart(2, '0');

function build(y: number, m: number, d: number, hh: number, mm: number, ss: number, ampm?: string, offset?: string): string | null {
	if (ampm) {
		if (hh < 1 || hh > 12) return null;
		const pm = ampm.toLowerCase() === 'pm';
		hh = (hh % 12) + (pm ? 12 : 0);
	}
	if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 59) return null;
	const probe = new Date(Date.UTC(y, m - 1, d));
	if (probe.getUTCMonth() !== m - 1) return null; // 31/4, 29/2 in a common year
	const tz = offset ? (offset === 'Z' ? 'Z' : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`) : '';
	return `${y}-${pad(m)}-${pad(d)}T${pad(hh)}:${pad(mm)}:${pad(ss)}${tz}`;
}

const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

/**
 * The canonical text of an exported date, or null when it cannot be read (the caller rejects
 * the row, naming the field). Missing values are '' (check isMissing first to tell them apart).
 */
export function parseExportDate(value: string, order: DateOrder = 'dmy'): string | null {
	const v = value.trim();
	if (isMissing(v)) return '';
	let m = YMD.exec(v);
	if (m) return build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), undefined, m[7]);
	m = NAMED.exec(v);
	if (m) {
		const month = MONTHS[m[2].toLowerCase()];
		if (!month) return null;
		return build(fullYear(m[3]), month, +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
	}
	m = NUMERIC.exec(v);
	if (m) {
		const [a, b] = [+m[1], +m[2]];
		const [day, month] = order === 'dmy' ? [a, b] : [b, a];
		return build(fullYear(m[3]), month, day, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
	}
	return null;
}

/**
 * Day-first or month-first for a column of numeric dates: a first number over 12 means day
 * first, a second one over 12 month first; null when every value fits both (ask the user), or
 * when they contradict each other (then no order reads them all).
 */
export function detectDateOrder(values: Iterable<string>): DateOrder | null {
	let dayFirst = false;
	let monthFirst = false;
	for (const raw of values) {
		const m = NUMERIC.exec(raw.trim());
		if (!m) continue;
		if (+m[1] > 12) dayFirst = true;
		if (+m[2] > 12) monthFirst = true;
	}
	if (dayFirst && !monthFirst) return 'dmy';
	if (monthFirst && !dayFirst) return 'mdy';
	return null;
}

/** True when some value is numeric d/m vs m/d (so the order matters). */
export function needsDateOrder(values: Iterable<string>): boolean {
	for (const raw of values) if (NUMERIC.test(raw.trim())) return true;
	return false;
}
