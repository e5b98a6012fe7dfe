// Colours and number formats defined once and passed to every chart: one colour per category
// (by its place in the sorted list of all loaded categories, so it is the same on every page),
// one per tier, and the good/bad pair used for met/breached.

/** Tableau 10, then its lighter companions: distinct, colour-blind-aware, readable on white. */
const CATEGORY_RANGE = [
	'#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
	'#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e'
];

export interface ColorScale {
	domain: string[];
	range: string[];
}

/** The category colour scale for Plot's `color` option; `categories` is the full sorted list. */
export function categoryColors(categories: readonly string[]): ColorScale {
	const domain = [...categories];
	return { domain, range: domain.map((_, i) => CATEGORY_RANGE[i % CATEGORY_RANGE.length]) };
}

export function categoryColor(scale: ColorScale, category: string): string {
	const i = scale.domain.indexOf(category);
	return i < 0 ? '#8a8f98' : scale.range[i];
}

/** Tiers 1..4 from light to dark: higher tiers are the more expensive places to be. */
const TIER_RANGE = ['#9ecae1', '#4292c6', '#2171b5', '#08306b'];
export const tierColor = (tier: number) => TIER_RANGE[Math.min(Math.max(tier, 1), TIER_RANGE.length) - 1];
export const tierColors = (tiers: readonly number[]): ColorScale => ({
	domain: tiers.map((t) => `Tier ${t}`),
	range: tiers.map(tierColor)
});

export const GOOD = '#1a7f4b';
export const BAD = '#b3261e';
export const NEUTRAL = '#1f4e79';
/** Escalated vs not escalated, everywhere the two are compared. */
export const ESCALATED = '#e15759';
export const NOT_ESCALATED = '#4e79a7';

export const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}%`);
export const hours = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v < 10 ? `${v.toFixed(1)} h` : `${v.toFixed(0)} h`);
