// Settings: the value mappings helpdesk exports are read with (group -> tier, and status,
// priority and CSAT values), and applying them to the KPIs by converting the kept exports
// again. Plain form actions: every change works without JavaScript.
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { serializeWrite } from '$lib/server/import-jobs';
import { exportTimeZone, groupsSeen, keptExports, loadMappings, reapplyMappings, setExportTimeZone, setMapping } from '$lib/server/adapter-import';
import { ImportFatalError } from '$lib/server/import';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	groups: await groupsSeen(),
	mappings: await loadMappings(),
	kept: await keptExports(),
	zone: await exportTimeZone()
});

const Tiers = z.record(z.string().max(300), z.union([z.literal(''), z.coerce.number().int().min(1).max(9)]));
const ValueForm = z.object({
	kind: z.enum(['status', 'priority', 'csat']),
	value: z.string().trim().min(1, 'is required').max(300),
	target: z.string().trim().max(50)
});

export const actions: Actions = {
	/** Every group's tier at once (a select per group; empty = no tier yet). */
	tiers: async ({ request }) => {
		const form = await request.formData();
		const raw: Record<string, string> = {};
		for (const [k, v] of form.entries()) if (k.startsWith('tier:') && typeof v === 'string') raw[k.slice(5)] = v;
		const parsed = Tiers.safeParse(raw);
		if (!parsed.success) return fail(400, { message: `a tier is a whole number from 1 to 9: ${parsed.error.issues[0].message}` });
		const current = (await loadMappings()).group_tier;
		let changed = 0;
		await serializeWrite(async () => {
			for (const [group, tier] of Object.entries(parsed.data)) {
				const next = tier === '' ? null : tier;
				if ((current[group] ?? null) === next) continue;
				await setMapping('group_tier', group, next);
				changed++;
			}
		});
		return { message: changed ? `Saved ${changed} group ${changed === 1 ? 'tier' : 'tiers'}. Apply them to update the KPIs.` : 'Nothing changed.', pending: changed > 0 };
	},
	value: async ({ request }) => {
		const parsed = ValueForm.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { message: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') });
		const { kind, value, target } = parsed.data;
		if (kind === 'priority' && target && !['low', 'normal', 'high', 'urgent'].includes(target)) return fail(400, { message: 'a priority maps to low, normal, high or urgent' });
		if (kind === 'csat' && target && !/^[1-5]$/.test(target)) return fail(400, { message: 'a CSAT value maps to a score from 1 to 5 (or nothing, for "not rated")' });
		await serializeWrite(() => setMapping(kind, value, target === '' && kind !== 'csat' ? null : target));
		return { message: `Saved: ${kind} "${value}" → ${target || (kind === 'csat' ? 'not rated' : 'removed')}. Apply to update the KPIs.`, pending: true };
	},
	zone: async ({ request }) => {
		const zone = String((await request.formData()).get('zone') ?? '').trim();
		try {
			await serializeWrite(() => setExportTimeZone(zone === '' ? null : zone));
		} catch (err) {
			return fail(400, { message: (err as Error).message });
		}
		return { message: zone ? `Exports are read in ${zone}. Apply to read the kept ones again.` : 'Exports are read in the server default time zone again.', pending: true };
	},
	apply: async () => {
		try {
			const done = await serializeWrite(() => reapplyMappings());
			return { message: done.length ? `Applied to ${done.length} kept ${done.length === 1 ? 'export' : 'exports'}: the KPIs follow the mappings now.` : 'No helpdesk exports have been imported yet.' };
		} catch (err) {
			if (err instanceof ImportFatalError) return fail(400, { message: `${err.file}: ${err.problem}` });
			throw err;
		}
	}
};
