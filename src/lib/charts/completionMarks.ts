// Marks for any trend chart on a utc x scale: a rule where each action was marked done, with a
// check mark on top that names it ("Action done: <title>" as the tooltip) and links to its
// review. Add the returned marks to a chart's own; the completions come from
// server/actions.ts actionCompletions().
import * as Plot from '@observablehq/plot';
import { GOOD } from './palette';
import { asDate, type Grain } from './trendAxis';

export interface CompletionMark {
	/** The local day it was marked done, YYYY-MM-DD. */
	date: string;
	title: string;
	review_id: number;
}

export interface CompletionMarksOptions {
	/**
	 * Move each mark to the start of its week or month, where a bucketed chart draws that
	 * bucket's point; by default it stands on its own day.
	 */
	snap?: Grain;
}

const DAY = 86_400_000;

/** The x position of a completion: its day, or the Monday / first of the month it falls in. */
export function completionX(date: string, snap?: Grain): Date {
	const d = asDate(date);
	if (snap === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
	if (snap === 'week') return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);
	return d;
}

export function completionMarks(completions: CompletionMark[], { snap }: CompletionMarksOptions = {}): Plot.Markish[] {
	if (!completions.length) return [];
	const x = (c: CompletionMark) => completionX(c.date, snap);
	const title = (c: CompletionMark) => `Action done: ${c.title} (${c.date})`;
	const href = (c: CompletionMark) => `/reviews/${c.review_id}`;
	return [
		Plot.ruleX(completions, { x, stroke: GOOD, strokeWidth: 1.5, strokeDasharray: '2,3', strokeOpacity: 0.9, title, href, ariaLabel: 'actions done' }),
		// Check marks in the top margin: the rule is thin, the mark is what a pointer finds.
		Plot.text(completions, { x, text: () => '✓', frameAnchor: 'top', dy: -8, fill: GOOD, fontSize: 13, fontWeight: 700, title, href, ariaLabel: 'actions done' })
	];
}
