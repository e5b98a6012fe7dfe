// What a value from a URL, a route or a form may look like, defined once for every parser
// (kpis.ts, ticket-list.ts, actions.ts, review-list.ts, the review scope and id routes).
// Every value is bound as a SQL parameter anyway; these schemas add a second wall, so that
// text built to break out of a query is refused with a 400 naming the parameter instead of
// being looked up as data. They run in the browser too (review forms), so: zod only.
import { z } from 'zod';

/** Punctuation a team, channel, category or person's name may hold, besides letters, digits and spaces. */
export const FILTER_PUNCTUATION = "_ . , & + ( ) / # : @ - ’";
const FILTER_VALUE = /^[\p{L}\p{M}\p{N} _.,&+()/#:@\-’]+$/u;
/** SQL's line comment; the allow-list has no quote, semicolon, backslash, `*` or control character. */
const SQL_COMMENT = /--/;
export const FILTER_VALUE_MAX = 100;

/**
 * A value matched exactly against a column (team, channel, category, an action's owner):
 * letters and digits in any script, spaces, and the punctuation above, at most 100
 * characters. The typographic apostrophe (’) is allowed for names like O’Brien; the ASCII
 * quote is not.
 */
export const filterValue = z
	.string()
	.trim()
	.min(1, 'is empty')
	.max(FILTER_VALUE_MAX, `is longer than ${FILTER_VALUE_MAX} characters`)
	.regex(FILTER_VALUE, `may only hold letters, digits, spaces and ${FILTER_PUNCTUATION}`)
	.refine((s) => !SQL_COMMENT.test(s), 'may not hold --');

export const SEARCH_MAX = 200;

/**
 * Text typed into a search box (the ticket list's and the reviews list's `q`). Unlike a filter
 * value it may hold quotes, apostrophes and any punctuation: people search for "can't log in"
 * or an error message as pasted. That is safe because a search string is data: it is bound as
 * a parameter and matched with contains(), so nothing in it is read as SQL or as a pattern.
 * Control characters and very long strings are still refused.
 */
export const searchText = z
	.string()
	.trim()
	.min(1, 'is empty')
	.max(SEARCH_MAX, `is longer than ${SEARCH_MAX} characters`)
	.regex(/^[^\p{Cc}]*$/u, 'may not hold control characters');

/** A ticket id as helpdesks write them (DEMO-000123, INC0010001, 12345): filter-value characters, up to 200. */
export const ticketId = z
	.string()
	.trim()
	.min(1, 'is empty')
	.max(200, 'is longer than 200 characters')
	.regex(FILTER_VALUE, `may only hold letters, digits, spaces and ${FILTER_PUNCTUATION}`)
	.refine((s) => !SQL_COMMENT.test(s), 'may not hold --');

/** A calendar date as YYYY-MM-DD that exists (no 2026-02-30). */
export const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
	.refine((s) => {
		const d = new Date(`${s}T00:00:00Z`);
		return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s); // 2026-02-30 rolls over to March
	}, 'is not a real date');

const MAX_ID = 2_147_483_647;

/**
 * The id of a stored row (a review, an action, a finding, an import): digits only, from 1.
 * Numbers are taken as they are (JSON bodies); text must be plain digits, so "1e3", "0x10"
 * and "1 OR 1=1" are refused rather than read as a number.
 */
export const recordId = z.union([z.string(), z.number()]).transform((v, ctx) => {
	const s = typeof v === 'number' ? String(v) : v.trim();
	if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > MAX_ID) {
		ctx.addIssue({ code: 'custom', message: 'must be a whole number from 1' });
		return z.NEVER;
	}
	return Number(s);
});

/** A small whole number given as digits (a tier, a page, a page size), from `min` to `max`. */
export function wholeNumber(min: number, max: number) {
	return z.union([z.string(), z.number()]).transform((v, ctx) => {
		const s = typeof v === 'number' ? String(v) : v.trim();
		const n = Number(s);
		if (!/^\d{1,9}$/.test(s) || n < min || n > max) {
			ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
			return z.NEVER;
		}
		return n;
	});
}

/** The id of an import job or an upload (a random UUID). */
export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'is not an id');

/** A zod error as one sentence that names each parameter: "team may only hold …; tier must be …". */
export function describeIssues(err: z.ZodError, prefix = ''): string {
	return err.issues
		.map((i) => {
			if (i.code === 'unrecognized_keys') return `unknown parameter ${i.keys.join(', ')}`;
			const name = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
			return name ? `${name} ${i.message}` : i.message;
		})
		.join('; ');
}
