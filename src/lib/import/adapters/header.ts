// An export's header as the adapters see it (safe in the browser: the Imports page detects the
// format from it before uploading).

/** "Watchers", "Watchers" -> "Watchers", "Watchers (2)"; a BOM and surrounding spaces are dropped. */
export function uniqueHeader(raw: string[]): string[] {
	const seen = new Map<string, number>();
	return raw.map((h, i) => {
		const name = (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim();
		const n = (seen.get(name) ?? 0) + 1;
		seen.set(name, n);
		return n === 1 ? name : `${name} (${n})`;
	});
}

