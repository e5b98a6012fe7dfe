// What a review holds, as zod schemas shared by the server (form actions, persistence) and
// the browser (the stepper's forms): one schema per step, so a bad field gets the same
// message with or without JavaScript. Persistence lives in server/reviews.ts.
import { z } from 'zod';
import { filterValue, isoDate, recordId, ticketId } from '../params.ts';

export const REVIEW_STATUSES = ['draft', 'in_review', 'published'] as const;
export const REVIEW_SOURCES = ['ticket', 'tickets', 'spike', 'range'] as const;

export const ROOT_CAUSES = {
	product_bug: 'Product bug',
	training_gap: 'Training gap',
	kb_gap: 'Knowledge-base gap',
	confusing_process: 'Confusing process',
	routing_tiering: 'Routing or tiering',
	tooling: 'Tooling',
	staffing_capacity: 'Staffing or capacity',
	policy: 'Policy',
	customer_side: 'Customer-side',
	other: 'Other'
} as const;
export type RootCause = keyof typeof ROOT_CAUSES;
const rootCauseKeys = Object.keys(ROOT_CAUSES) as [RootCause, ...RootCause[]];

export const FACTOR_CATEGORIES = {
	people_load: 'Workload and staffing',
	knowledge: 'Knowledge and documentation',
	tools: 'Tools and systems',
	process: 'Process and policy',
	communication: 'Communication and handoffs',
	product: 'Product behaviour',
	customer: 'Customer context',
	other: 'Other'
} as const;
export type FactorCategory = keyof typeof FACTOR_CATEGORIES;

export const MOMENT_KINDS = { detection: 'Detection', diagnosis: 'Diagnosis', repair: 'Repair', key_decision: 'Key decision' } as const;
export type MomentKind = keyof typeof MOMENT_KINDS;

export const ACTION_TYPES = {
	prevent: 'Prevent',
	mitigate: 'Mitigate',
	detect: 'Detect',
	process: 'Process',
	training: 'Training',
	knowledge_base: 'Knowledge base'
} as const;
export type ActionType = keyof typeof ACTION_TYPES;

export const ACTION_STATUSES = { open: 'Open', in_progress: 'In progress', done: 'Done', wont_do: "Won't do" } as const;
export type ActionStatus = keyof typeof ACTION_STATUSES;

/** The KPIs an action can name as the number it should move. */
export const TARGET_METRICS = {
	escalation_count: { label: 'Escalated tickets (count)', better: 'down' },
	escalation_rate: { label: 'Escalation rate', better: 'down' },
	fcr_rate: { label: 'First contact resolution', better: 'up' },
	reopen_rate: { label: 'Reopen rate', better: 'down' },
	csat_escalated: { label: 'CSAT satisfied, escalated tickets', better: 'up' }
} as const;
export type TargetMetric = keyof typeof TARGET_METRICS;

export const CHECKLIST = {
	facts_checked: 'The summary and impact were checked against the data',
	timeline_complete: 'The timeline has the detection, diagnosis and repair moments',
	root_cause_agreed: 'The team agrees on the root cause and the contributing factors',
	blameless: 'The text describes system conditions, not individual blame',
	actions_owned: 'Every action has an owner and a due date'
} as const;
export type ChecklistItem = keyof typeof CHECKLIST;

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => text(max).default('');
/** Every save carries the version it was based on (optimistic concurrency). */
export const version = z.coerce.number().int().min(1);

export const SummaryForm = z.object({
	version,
	title: text(200).min(1, 'is required'),
	summary: optionalText(10_000),
	impact: optionalText(10_000)
});
export type Summary = Omit<z.output<typeof SummaryForm>, 'version'>;

export const MomentForm = z.object({
	version,
	occurred_at: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, 'must be a date and time'),
	kind: z.enum(Object.keys(MOMENT_KINDS) as [MomentKind, ...MomentKind[]]),
	note: text(2_000).min(1, 'is required'),
	ticket_id: ticketId.optional()
});

export const Factor = z.object({
	category: z.enum(Object.keys(FACTOR_CATEGORIES) as [FactorCategory, ...FactorCategory[]]),
	description: text(1_000).min(1, 'is required')
});

export const RootCauseForm = z.object({
	version,
	root_cause: z.enum(rootCauseKeys).nullable().default(null),
	root_cause_detail: optionalText(5_000),
	caught_earlier: optionalText(5_000),
	warning_signs: optionalText(5_000),
	prevent: optionalText(5_000),
	trigger: optionalText(2_000),
	whys: z.array(text(1_000)).max(5).default([]),
	factors: z.array(Factor).max(20).default([]),
	went_well: optionalText(5_000),
	went_wrong: optionalText(5_000),
	got_lucky: optionalText(5_000)
});
export type RootCauseAnalysis = Omit<z.output<typeof RootCauseForm>, 'version'>;

export const FindingForm = z.object({
	version,
	title: text(300).min(1, 'is required'),
	detail: optionalText(5_000)
});

export const TargetMetricSpec = z.object({
	metric: z.enum(Object.keys(TARGET_METRICS) as [TargetMetric, ...TargetMetric[]]),
	// The target's filters are the dashboard's filters: the same values every page accepts.
	category: filterValue.optional(),
	team: filterValue.optional(),
	channel: filterValue.optional(),
	priority: z.enum(['low', 'normal', 'high', 'urgent']).optional()
});
export type TargetMetricSpec = z.output<typeof TargetMetricSpec>;

export const ActionForm = z.object({
	version,
	title: text(300).min(1, 'is required'),
	type: z.enum(Object.keys(ACTION_TYPES) as [ActionType, ...ActionType[]]),
	/** A filter value (params.ts), so that /actions can always be filtered by it. */
	owner: z.string().trim().min(1, 'is required').pipe(filterValue),
	due_date: isoDate,
	status: z.enum(Object.keys(ACTION_STATUSES) as [ActionStatus, ...ActionStatus[]]).default('open'),
	finding_id: recordId.nullable().default(null),
	target: TargetMetricSpec.nullable().default(null)
});

export const PublishForm = z.object({
	version,
	checklist: z.array(z.enum(Object.keys(CHECKLIST) as [ChecklistItem, ...ChecklistItem[]])).default([]),
	signed_off_by: optionalText(200),
	status: z.enum(REVIEW_STATUSES)
});

/** What a review was started from: its scope, saved so the facts can be recomputed. */
export const ReviewScope = z.object({
	source: z.enum(REVIEW_SOURCES),
	from: isoDate,
	to: isoDate,
	filters: z.record(z.string(), z.string()).default({}),
	/** The drill-down the tickets came from, if any (kpi, part, sla_tier, ...). */
	drill: z.record(z.string(), z.string()).optional(),
	/** The spike the review is about, if any. */
	spike: z.object({ category: filterValue, week_start: isoDate }).optional()
});
export type ReviewScope = z.output<typeof ReviewScope>;
