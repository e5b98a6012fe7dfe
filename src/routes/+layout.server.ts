import { dataStatus } from '$lib/server/status';
import { filterOptions, type FilterOptions } from '$lib/server/filter-options';
import type { LayoutServerLoad } from './$types';

// The filter values only change with an import; key the cache on what an import changes.
let cached: { key: string; options: FilterOptions } | null = null;

export const load: LayoutServerLoad = async () => {
	const status = await dataStatus();
	const key = `${status.tickets}:${status.events}:${status.lastImport?.id ?? ''}:${status.lastImport?.finished_at ?? ''}`;
	if (cached?.key !== key) cached = { key, options: await filterOptions() };
	return { status, filterOptions: cached.options };
};
