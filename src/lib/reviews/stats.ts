// Did an action move its number? The before/after comparison of one target metric as plain
// numbers, a significance test and a sentence a support manager can read. Pure functions,
// usable in the browser; server/impact.ts supplies the counts from the KPI engine.
//
// Tests (two-sided, alpha 0.05):
// - rates (escalation, FCR, reopen, CSAT-satisfied): the pooled two-proportion z-test.
//   It needs enough tickets: fewer than 30 in a period, or an expected count below 5 in any
//   cell of the 2x2 table, is called out as "too few to tell".
// - counts (escalated tickets): the exact conditional test for two Poisson rates. If both
//   periods had the same weekly rate, the after-count given the total is binomial with
//   p = after weeks / all weeks; the two-sided p-value doubles the smaller tail (capped at 1).
//   An expected count below 5 in a period (under that same null) is called out too.
import { TARGET_METRICS, type TargetMetric } from './schema.ts';

export const ALPHA = 0.05;
export const MIN_TICKETS = 30;
export const MIN_EXPECTED = 5;

// ---- distributions ---------------------------------------------------------------------------

/** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
export function erfc(x: number): number {
	const z = Math.abs(x);
	const t = 1 / (1 + 0.5 * z);
	const r =
		t *
		Math.exp(
			-z * z -
				1.26551223 +
				t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
		);
	return x >= 0 ? r : 2 - r;
}

/** The standard normal CDF. */
export const normalCdf = (z: number) => 0.5 * erfc(-z / Math.SQRT2);

/** Two-sided p-value of a standard normal statistic. */
export const normalTwoSided = (z: number) => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));

const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
	9.9843695780195716e-6, 1.5056327351493116e-7
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	const y = x - 1;
	let a = LANCZOS[0];
	const t = y + 7.5;
	for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
	return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

export function binomialPmf(k: number, n: number, p: number): number {
	if (k < 0 || k > n) return 0;
	if (p === 0) return k === 0 ? 1 : 0;
	if (p === 1) return k === n ? 1 : 0;
	return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p));
}

/** P(X <= k) and P(X >= k) for X ~ Binomial(n, p). */
export function binomialTails(k: number, n: number, p: number): { lower: number; upper: number } {
	let lower = 0;
	let upper = 0;
	for (let i = 0; i <= n; i++) {
		const q = binomialPmf(i, n, p);
		if (i <= k) lower += q;
		if (i >= k) upper += q;
	}
	return { lower: Math.min(1, lower), upper: Math.min(1, upper) };
}

// ---- tests -----------------------------------------------------------------------------------

export interface ProportionTest {
	p1: number;
	p2: number;
	pooled: number;
	/** (p2 - p1) / standard error: negative when the share went down. */
	z: number;
	p: number;
	/** Smallest expected count of the 2x2 table under the pooled share. */
	min_expected: number;
}

/** Pooled two-proportion z-test of x1 of n1 (before) against x2 of n2 (after); null when a period has no tickets. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ProportionTest | null {
	if (n1 <= 0 || n2 <= 0) return null;
	const p1 = x1 / n1;
	const p2 = x2 / n2;
	const pooled = (x1 + x2) / (n1 + n2);
	const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
	const minExpected = Math.min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled));
	// All or none in both periods: no variation, nothing to test.
	if (se === 0) return { p1, p2, pooled, z: 0, p: 1, min_expected: minExpected };
	const z = (p2 - p1) / se;
	return { p1, p2, pooled, z, p: normalTwoSided(z), min_expected: minExpected };
}

export interface RateTest {
	/** Counts per unit of exposure (per week). */
	rate1: number;
	rate2: number;
	p: number;
	/** Expected counts of each period if the weekly rate had not changed. */
	expected1: number;
	expected2: number;
}

/** Exact conditional test of c1 events in t1 weeks against c2 events in t2 weeks; null without exposure. */
export function poissonRateTest(c1: number, t1: number, c2: number, t2: number): RateTest | null {
	if (t1 <= 0 || t2 <= 0) return null;
	const n = c1 + c2;
	const share = t2 / (t1 + t2);
	const { lower, upper } = binomialTails(c2, n, share);
	return { rate1: c1 / t1, rate2: c2 / t2, p: n === 0 ? 1 : Math.min(1, 2 * Math.min(lower, upper)), expected1: n * (1 - share), expected2: n * share };
}

// ---- the comparison --------------------------------------------------------------------------

/** What a metric counts, in words: the numerator and, for a rate, the denominator. */
export const METRIC_WORDS: Record<TargetMetric, { kind: 'count' | 'rate'; of: string; base: string }> = {
	escalation_count: { kind: 'count', of: 'escalated tickets', base: 'tickets created' },
	escalation_rate: { kind: 'rate', of: 'escalated', base: 'tickets created' },
	fcr_rate: { kind: 'rate', of: 'resolved at first contact', base: 'tickets resolved' },
	reopen_rate: { kind: 'rate', of: 'reopened', base: 'tickets resolved' },
	csat_escalated: { kind: 'rate', of: 'satisfied', base: 'rated escalated tickets' }
};

export interface PeriodCounts {
	/** Full ISO weeks of data in the period. */
	weeks: number;
	/** The count itself (escalation_count) or the rate's numerator. */
	numerator: number;
	/** The rate's denominator; for a count, the tickets created (for context only). */
	denominator: number;
}

export interface PeriodValue extends PeriodCounts {
	/** A rate as a fraction, or a count per week; null when undefined (no tickets, no weeks). */
	value: number | null;
}

export type Verdict = 'improved' | 'worsened' | 'no_clear_change' | 'too_few' | 'pending' | 'no_data';

export interface MetricComparison {
	metric: TargetMetric;
	label: string;
	better: 'up' | 'down';
	kind: 'count' | 'rate';
	/** Weeks each side is meant to cover, and how many full weeks after completion the data has. */
	weeks: number;
	weeks_after: number;
	before: PeriodValue;
	after: PeriodValue;
	/** after - before (points as a fraction for rates, per week for counts). */
	change: number | null;
	direction: 'up' | 'down' | 'flat' | null;
	/** Whether the change goes the way TARGET_METRICS says is better; null when flat or unknown. */
	good: boolean | null;
	test: 'two-proportion z-test' | 'exact Poisson rate test' | null;
	z: number | null;
	p: number | null;
	/** Why the sample is too small to tell, if it is. */
	small: string | null;
	verdict: Verdict;
	/** One line: the numbers and the direction. */
	headline: string;
	/** The rest, in plain words: the significance, the sample, the weeks so far. */
	note: string;
}

const fmtPct = (v: number) => `${(v * 100).toFixed(1)}%`;
const fmtNum = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1));
const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${n === 1 ? w : `${w}s`}`;
/** "12 tickets created", "1 ticket created". */
const tickets = (n: number, base: string) => `${n.toLocaleString('en-US')} ${n === 1 ? base.replace('tickets', 'ticket') : base}`;

/** "p = 0.011": two significant digits, and "p < 0.001" below that. */
export function formatP(p: number): string {
	if (p < 0.001) return 'p < 0.001';
	return `p = ${p < 0.1 ? p.toPrecision(2) : p.toFixed(2)}`;
}

/** "about 1 time in 90" for a p-value, or "less than 1 time in 1,000". */
function chance(p: number): string {
	if (p < 0.001) return 'less than 1 time in 1,000';
	const n = Math.round(1 / p);
	return n <= 1 ? 'most of the time' : `about 1 time in ${n.toLocaleString('en-US')}`;
}

function periodValue(kind: 'count' | 'rate', c: PeriodCounts): PeriodValue {
	const value = kind === 'count' ? (c.weeks > 0 ? c.numerator / c.weeks : null) : c.denominator > 0 ? c.numerator / c.denominator : null;
	return { ...c, value };
}

function describe(kind: 'count' | 'rate', metric: TargetMetric, v: PeriodValue): string {
	const w = METRIC_WORDS[metric];
	if (v.value === null) return kind === 'count' ? 'no full week' : `no ${w.base}`;
	if (kind === 'count') return `${fmtNum(v.value)} a week (${v.numerator.toLocaleString('en-US')} in ${plural(v.weeks, 'week')})`;
	return `${fmtPct(v.value)} (${v.numerator.toLocaleString('en-US')} of ${v.denominator.toLocaleString('en-US')})`;
}

/**
 * Compares a metric's `before` and `after` counts. `weeks` is the length each side is meant to
 * have; `after.weeks` may be fewer while the weeks after completion are still coming in.
 */
export function compareMetric(metric: TargetMetric, before: PeriodCounts, after: PeriodCounts, weeks: number): MetricComparison {
	const { label, better } = TARGET_METRICS[metric];
	const words = METRIC_WORDS[metric];
	const kind = words.kind;
	const b = periodValue(kind, before);
	const a = periodValue(kind, after);
	const base = { metric, label, better, kind, weeks, weeks_after: after.weeks, before: b, after: a } as const;
	const soFar = after.weeks < weeks ? ` (${after.weeks} of ${weeks} weeks so far)` : '';

	if (after.weeks === 0) {
		return {
			...base,
			change: null,
			direction: null,
			good: null,
			test: null,
			z: null,
			p: null,
			small: null,
			verdict: 'pending',
			headline: `${label}: ${describe(kind, metric, b)} in the ${plural(before.weeks, 'week')} before.`,
			note: `Too early to tell: no full week after completion is in the data yet (0 of ${weeks} weeks so far).`
		};
	}
	if (b.value === null || a.value === null) {
		const missing = b.value === null ? 'before' : 'after';
		return {
			...base,
			change: null,
			direction: null,
			good: null,
			test: null,
			z: null,
			p: null,
			small: null,
			verdict: 'no_data',
			headline: `${label}: ${describe(kind, metric, b)} before, ${describe(kind, metric, a)} after${soFar}.`,
			note: `Nothing to compare: there are no ${kind === 'count' ? 'weeks of data' : words.base} ${missing} completion with this target's filters.`
		};
	}

	const change = a.value - b.value;
	const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
	const good = direction === 'flat' ? null : direction === better;
	const moved =
		direction === 'flat'
			? 'no change'
			: `${direction} ${kind === 'rate' ? `${Math.abs(change * 100).toFixed(1)} points` : `${fmtNum(Math.abs(change))} a week`}, ${good ? 'the good direction' : 'the wrong direction'}`;
	const headline = `${label}: ${describe(kind, metric, b)} before, ${describe(kind, metric, a)} after${soFar}: ${moved}.`;

	let test: MetricComparison['test'];
	let z: number | null = null;
	let p: number;
	let small: string | null = null;
	if (kind === 'rate') {
		const t = twoProportionZTest(b.numerator, b.denominator, a.numerator, a.denominator)!;
		test = 'two-proportion z-test';
		z = t.z;
		p = t.p;
		const fewest = Math.min(b.denominator, a.denominator);
		const side = b.denominator <= a.denominator ? 'before' : 'after';
		if (fewest < MIN_TICKETS) small = `Too few tickets to tell: ${tickets(fewest, words.base)} ${side} completion (n < ${MIN_TICKETS}).`;
		else if (t.min_expected < MIN_EXPECTED) small = `Too few to tell: a group would expect under ${MIN_EXPECTED} tickets if nothing had changed (expected ${t.min_expected.toFixed(1)}).`;
	} else {
		const t = poissonRateTest(b.numerator, b.weeks, a.numerator, a.weeks)!;
		test = 'exact Poisson rate test';
		p = t.p;
		const fewest = Math.min(t.expected1, t.expected2);
		if (fewest < MIN_EXPECTED) small = `Too few escalated tickets to tell: under ${MIN_EXPECTED} would be expected in a period if nothing had changed (expected ${fewest.toFixed(1)}).`;
	}

	let verdict: Verdict;
	let significance: string;
	if (small) {
		verdict = 'too_few';
		significance = `${small} The ${test} gives ${formatP(p)}, which says little at this size.`;
	} else if (direction !== 'flat' && p < ALPHA) {
		verdict = good ? 'improved' : 'worsened';
		significance = `If nothing had changed, a difference this large would come up ${chance(p)} (${formatP(p)}, two-sided, ${test}): likely a real ${good ? 'improvement' : 'change for the worse'}.`;
	} else {
		verdict = 'no_clear_change';
		significance = `A difference this size comes up by chance ${p >= 0.5 ? 'more often than not' : 'often'} (${formatP(p)}, two-sided, ${test}): no clear change.`;
	}
	const pending = after.weeks < weeks ? ` Only ${after.weeks} of ${weeks} weeks after completion are in the data so far.` : '';
	return { ...base, change, direction, good, test, z, p, small, verdict, headline, note: significance + pending };
}

export const VERDICT_LABELS: Record<Verdict, string> = {
	improved: 'Improved',
	worsened: 'Worse',
	no_clear_change: 'No clear change',
	too_few: 'Too few to tell',
	pending: 'Too early',
	no_data: 'No data'
};
