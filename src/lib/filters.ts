// The dashboard's filters as they live in the URL: one list of names, and helpers that build
// links which keep the current period and filters while changing one thing. Every page reads
// its view from the URL, so a view can be shared, bookmarked and walked back with the back button.

export const FILTER_KEYS = ['team', 'channel', 'priority', 'category', 'vip', 'tier'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The values each filter can take in the loaded data (see server/filter-options.ts). */
export interface FilterOptions {
	teams: string[];
	channels: string[];
	categories: string[];
	priorities: readonly string[];
	tiers: number[];
}

/** The period and filter parameters of a URL (and nothing else), for passing on to another page. */
export function viewParams(url: URL): URLSearchParams {
	const out = new URLSearchParams();
	for (const key of ['from', 'to', ...FILTER_KEYS]) {
		const v = url.searchParams.get(key);
		if (v) out.set(key, v);
	}
	return out;
}

/** A link to `path` with the current view, plus (or minus, for null) the given parameters. */
export function viewHref(url: URL, path: string, changes: Record<string, string | number | boolean | null | undefined> = {}): string {
	const q = viewParams(url);
	for (const [k, v] of Object.entries(changes)) {
		if (v === null || v === undefined || v === '') q.delete(k);
		else q.set(k, String(v));
	}
	const s = q.toString();
	return s ? `${path}?${s}` : path;
}

/** "category billing, vip true": the active filters in words, for headings and captions. */
export function describeFilters(filters: Partial<Record<FilterKey, unknown>>): string {
	return FILTER_KEYS.filter((k) => filters[k] !== undefined && filters[k] !== null && filters[k] !== '')
		.map((k) => `${k} ${String(filters[k])}`)
		.join(', ');
}
