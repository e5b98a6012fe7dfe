// What a review still lacks before it is a good one, as guidance on the publish step: each
// item names the step where it is fixed. Nothing here blocks publishing.
import { checkBlameless } from '$lib/reviews/blameless';
import { CHECKLIST, MOMENT_KINDS, type ChecklistItem } from '$lib/reviews/schema';
import type { Review } from '$lib/server/reviews';

export interface Gap {
	step: number;
	text: string;
}

type ReviewLike = Pick<Review, 'summary' | 'moments' | 'analysis' | 'findings' | 'actions' | 'checklist' | 'signed_off_by'>;

/** Every free text of the review, with the step it is written on. */
export function reviewTexts(r: ReviewLike): { step: number; text: string }[] {
	const a = r.analysis;
	return [
		{ step: 1, text: r.summary.title },
		{ step: 1, text: r.summary.summary },
		{ step: 1, text: r.summary.impact },
		...r.moments.map((m) => ({ step: 2, text: m.note })),
		...[a.trigger, a.root_cause_detail, a.caught_earlier, a.warning_signs, a.prevent, ...a.whys, ...a.factors.map((f) => f.description), a.went_well, a.went_wrong, a.got_lucky].map(
			(text) => ({ step: 3, text })
		),
		...r.findings.flatMap((f) => [
			{ step: 4, text: f.title },
			{ step: 4, text: f.detail }
		]),
		...r.actions.map((x) => ({ step: 4, text: x.title }))
	];
}

const orList = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function whatIsMissing(r: ReviewLike, names: readonly string[], today = new Date().toISOString().slice(0, 10)): Gap[] {
	const gaps: Gap[] = [];
	const a = r.analysis;
	if (!r.summary.summary.trim() || !r.summary.impact.trim()) gaps.push({ step: 1, text: 'The summary or the impact is empty.' });
	const kinds = (['detection', 'diagnosis', 'repair'] as const).filter((k) => !r.moments.some((m) => m.kind === k));
	if (kinds.length) gaps.push({ step: 2, text: `The timeline has no ${orList(kinds.map((k) => MOMENT_KINDS[k].toLowerCase()))} moment.` });
	if (!a.trigger.trim()) gaps.push({ step: 3, text: 'The trigger (what set it off) is not described.' });
	if (!a.root_cause) gaps.push({ step: 3, text: 'No root cause is picked.' });
	else if (!a.root_cause_detail.trim()) gaps.push({ step: 3, text: 'The root cause has no detail.' });
	if (a.whys.length < 3) gaps.push({ step: 3, text: `The 5-whys chain has ${a.whys.length === 0 ? 'no answers' : `only ${count(a.whys.length, 'answer')}`}.` });
	if (!a.factors.length) gaps.push({ step: 3, text: 'No contributing factors are listed.' });
	if (!a.prevent.trim()) gaps.push({ step: 3, text: 'Nothing says what can be changed to prevent it.' });
	if (!r.findings.length) gaps.push({ step: 4, text: 'There are no findings.' });
	const unanswered = r.findings.filter((f) => !r.actions.some((x) => x.finding_id === f.id));
	if (unanswered.length) gaps.push({ step: 4, text: `${count(unanswered.length, 'finding has', 'findings have')} no action item.` });
	if (!r.actions.length) gaps.push({ step: 4, text: 'There are no action items.' });
	const noOwner = r.actions.filter((x) => !x.owner.trim() || !x.due_date);
	if (noOwner.length) gaps.push({ step: 4, text: `${count(noOwner.length, 'action item has', 'action items have')} no owner or due date.` });
	const overdue = r.actions.filter((x) => x.due_date < today && x.status !== 'done' && x.status !== 'wont_do');
	if (overdue.length) gaps.push({ step: 4, text: `${count(overdue.length, 'action item is', 'action items are')} past its due date.` });
	if (r.actions.length && !r.actions.some((x) => x.target)) gaps.push({ step: 4, text: 'No action item names a number it should move, so its effect cannot be checked later.' });
	const flagged = reviewTexts(r).map((t) => ({ step: t.step, n: checkBlameless(t.text, names).length }));
	for (const step of [1, 2, 3, 4]) {
		const n = flagged.filter((f) => f.step === step).reduce((s, f) => s + f.n, 0);
		if (n) gaps.push({ step, text: `${count(n, 'spot reads', 'spots read')} as blame in the blameless check.` });
	}
	const unticked = (Object.keys(CHECKLIST) as ChecklistItem[]).filter((c) => !r.checklist.includes(c));
	if (unticked.length) gaps.push({ step: 5, text: `${count(unticked.length, 'checklist item is', 'checklist items are')} not ticked.` });
	if (!r.signed_off_by?.trim()) gaps.push({ step: 5, text: 'Nobody has signed it off.' });
	return gaps.sort((a, b) => a.step - b.step);
}
