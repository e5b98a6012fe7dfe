import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { parseTimestamp, TimeZoneRules } from '../src/lib/import/timestamps.ts';

// Every expected value is written as Date.UTC(...) (milliseconds) * 1000 = epoch microseconds,
// with the wall-clock arithmetic in a comment. Months in Date.UTC are 0-based (2 = March).
const us = (ms: number) => ms * 1000;

const UTC = new TimeZoneRules('UTC');
const BERLIN = new TimeZoneRules('Europe/Berlin');
const NEW_YORK = new TimeZoneRules('America/New_York');

describe('parseTimestamp: explicit offsets', () => {
	it('reads Z as UTC', () => {
		// 10:15:00Z is 10:15:00 UTC
		expect(parseTimestamp('2026-03-02T10:15:00Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)));
	});

	it('reads +01:00 by subtracting one hour', () => {
		// 10:15 at +01:00 = 10:15 - 1h = 09:15Z
		expect(parseTimestamp('2026-03-02T10:15:00+01:00', UTC)).toBe(us(Date.UTC(2026, 2, 2, 9, 15, 0)));
	});

	it('reads +0100 (no colon) the same as +01:00', () => {
		// 10:15 at +0100 = 09:15Z
		expect(parseTimestamp('2026-03-02T10:15:00+0100', UTC)).toBe(us(Date.UTC(2026, 2, 2, 9, 15, 0)));
	});

	it('reads -05:30 by adding five and a half hours', () => {
		// 10:15 at -05:30 = 10:15 + 5:30 = 15:45Z
		expect(parseTimestamp('2026-03-02T10:15:00-05:30', UTC)).toBe(us(Date.UTC(2026, 2, 2, 15, 45, 0)));
	});

	it('crosses the date line when the offset moves the instant to another day', () => {
		// 2026-03-02 00:30 at +01:00 = 2026-03-01 23:30Z
		expect(parseTimestamp('2026-03-02T00:30+01:00', UTC)).toBe(us(Date.UTC(2026, 2, 1, 23, 30)));
		// 2026-03-01 22:00 at -05:00 = 2026-03-02 03:00Z
		expect(parseTimestamp('2026-03-01T22:00-05:00', UTC)).toBe(us(Date.UTC(2026, 2, 2, 3, 0)));
	});

	it('ignores the configured zone when the value has an offset', () => {
		// 10:15Z is 10:15Z whatever HANDOFF_TZ says
		const expected = us(Date.UTC(2026, 2, 2, 10, 15));
		expect(parseTimestamp('2026-03-02T10:15Z', BERLIN)).toBe(expected);
		expect(parseTimestamp('2026-03-02T10:15Z', NEW_YORK)).toBe(expected);
		// 10:15+01:00 = 09:15Z, also in New York
		expect(parseTimestamp('2026-03-02T10:15+01:00', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 2, 9, 15)));
	});

	it('accepts a space instead of T and leaves seconds optional', () => {
		// 10:15 (seconds omitted) Z = 10:15:00Z
		expect(parseTimestamp('2026-03-02 10:15Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)));
		expect(parseTimestamp('2026-03-02 10:15:07', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 7)));
	});
});

describe('parseTimestamp: naive values are local time in the configured zone', () => {
	it('reads a naive value as UTC when the zone is UTC', () => {
		// 10:15 UTC = 10:15Z
		expect(parseTimestamp('2026-03-02T10:15:00', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15)));
	});

	it('reads a naive winter value in Europe/Berlin at CET (+01:00)', () => {
		// 2026-03-02 10:15 CET = 10:15 - 1h = 09:15Z
		expect(parseTimestamp('2026-03-02T10:15:00', BERLIN)).toBe(us(Date.UTC(2026, 2, 2, 9, 15)));
	});

	it('reads a naive summer value in Europe/Berlin at CEST (+02:00)', () => {
		// 2026-07-15 12:00 CEST = 12:00 - 2h = 10:00Z
		expect(parseTimestamp('2026-07-15 12:00', BERLIN)).toBe(us(Date.UTC(2026, 6, 15, 10, 0)));
	});

	it('reads a naive winter value in America/New_York at EST (-05:00)', () => {
		// 2026-03-02 10:15 EST = 10:15 + 5h = 15:15Z
		expect(parseTimestamp('2026-03-02T10:15:00', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 2, 15, 15)));
	});

	it('reads a naive summer value in America/New_York at EDT (-04:00)', () => {
		// 2026-07-15 12:00 EDT = 12:00 + 4h = 16:00Z
		expect(parseTimestamp('2026-07-15T12:00', NEW_YORK)).toBe(us(Date.UTC(2026, 6, 15, 16, 0)));
	});

	it('reads a date alone as local midnight', () => {
		// 2026-03-02 00:00 UTC
		expect(parseTimestamp('2026-03-02', UTC)).toBe(us(Date.UTC(2026, 2, 2, 0, 0)));
		// 2026-03-02 00:00 CET = 2026-03-01 23:00Z
		expect(parseTimestamp('2026-03-02', BERLIN)).toBe(us(Date.UTC(2026, 2, 1, 23, 0)));
		// 2026-03-02 00:00 EST = 05:00Z
		expect(parseTimestamp('2026-03-02', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 2, 5, 0)));
		// 2026-07-15 00:00 CEST = 2026-07-14 22:00Z
		expect(parseTimestamp('2026-07-15', BERLIN)).toBe(us(Date.UTC(2026, 6, 14, 22, 0)));
	});

	it('keeps a naive time just before local midnight on its local day, not the UTC one', () => {
		// 2026-03-01 23:30 CET = 23:30 - 1h = 2026-03-01 22:30Z
		expect(parseTimestamp('2026-03-01 23:30', BERLIN)).toBe(us(Date.UTC(2026, 2, 1, 22, 30)));
		// while 2026-03-02 00:30 at +01:00 = 2026-03-01 23:30Z (still 1 March in UTC)
		expect(parseTimestamp('2026-03-02T00:30+01:00', BERLIN)).toBe(us(Date.UTC(2026, 2, 1, 23, 30)));
		// and 2026-03-02 00:30 naive in Berlin is the same instant
		expect(parseTimestamp('2026-03-02T00:30', BERLIN)).toBe(us(Date.UTC(2026, 2, 1, 23, 30)));
	});

	it('agrees with luxon on naive values that are not near a DST change', () => {
		const cases: [string, TimeZoneRules][] = [
			['2026-03-02T10:15:00', BERLIN],
			['2026-07-15T12:00', BERLIN],
			['2026-03-02T10:15:00', NEW_YORK],
			['2026-07-15T12:00', NEW_YORK],
			['2026-12-31T23:59:59', NEW_YORK],
			['2024-02-29T08:00', BERLIN]
		];
		for (const [text, zone] of cases) {
			const luxon = DateTime.fromISO(text, { zone: zone.name }).toMillis() * 1000;
			expect(parseTimestamp(text, zone), `${text} in ${zone.name}`).toBe(luxon);
		}
	});
});

describe('parseTimestamp: fractions of a second', () => {
	it('adds a fraction as microseconds', () => {
		// .5 s = 500000 us
		expect(parseTimestamp('2026-03-02T10:15:00.5Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)) + 500_000);
		// .123456 s = 123456 us
		expect(parseTimestamp('2026-03-02T10:15:00.123456Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)) + 123_456);
		// .000001 s = 1 us
		expect(parseTimestamp('2026-03-02T10:15:00.000001Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)) + 1);
	});

	it('truncates digits below a microsecond', () => {
		// .1234567 s = 123456.7 us -> 123456
		expect(parseTimestamp('2026-03-02T10:15:00.1234567Z', UTC)).toBe(us(Date.UTC(2026, 2, 2, 10, 15, 0)) + 123_456);
	});

	it('combines a fraction with an offset and with a naive zone', () => {
		// 10:15:00.25 at +01:00 = 09:15:00Z + 250000 us
		expect(parseTimestamp('2026-03-02T10:15:00.25+01:00', UTC)).toBe(us(Date.UTC(2026, 2, 2, 9, 15, 0)) + 250_000);
		// 10:15:00.75 naive in New York (EST) = 15:15:00Z + 750000 us
		expect(parseTimestamp('2026-03-02 10:15:00.75', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 2, 15, 15, 0)) + 750_000);
	});
});

describe('parseTimestamp: rejected forms', () => {
	const rejected = [
		['2026-02-30', 'a day that does not exist'],
		['2026-02-29', '29 February in a non-leap year'],
		['2026-04-31T10:00Z', '31 April'],
		['2026-13-01', 'month 13'],
		['2026-00-10', 'month 0'],
		['2026-03-00', 'day 0'],
		['2026-03-02T24:00', 'hour 24'],
		['2026-03-02T10:60', 'minute 60'],
		['2026-03-02T10:15:60Z', 'second 60'],
		['03/02/2026', 'a US-style date'],
		['02.03.2026', 'a German-style date'],
		['2026-03-02T10', 'an hour without minutes'],
		['2026-3-2', 'single-digit month and day'],
		['', 'empty'],
		['   ', 'only spaces'],
		['2026-03-02T10:15:00Zjunk', 'trailing junk after Z'],
		['2026-03-02 10:15 UTC', 'a zone name instead of an offset'],
		['2026-03-02x', 'trailing junk after a date'],
		['2026-03-02T10:15:00+25:00', 'offset +25:00'],
		['2026-03-02T10:15:00+01:75', 'offset minutes 75'],
		['2026-03-02T10:15:00+01', 'offset without minutes'],
		['2026-03-02T10:15.5Z', 'a fraction without seconds'],
		['1772446500', 'epoch seconds']
	] as const;
	for (const [text, why] of rejected) {
		it(`rejects ${JSON.stringify(text)} (${why})`, () => {
			expect(parseTimestamp(text, UTC)).toBeUndefined();
			expect(parseTimestamp(text, BERLIN)).toBeUndefined();
		});
	}

	it('accepts 29 February in a leap year (the date check is not a fixed table)', () => {
		// 2024-02-29 00:00 UTC
		expect(parseTimestamp('2024-02-29', UTC)).toBe(us(Date.UTC(2024, 1, 29)));
	});
});

describe('parseTimestamp: daylight saving time', () => {
	it('takes the first occurrence (EDT) of an ambiguous New York time in the autumn', () => {
		// 2026-11-01: clocks fall back at 02:00 EDT (06:00Z) to 01:00 EST, so 01:30 happens twice:
		// first at 01:30 EDT = 01:30 + 4h = 05:30Z, then at 01:30 EST = 06:30Z. SPEC.md: the first.
		expect(parseTimestamp('2026-11-01T01:30', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 1, 5, 30)));
		// luxon picks the later one (06:30Z), which is why the parser does its own step
		expect(DateTime.fromISO('2026-11-01T01:30', { zone: 'America/New_York' }).toMillis() * 1000).toBe(
			us(Date.UTC(2026, 10, 1, 6, 30))
		);
	});

	it('reads the times around the autumn change in New York at the right offset', () => {
		// 00:59 EDT = 04:59Z (before the repeated hour)
		expect(parseTimestamp('2026-11-01T00:59', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 1, 4, 59)));
		// 01:00 is ambiguous too: first occurrence 01:00 EDT = 05:00Z
		expect(parseTimestamp('2026-11-01T01:00', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 1, 5, 0)));
		// 01:59 EDT = 05:59Z
		expect(parseTimestamp('2026-11-01T01:59', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 1, 5, 59)));
		// 02:00 exists once, in EST: 02:00 + 5h = 07:00Z
		expect(parseTimestamp('2026-11-01T02:00', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 1, 7, 0)));
	});

	it('takes the first occurrence (CEST) of an ambiguous Berlin time in the autumn', () => {
		// 2026-10-25: 03:00 CEST (01:00Z) falls back to 02:00 CET, so 02:30 is first 02:30 CEST = 00:30Z
		expect(parseTimestamp('2026-10-25 02:30', BERLIN)).toBe(us(Date.UTC(2026, 9, 25, 0, 30)));
	});

	it('moves a New York time skipped in the spring forward by the jump, like luxon', () => {
		// 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist; read at the earlier
		// offset (EST): 02:30 + 5h = 07:30Z, which is 03:30 EDT
		expect(parseTimestamp('2026-03-08T02:30', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 8, 7, 30)));
		expect(parseTimestamp('2026-03-08T02:30', NEW_YORK)).toBe(
			DateTime.fromISO('2026-03-08T02:30', { zone: 'America/New_York' }).toMillis() * 1000
		);
	});

	it('reads the times around the spring change in New York at the right offset', () => {
		// 01:59 EST = 06:59Z
		expect(parseTimestamp('2026-03-08T01:59', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 8, 6, 59)));
		// 03:00 EDT = 07:00Z
		expect(parseTimestamp('2026-03-08T03:00', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 8, 7, 0)));
	});

	it('moves a Berlin time skipped in the spring forward by the jump, like luxon', () => {
		// 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 read at CET: 02:30 - 1h = 01:30Z (= 03:30 CEST)
		expect(parseTimestamp('2026-03-29T02:30', BERLIN)).toBe(us(Date.UTC(2026, 2, 29, 1, 30)));
		expect(parseTimestamp('2026-03-29T02:30', BERLIN)).toBe(
			DateTime.fromISO('2026-03-29T02:30', { zone: 'Europe/Berlin' }).toMillis() * 1000
		);
	});

	it('uses the summer offset on the day after the spring change and the winter one after the autumn change', () => {
		// 2026-03-09 09:00 EDT = 13:00Z
		expect(parseTimestamp('2026-03-09 09:00', NEW_YORK)).toBe(us(Date.UTC(2026, 2, 9, 13, 0)));
		// 2026-11-02 09:00 EST = 14:00Z
		expect(parseTimestamp('2026-11-02 09:00', NEW_YORK)).toBe(us(Date.UTC(2026, 10, 2, 14, 0)));
	});
});

describe('TimeZoneRules', () => {
	it('refuses a name that is not an IANA zone', () => {
		expect(() => new TimeZoneRules('Mars/Olympus_Mons')).toThrow(/unknown time zone/);
	});

	it('reports the offset at an instant in minutes', () => {
		// 2026-01-15 12:00Z: Berlin is CET (+60), New York EST (-300)
		expect(BERLIN.offsetAt(Date.UTC(2026, 0, 15, 12))).toBe(60);
		expect(NEW_YORK.offsetAt(Date.UTC(2026, 0, 15, 12))).toBe(-300);
		// 2026-07-15 12:00Z: CEST (+120), EDT (-240)
		expect(BERLIN.offsetAt(Date.UTC(2026, 6, 15, 12))).toBe(120);
		expect(NEW_YORK.offsetAt(Date.UTC(2026, 6, 15, 12))).toBe(-240);
	});
});

describe('parseTimestamp: years before 100', () => {
	it('keeps year 0050 as year 50 instead of moving it to 1950', () => {
		// Date.UTC(50, ...) would mean 1950; 0050-01-01 is 1,900 years earlier than that.
		const year50 = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(50);
		expect(parseTimestamp('0050-01-01T00:00Z', UTC)).toBe(us(year50));
		expect(parseTimestamp('0050-01-01T00:00Z', UTC)).not.toBe(us(Date.UTC(1950, 0, 1)));
	});
});
