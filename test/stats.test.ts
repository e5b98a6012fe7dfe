// The before/after statistics of closing the loop, on numbers small enough to check by hand:
// the normal and binomial building blocks, the two tests, and the plain-language verdicts.
import { describe, expect, it } from 'vitest';
import {
	binomialPmf,
	binomialTails,
	compareMetric,
	formatP,
	logGamma,
	normalCdf,
	normalTwoSided,
	poissonRateTest,
	twoProportionZTest
} from '../src/lib/reviews/stats.ts';

describe('normal and binomial distributions', () => {
	it('gives the textbook normal quantiles', () => {
		expect(normalCdf(0)).toBeCloseTo(0.5, 7);
		// 1.959964 is the 97.5% quantile, so the two-sided p-value there is 0.05.
		expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
		expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
		expect(normalTwoSided(1.959964)).toBeCloseTo(0.05, 6);
		expect(normalTwoSided(-1.959964)).toBeCloseTo(0.05, 6);
	});

	it('computes ln Γ and binomial probabilities exactly enough', () => {
		// Γ(10) = 9! = 362,880; Γ(1) = Γ(2) = 1.
		expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 10);
		expect(logGamma(1)).toBeCloseTo(0, 12);
		expect(logGamma(2)).toBeCloseTo(0, 12);
		// C(4,2) / 2^4 = 6/16.
		expect(binomialPmf(2, 4, 0.5)).toBeCloseTo(0.375, 12);
		// Binomial(28, 1/2): P(X <= 8) = (C(28,0) + ... + C(28,8)) / 2^28
		// = (1 + 28 + 378 + 3,276 + 20,475 + 98,280 + 376,740 + 1,184,040 + 3,108,105) / 268,435,456
		// = 4,791,323 / 268,435,456 = 0.0178491; by symmetry P(X >= 20) is the same.
		expect(binomialTails(8, 28, 0.5).lower).toBeCloseTo(4_791_323 / 268_435_456, 10);
		expect(binomialTails(20, 28, 0.5).upper).toBeCloseTo(4_791_323 / 268_435_456, 10);
	});
});

describe('twoProportionZTest()', () => {
	it('tests 30 of 100 before against 15 of 100 after', () => {
		// pooled = 45 / 200 = 0.225; se = sqrt(0.225 × 0.775 × (1/100 + 1/100)) = sqrt(0.0034875)
		// = 0.0590551; z = (0.15 - 0.30) / 0.0590551 = -2.5400; p = 2 × (1 - Φ(2.5400)) = 0.01109.
		const t = twoProportionZTest(30, 100, 15, 100)!;
		expect(t.pooled).toBeCloseTo(0.225, 12);
		expect(t.z).toBeCloseTo(-2.54, 4);
		expect(t.p).toBeCloseTo(0.01109, 5);
		// Expected cells: 100 × 0.225 = 22.5 and 100 × 0.775 = 77.5 per period.
		expect(t.min_expected).toBeCloseTo(22.5, 10);
	});

	it('has no answer for a period without tickets, and p = 1 when nothing varies', () => {
		expect(twoProportionZTest(3, 10, 0, 0)).toBeNull();
		expect(twoProportionZTest(0, 40, 0, 50)).toMatchObject({ z: 0, p: 1 });
	});
});

describe('poissonRateTest()', () => {
	it('tests 20 escalations in 4 weeks against 8 in 4 weeks exactly', () => {
		// Given 28 in all, the after-count is Binomial(28, 4/8) if the weekly rate held:
		// P(X <= 8) = 0.0178491 (above); two-sided, doubled: p = 0.0356981.
		const t = poissonRateTest(20, 4, 8, 4)!;
		expect([t.rate1, t.rate2]).toEqual([5, 2]);
		expect(t.p).toBeCloseTo(0.0356981, 6);
		expect([t.expected1, t.expected2]).toEqual([14, 14]);
	});

	it('weighs unequal periods by their weeks', () => {
		// 10 in 4 weeks, 1 in 2 weeks: n = 11, share of the after period = 2/6 = 1/3.
		// P(X <= 1) = (2/3)^11 + 11 × (1/3) × (2/3)^10 = (2/3)^10 × 13/3 = 0.0751466; p = 0.150293.
		// Expected: 11 × 2/3 = 7.33 before and 11 × 1/3 = 3.67 after.
		const t = poissonRateTest(10, 4, 1, 2)!;
		expect(t.p).toBeCloseTo(0.150293, 5);
		expect(t.expected2).toBeCloseTo(11 / 3, 10);
	});

	it('is p = 1 with nothing counted', () => {
		expect(poissonRateTest(0, 4, 0, 4)!.p).toBe(1);
	});
});

describe('compareMetric()', () => {
	it('calls a significant fall in the escalation rate an improvement', () => {
		const c = compareMetric('escalation_rate', { weeks: 4, numerator: 30, denominator: 100 }, { weeks: 4, numerator: 15, denominator: 100 }, 4);
		expect(c).toMatchObject({ verdict: 'improved', direction: 'down', good: true, test: 'two-proportion z-test', small: null });
		expect(c.change).toBeCloseTo(-0.15, 12);
		expect(c.headline).toBe('Escalation rate: 30.0% (30 of 100) before, 15.0% (15 of 100) after: down 15.0 points, the good direction.');
		// 1 / 0.01109 = 90.2.
		expect(c.note).toBe('If nothing had changed, a difference this large would come up about 1 time in 90 (p = 0.011, two-sided, two-proportion z-test): likely a real improvement.');
	});

	it('calls the same fall in first contact resolution a change for the worse', () => {
		const c = compareMetric('fcr_rate', { weeks: 4, numerator: 30, denominator: 100 }, { weeks: 4, numerator: 15, denominator: 100 }, 4);
		expect(c).toMatchObject({ verdict: 'worsened', good: false });
		expect(c.headline).toContain('the wrong direction');
	});

	it('says "no clear change" when chance explains the difference', () => {
		// 60 of 100 -> 70 of 100: pooled 0.65, se = sqrt(0.65 × 0.35 × 0.02) = 0.0674537,
		// z = 0.10 / 0.0674537 = 1.4825, p = 0.1382.
		const c = compareMetric('fcr_rate', { weeks: 4, numerator: 60, denominator: 100 }, { weeks: 4, numerator: 70, denominator: 100 }, 4);
		expect(c.verdict).toBe('no_clear_change');
		expect(c.z).toBeCloseTo(1.4825, 4);
		expect(c.p).toBeCloseTo(0.1382, 4);
		expect(c.good).toBe(true);
		expect(c.note).toBe('A difference this size comes up by chance often (p = 0.14, two-sided, two-proportion z-test): no clear change.');
	});

	it('calls out a period with fewer than 30 tickets', () => {
		const c = compareMetric('reopen_rate', { weeks: 4, numerator: 2, denominator: 80 }, { weeks: 4, numerator: 5, denominator: 25 }, 4);
		expect(c.verdict).toBe('too_few');
		expect(c.small).toBe('Too few tickets to tell: 25 tickets resolved after completion (n < 30).');
	});

	it('calls out expected counts under 5 even with enough tickets', () => {
		// 1 of 100 and 3 of 100: pooled 0.02, expected 100 × 0.02 = 2 reopened per period.
		const c = compareMetric('reopen_rate', { weeks: 4, numerator: 1, denominator: 100 }, { weeks: 4, numerator: 3, denominator: 100 }, 4);
		expect(c.verdict).toBe('too_few');
		expect(c.small).toContain('expected 2.0');
	});

	it('compares escalated-ticket counts per week, with the weeks so far', () => {
		const c = compareMetric('escalation_count', { weeks: 4, numerator: 20, denominator: 90 }, { weeks: 4, numerator: 8, denominator: 85 }, 4);
		expect(c).toMatchObject({ verdict: 'improved', test: 'exact Poisson rate test', good: true });
		expect(c.before.value).toBe(5);
		expect(c.after.value).toBe(2);
		expect(c.headline).toBe('Escalated tickets (count): 5 a week (20 in 4 weeks) before, 2 a week (8 in 4 weeks) after: down 3 a week, the good direction.');
		// 1 / 0.0357 = 28.
		expect(c.note).toContain('about 1 time in 28 (p = 0.036');

		// Half-way: 10 in 4 weeks before, 1 in the 2 weeks after so far: expected 3.67 after.
		const early = compareMetric('escalation_count', { weeks: 4, numerator: 10, denominator: 90 }, { weeks: 2, numerator: 1, denominator: 40 }, 4);
		expect(early.verdict).toBe('too_few');
		expect(early.headline).toContain('after (2 of 4 weeks so far)');
		expect(early.note).toContain('expected 3.7');
		expect(early.note).toContain('Only 2 of 4 weeks after completion are in the data so far.');
	});

	it('waits for the first full week after completion', () => {
		const c = compareMetric('csat_escalated', { weeks: 4, numerator: 20, denominator: 40 }, { weeks: 0, numerator: 0, denominator: 0 }, 4);
		expect(c.verdict).toBe('pending');
		expect(c.note).toBe('Too early to tell: no full week after completion is in the data yet (0 of 4 weeks so far).');
	});

	it('has nothing to compare when a period has no tickets', () => {
		const c = compareMetric('csat_escalated', { weeks: 4, numerator: 0, denominator: 0 }, { weeks: 4, numerator: 3, denominator: 5 }, 4);
		expect(c.verdict).toBe('no_data');
		expect(c.note).toContain('no rated escalated tickets before completion');
	});
});

describe('formatP()', () => {
	it('rounds to two significant digits and floors at 0.001', () => {
		expect([formatP(0.011085), formatP(0.138), formatP(0.0004), formatP(0.5)]).toEqual(['p = 0.011', 'p = 0.14', 'p < 0.001', 'p = 0.50']);
	});
});
