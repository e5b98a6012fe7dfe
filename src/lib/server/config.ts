// handoff.config.json: SLA targets per tier (and optionally per priority), validated by zod,
// with SPEC.md's defaults. Read from HANDOFF_CONFIG, or handoff.config.json in the working
// folder; a missing file means the defaults, a bad one is a clear error naming the field.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PRIORITIES } from '../import/canonical.ts';

const hours = z.number().positive().max(24 * 365);
const Target = z.object({ response_hours: hours, resolution_hours: hours }).strict();
const TierTarget = Target.extend({ by_priority: z.partialRecord(z.enum(PRIORITIES), Target).optional() }).strict();

export const HandoffConfig = z
	.object({
		sla: z
			.object({
				/** Per tier ("1".."9"); tiers left out have no SLA. */
				targets: z.record(z.string().regex(/^[1-9]$/, 'tiers are 1 to 9'), TierTarget)
			})
			.strict()
			.default({
				targets: {
					'1': { response_hours: 1, resolution_hours: 24 },
					'2': { response_hours: 4, resolution_hours: 72 },
					'3': { response_hours: 0.5, resolution_hours: 8 }
				}
			})
	})
	.strict();

export type HandoffConfig = z.output<typeof HandoffConfig>;

export class ConfigError extends Error {}

export function configPath(): string {
	return path.resolve(process.env.HANDOFF_CONFIG || 'handoff.config.json');
}

export function loadConfig(file = configPath()): HandoffConfig {
	let raw: unknown = {};
	if (fs.existsSync(file)) {
		try {
			raw = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch (err) {
			throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
		}
	} else if (process.env.HANDOFF_CONFIG) {
		throw new ConfigError(`${file} (HANDOFF_CONFIG) does not exist`);
	}
	const r = HandoffConfig.safeParse(raw);
	if (!r.success) {
		throw new ConfigError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'} ${i.message}`).join('; ')}`);
	}
	return r.data;
}

/** One row per tier and priority, as the SLA query joins them. */
export function slaTargetRows(config: HandoffConfig) {
	const rows: { tier: number; priority: string; response_hours: number; resolution_hours: number }[] = [];
	for (const [tier, t] of Object.entries(config.sla.targets)) {
		for (const priority of PRIORITIES) {
			const p = t.by_priority?.[priority] ?? t;
			rows.push({ tier: Number(tier), priority, response_hours: p.response_hours, resolution_hours: p.resolution_hours });
		}
	}
	return rows;
}
