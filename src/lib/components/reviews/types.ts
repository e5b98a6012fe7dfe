// The shapes the review page's form actions hand back to the stepper: what was posted (so a
// refused save loses nothing), the field errors, and on a conflict both versions side by side.

export const STEPS = [
	{ n: 1, title: 'Summary and impact', short: 'Summary' },
	{ n: 2, title: 'Timeline', short: 'Timeline' },
	{ n: 3, title: 'Root cause', short: 'Root cause' },
	{ n: 4, title: 'Findings and actions', short: 'Actions' },
	{ n: 5, title: 'Review and publish', short: 'Publish' }
] as const;

export const STATUS_WORDS = { draft: 'Draft', in_review: 'In review', published: 'Published' } as const;

export type ActionName =
	| 'summary'
	| 'addMoment'
	| 'deleteMoment'
	| 'analysis'
	| 'addFinding'
	| 'deleteFinding'
	| 'addAction'
	| 'updateAction'
	| 'deleteAction'
	| 'status';

/** A form's fields as posted: every value of every name, in order. */
export type RawFields = Record<string, string[]>;

export interface ConflictRow {
	label: string;
	/** What the review holds now. */
	saved: string;
	/** What this save tried to store. */
	yours: string;
}

export interface ConflictView {
	/** The version saved now, which the form is re-based on. */
	version: number;
	updated_at: string;
	/** What was not saved, in words. */
	what: string;
	rows: ConflictRow[];
}

export interface StepFailure {
	action: ActionName;
	/** The moment, finding or action the form was about. */
	itemId: number | null;
	fields: RawFields;
	/** By field name as posted (factor rows: `factor_description.2`). */
	errors: Record<string, string>;
	message: string | null;
	conflict: ConflictView | null;
}

/** The first posted value of a field, for re-filling a form after a refused save. */
export const field = (f: RawFields | undefined, name: string): string | undefined => f?.[name]?.[0];

/** An action item's form fields as text, from a saved action or from what was posted. */
export interface ActionValues {
	title: string;
	type: string;
	owner: string;
	due_date: string;
	status: string;
	finding_id: string;
	target_metric: string;
	target_category: string;
	target_team: string;
	target_channel: string;
	target_priority: string;
}

export const EMPTY_ACTION: ActionValues = {
	title: '',
	type: '',
	owner: '',
	due_date: '',
	status: 'open',
	finding_id: '',
	target_metric: '',
	target_category: '',
	target_team: '',
	target_channel: '',
	target_priority: ''
};

export function actionValues(a: {
	title: string;
	type: string;
	owner: string;
	due_date: string;
	status: string;
	finding_id: number | null;
	target: { metric: string; category?: string; team?: string; channel?: string; priority?: string } | null;
}): ActionValues {
	return {
		title: a.title,
		type: a.type,
		owner: a.owner,
		due_date: a.due_date,
		status: a.status,
		finding_id: a.finding_id === null ? '' : String(a.finding_id),
		target_metric: a.target?.metric ?? '',
		target_category: a.target?.category ?? '',
		target_team: a.target?.team ?? '',
		target_channel: a.target?.channel ?? '',
		target_priority: a.target?.priority ?? ''
	};
}

export function postedActionValues(f: RawFields): ActionValues {
	const out = { ...EMPTY_ACTION };
	for (const k of Object.keys(out) as (keyof ActionValues)[]) out[k] = f[k]?.[0] ?? out[k];
	return out;
}
