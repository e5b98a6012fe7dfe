// The weekly report's week parameter: ISO weeks only, real ones only.
import { describe, expect, it } from 'vitest';
import { parseWeek, weekOf } from '../src/lib/server/report.ts';

describe('parseWeek()', () => {
	it('turns an ISO week into its Monday and the Monday after', () => {
		// 2026-W47: Thursday Nov 19 is in it, so it runs Monday Nov 16 to Sunday Nov 22.
		expect(parseWeek('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-23' });
		// 2026-W01 starts on Monday Dec 29, 2025 (Jan 1, 2026 is a Thursday).
		expect(parseWeek('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-05' });
		// 2026 has 53 ISO weeks (it starts on a Thursday): W53 is Dec 28, 2026 to Jan 3, 2027.
		expect(parseWeek('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-04' });
	});

	it('refuses a week that does not exist or is not written as YYYY-Www', () => {
		expect(() => parseWeek('2025-W53')).toThrow('week 2025-W53 does not exist: 2025 has 52 ISO weeks');
		expect(() => parseWeek('2026-W00')).toThrow('does not exist');
		expect(() => parseWeek('2026-47')).toThrow('week must be an ISO week as YYYY-Www');
		expect(() => parseWeek("2026-W47' OR 1=1")).toThrow('week must be an ISO week');
	});

	it('names the ISO week of a date', () => {
		expect(weekOf('2026-11-22')).toBe('2026-W47'); // a Sunday closes its week
		expect(weekOf('2027-01-03')).toBe('2026-W53');
	});
});
