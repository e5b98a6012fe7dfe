// Exported dates as helpdesks write them, read by hand.
import { describe, expect, it } from 'vitest';
import { detectDateOrder, isMissing, parseExportDate } from '../src/lib/import/real-dates.ts';

describe('parseExportDate()', () => {
	it('reads ServiceNow day-first dates, unpadded, as naive local times', () => {
		expect(parseExportDate('29/2/2016 01:16')).toBe('2016-02-29T01:16:00');
		expect(parseExportDate('5/3/2016 12:00')).toBe('2016-03-05T12:00:00');
	});
	it('reads month-first dates when told', () => {
		expect(parseExportDate('2/25/2026 22:17', 'mdy')).toBe('2026-02-25T22:17:00');
		expect(parseExportDate('3/5/2016 12:00', 'mdy')).toBe('2016-03-05T12:00:00');
	});
	it('reads Jira dates with a month name, a 2-digit year and AM/PM', () => {
		expect(parseExportDate('25/Feb/26 10:17 PM')).toBe('2026-02-25T22:17:00');
		expect(parseExportDate('1/Mar/26 12:05 AM')).toBe('2026-03-01T00:05:00'); // 12 AM is midnight
		expect(parseExportDate('1/Mar/26 12:05 PM')).toBe('2026-03-01T12:05:00'); // 12 PM is noon
	});
	it('keeps an offset, and reads year-first dates with or without seconds', () => {
		expect(parseExportDate('2026-02-25 22:17:33')).toBe('2026-02-25T22:17:33');
		expect(parseExportDate('2026-02-25T22:17:33Z')).toBe('2026-02-25T22:17:33Z');
		expect(parseExportDate('2026-02-25 22:17 +0100')).toBe('2026-02-25T22:17:00+01:00');
		expect(parseExportDate('2026-02-25')).toBe('2026-02-25T00:00:00');
	});
	it('treats ?, - and blanks as missing, and refuses dates that do not exist', () => {
		for (const v of ['?', '-', '', '  ']) expect(isMissing(v)).toBe(true);
		expect(parseExportDate('?')).toBe('');
		expect(parseExportDate('29/2/2015 01:16')).toBeNull(); // 2015 is not a leap year
		expect(parseExportDate('31/4/2016 10:00')).toBeNull();
		expect(parseExportDate('13/13/2016 10:00')).toBeNull();
		expect(parseExportDate('25/Foo/26 10:17 PM')).toBeNull();
		expect(parseExportDate('yesterday')).toBeNull();
	});
});

describe('detectDateOrder()', () => {
	it('decides from a day over 12, and asks when every value fits both orders', () => {
		expect(detectDateOrder(['1/2/2016 10:00', '29/2/2016 01:16'])).toBe('dmy');
		expect(detectDateOrder(['1/2/2016 10:00', '2/25/2016 01:16'])).toBe('mdy');
		expect(detectDateOrder(['1/2/2016 10:00', '3/4/2016 01:16', '?'])).toBeNull();
		expect(detectDateOrder(['13/2/2016', '2/25/2016'])).toBeNull(); // contradictory
	});
});
