// Timestamp parsing for imports: the SPEC's accepted forms, to epoch microseconds (UTC).
// Zone rules come from luxon's IANAZone; the local-to-UTC step is ours because SPEC.md
// wants the *first* occurrence of an ambiguous DST time (luxon picks the later one),
// and because a cache of offsets keeps millions of naive timestamps fast.
import { IANAZone } from 'luxon';

const TIMESTAMP =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

function daysIn(year: number, month: number): number {
	if (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 29;
	return DAYS_IN_MONTH[month - 1];
}

export class TimeZoneRules {
	readonly name: string;
	private readonly zone: IANAZone | null;
	// Offsets only change on quarter hours in every zone with modern rules.
	private readonly cache = new Map<number, number>();

	constructor(name: string) {
		if (!IANAZone.isValidZone(name)) throw new Error(`unknown time zone "${name}" (use an IANA name such as Europe/Berlin)`);
		this.name = name;
		this.zone = /^(UTC|Etc\/UTC|GMT|Etc\/GMT|Zulu|Universal)$/i.test(name) ? null : IANAZone.create(name);
	}

	/** Naive times are read as UTC. */
	get isUtc(): boolean {
		return this.zone === null;
	}

	/** Offset from UTC in minutes at a UTC instant (ms). */
	offsetAt(utcMs: number): number {
		if (!this.zone) return 0;
		const bucket = Math.floor(utcMs / QUARTER_HOUR_MS);
		let o = this.cache.get(bucket);
		if (o === undefined) {
			o = this.zone.offset(bucket * QUARTER_HOUR_MS);
			if (this.cache.size > 200_000) this.cache.clear();
			this.cache.set(bucket, o);
		}
		return o;
	}

	/**
	 * The UTC instant (ms) of a wall-clock time given as if it were UTC. Ambiguous times take
	 * the first occurrence; times skipped by a DST jump move forward by the jump, as luxon does.
	 */
	localToUtc(wallMs: number): number {
		if (!this.zone) return wallMs;
		const before = this.offsetAt(wallMs - DAY_MS);
		const after = this.offsetAt(wallMs + DAY_MS);
		let best: number | undefined;
		for (const o of before === after ? [before] : [before, after]) {
			const instant = wallMs - o * 60_000;
			if (this.offsetAt(instant) === o && (best === undefined || instant < best)) best = instant;
		}
		return best ?? wallMs - before * 60_000;
	}
}

/**
 * Parses a timestamp to epoch microseconds, or returns undefined when the text is not one of
 * `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH:MM|±HHMM]` or names an impossible date.
 * Naive values (and a date alone, at midnight) are read in `zone`.
 */
export function parseTimestamp(text: string, zone: TimeZoneRules): number | undefined {
	const fast = parseCommonTimestamp(text);
	if (fast !== undefined) return fast;
	const m = TIMESTAMP.exec(text.trim());
	if (!m) return undefined;
	const year = +m[1];
	const month = +m[2];
	const day = +m[3];
	const hour = m[4] === undefined ? 0 : +m[4];
	const minute = m[5] === undefined ? 0 : +m[5];
	const second = m[6] === undefined ? 0 : +m[6];
	if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	const fraction = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1e6 + 1e-6);
	// Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not.
	const wallMs =
		year >= 100
			? Date.UTC(year, month - 1, day, hour, minute, second)
			: new Date(Date.UTC(2000, month - 1, day, hour, minute, second)).setUTCFullYear(year);
	let utcMs: number;
	const tz = m[8];
	if (tz === undefined) {
		utcMs = zone.localToUtc(wallMs);
	} else if (tz === 'Z' || tz === 'z') {
		utcMs = wallMs;
	} else {
		const sign = tz[0] === '-' ? -1 : 1;
		const digits = tz.slice(1).replace(':', '');
		const oh = +digits.slice(0, 2);
		const om = +digits.slice(2);
		if (oh > 18 || om > 59) return undefined;
		utcMs = wallMs - sign * (oh * 60 + om) * 60_000;
	}
	return utcMs * 1000 + fraction;
}

const ZERO = 48;

function digits(s: string, at: number, n: number): number {
	let v = 0;
	for (let i = at; i < at + n; i++) {
		const d = s.charCodeAt(i) - ZERO;
		if (d < 0 || d > 9) return -1;
		v = v * 10 + d;
	}
	return v;
}

/**
 * The form almost every export uses, `YYYY-MM-DDTHH:MM:SSZ` (or a space for T), read without
 * a regular expression: imports parse millions of these. Anything else returns undefined and
 * takes the general path.
 */
function parseCommonTimestamp(s: string): number | undefined {
	if (s.length !== 20 || s.charCodeAt(19) !== 90 /* Z */) return undefined;
	const sep = s.charCodeAt(10);
	if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
		return undefined;
	}
	const year = digits(s, 0, 4);
	const month = digits(s, 5, 2);
	const day = digits(s, 8, 2);
	const hour = digits(s, 11, 2);
	const minute = digits(s, 14, 2);
	const second = digits(s, 17, 2);
	if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
	return Date.UTC(year, month - 1, day, hour, minute, second) * 1000;
}

/** Formats epoch microseconds as an ISO instant in UTC (for messages and tests). */
export function formatMicros(micros: number): string {
	return new Date(Math.floor(micros / 1000)).toISOString();
}
