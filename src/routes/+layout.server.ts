import { allowed, required } from '$lib/server/access';
import { dataStatus, type DataStatus } from '$lib/server/status';
import { filterOptions, type FilterOptions } from '$lib/server/filter-options';
import type { LayoutServerLoad } from './$types';

// The filter values only change with an import; key the cache on what an import changes.
let cached: { key: string; options: FilterOptions } | null = null;

const LINKS = [
	{ href: '/', route: '/', label: 'Overview' },
	{ href: '/trends', route: '/trends', label: 'Trends' },
	{ href: '/tiers', route: '/tiers', label: 'Tiers' },
	{ href: '/tickets', route: '/tickets', label: 'Tickets' },
	{ href: '/report', route: '/report', label: 'Weekly report' },
	{ href: '/reviews', route: '/reviews', label: 'Reviews' },
	{ href: '/actions', route: '/actions', label: 'Actions' },
	{ href: '/imports', route: '/imports', label: 'Imports' },
	{ href: '/settings', route: '/settings', label: 'Settings' },
	{ href: '/users', route: '/users', label: 'Users' }
];

// What a signed-out visitor (the sign-in and setup pages) is told about the data: nothing.
const NOTHING: { status: DataStatus; filterOptions: FilterOptions } = {
	status: { tickets: 0, events: 0, demoTickets: 0, firstCreated: null, lastCreated: null, lastImport: null },
	filterOptions: { teams: [], channels: [], categories: [], priorities: [], tiers: [] }
};

export const load: LayoutServerLoad = async ({ locals }) => {
	const role = locals.user?.role ?? null;
	if (!role) return { user: null, open: locals.open, nav: [], can: { review: false, admin: false }, ...NOTHING };
	const status = await dataStatus();
	const key = `${status.tickets}:${status.events}:${status.lastImport?.id ?? ''}:${status.lastImport?.finished_at ?? ''}`;
	if (cached?.key !== key) cached = { key, options: await filterOptions() };
	return {
		user: locals.user,
		open: locals.open,
		// Only the pages this role may open (the server refuses the others anyway).
		nav: LINKS.filter((l) => allowed(role, required(l.route, 'GET'))).map(({ href, label }) => ({ href, label })),
		can: { review: allowed(role, 'reviewer'), admin: allowed(role, 'admin') },
		status,
		filterOptions: cached.options
	};
};
