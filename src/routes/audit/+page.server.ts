import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { recentAudit } from '$lib/server/audit';
import type { PageServerLoad } from './$types';

const KINDS = {
	all: [],
	reviews: ['review', 'moment', 'finding', 'action'],
	data: ['import', 'demo', 'mapping', 'settings'],
	accounts: ['user', 'session']
} as const;

const Params = z.object({ kind: z.enum(Object.keys(KINDS) as [keyof typeof KINDS, ...(keyof typeof KINDS)[]]).default('all') });

export const load: PageServerLoad = async ({ url }) => {
	const p = Params.safeParse(Object.fromEntries(url.searchParams));
	if (!p.success) error(400, `kind must be one of ${Object.keys(KINDS).join(', ')}`);
	return { kind: p.data.kind, kinds: Object.keys(KINDS), entries: await recentAudit(300, [...KINDS[p.data.kind]]) };
};
