// handoff.config.json: SLA targets per tier (and optionally per priority), validated by zod,
// with SPEC.md's defaults. Read from HANDOFF_CONFIG, or handoff.config.json in the working
// folder; a missing file means the defaults, a bad one is a clear error naming the field.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DateTime, IANAZone } from 'luxon';
import { PRIORITIES } from '../import/canonical.ts';

const hours = z.number().positive().max(24 * 365);
const Target = z.object({ response_hours: hours, resolution_hours: hours }).strict();
const TierTarget = Target.extend({ by_priority: z.partialRecord(z.enum(PRIORITIES), Target).optional() }).strict();

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');

const BusinessHours = z
	.object({
		type: z.literal('business_hours'),
		time_zone: z.string().refine((z) => IANAZone.isValidZone(z), 'is not a time zone (use an IANA name such as Europe/Berlin)'),
		days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
		start: clockTime.default('09:00'),
		end: clockTime.default('17:00'),
		holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')).default([])
	})
	.strict()
	.refine((c) => c.start < c.end, { message: 'start must be before end (working hours within one day)', path: ['end'] });

const Calendar = z.union([z.object({ type: z.literal('calendar') }).strict(), BusinessHours]);
export type Calendar = z.output<typeof Calendar>;

export const HandoffConfig = z
	.object({
		sla: z
			.object({
				/** calendar hours (the default), or business hours; targets are in its hours. */
				calendar: Calendar.default({ type: 'calendar' }),
				/** Per tier ("1".."9"); tiers left out have no SLA. */
				targets: z.record(z.string().regex(/^[1-9]$/, 'tiers are 1 to 9'), TierTarget)
			})
			.strict()
			.default({
				calendar: { type: 'calendar' },
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

/** How a calendar is named on every SLA figure. */
export function calendarName(c: Calendar): string {
	if (c.type === 'calendar') return 'calendar hours';
	const days = c.days.map((d) => d[0].toUpperCase() + d.slice(1)).join(', ');
	const holidays = c.holidays.length ? `, ${c.holidays.length} holiday${c.holidays.length === 1 ? '' : 's'}` : '';
	return `business hours (${days} ${c.start}-${c.end} ${c.time_zone}${holidays})`;
}

export interface ClockInterval {
	open_at: string;
	seconds: number;
	cum_before: number;
}

/**
 * The intervals in which the SLA clock runs between two instants: one endless interval for
 * calendar hours, else each working day's hours in the calendar's zone (luxon gives each
 * day's real UTC bounds, so DST days are 23 or 25 hours long but keep their working hours).
 */
export function clockIntervals(c: Calendar, from: Date, to: Date): ClockInterval[] {
	if (c.type === 'calendar') return [{ open_at: '0001-01-01T00:00:00Z', seconds: Number.MAX_VALUE, cum_before: 0 }];
	const holidays = new Set(c.holidays);
	const days = new Set<string>(c.days);
	const [sh, sm] = c.start.split(':').map(Number);
	const [eh, em] = c.end.split(':').map(Number);
	const out: ClockInterval[] = [];
	let cum = 0;
	const last = DateTime.fromJSDate(to, { zone: c.time_zone }).plus({ days: 1 }).startOf('day');
	for (let d = DateTime.fromJSDate(from, { zone: c.time_zone }).minus({ days: 1 }).startOf('day'); d <= last; d = d.plus({ days: 1 })) {
		if (!days.has(DAYS[d.weekday - 1]) || holidays.has(d.toISODate()!)) continue;
		const open = d.set({ hour: sh, minute: sm });
		const close = d.set({ hour: eh, minute: em });
		const seconds = (close.toMillis() - open.toMillis()) / 1000;
		out.push({ open_at: open.toUTC().toISO()!, seconds, cum_before: cum });
		cum += seconds;
	}
	return out;
}
