// Blameless-language guidance for the review's free text: flags a person named as the cause
// of a failure ("Dana forgot") and phrases that look for a culprit ("human error", "should
// have"), each with a question that points at the system instead. Pure, so the stepper runs
// it live in the browser and on the server for the saved text; it never blocks a save.

export interface BlamelessFlag {
	/** Offsets into the text (UTF-16, end exclusive): text.slice(start, end) === match. */
	start: number;
	end: number;
	match: string;
	reason: string;
	suggestion: string;
}

// Letters of any script count as word characters, so "Chloé" and "Fernández" are whole words.
const W = '[\\p{L}\\p{N}_]';
const before = `(?<!${W})`;
const after = `(?!${W})`;
const APOS = "['’]";

const PHRASES: { pattern: string; reason: string; suggestion: string }[] = [
	{
		pattern: 'human\\s+errors?',
		reason: '"Human error" ends the inquiry where it should start.',
		suggestion: 'What made the error likely: the tool, the step, the time pressure? Describe that condition.'
	},
	{
		pattern: `should${APOS}ve|should(?:n${APOS}t|\\s+not)?\\s+have`,
		reason: 'Hindsight: it judges a choice by an outcome nobody knew at the time.',
		suggestion: 'What did people know at that moment, and what would have made the other choice the easy one?'
	},
	{
		pattern: 'fail(?:ed|s)?\\s+to',
		reason: 'It names what someone did not do instead of what happened.',
		suggestion: 'Describe what happened and what made the step hard to do, e.g. "the refund was not issued because the form hid it".'
	},
	{
		pattern: 'careless(?:ly|ness)?',
		reason: 'It describes a trait of a person, which no action item can fix.',
		suggestion: 'Which conditions (load, interruptions, unclear steps) made this easy to get wrong?'
	},
	{
		pattern: 'faults?',
		reason: 'It looks for whose fault it was rather than why it made sense at the time.',
		suggestion: 'Which conditions allowed this to happen? Describe them instead.'
	},
	{
		pattern: 'blam(?:e|es|ed|ing)',
		reason: 'A review looks for causes in the system, not for someone to blame.',
		suggestion: 'Describe the system condition that made this possible.'
	}
];

/** What follows a name and makes it the subject of a failure ("Dana forgot", "Dana didn't"). */
const FAILURE =
	`forgot|forgets|forget|forgotten|did\\s+not|didn${APOS}?t|does\\s+not|doesn${APOS}?t|` +
	`failed|fails|missed|misses|ignored|neglected|overlooked|skipped|botched|mishandled|misread|` +
	`should${APOS}ve|should(?:n${APOS}t|\\s+not)?\\s+have|messed\\s+up|screwed\\s+up|dropped\\s+the\\s+ball|` +
	`made\\s+(?:a|an)\\s+(?:mistake|error)|was\\s+careless|wasn${APOS}t\\s+careful|was\\s+not\\s+careful`;
/** What follows a possessive name ("Dana's mistake"). */
const POSSESSIVE_FAILURE = 'mistake|error|fault|oversight|slip|negligence';
/** Up to three words between the name and the failure ("Dana on tier 2 missed"), none across punctuation. */
const GAP = `(?:\\s+[\\p{L}\\p{N}${APOS.slice(1, -1)}-]+){0,3}?`;

const NAME_REASON = 'It names a person as the cause of a failure.';
const NAME_SUGGESTION = 'Describe the system condition instead of the person: what made this step easy to miss?';

/** Actors that are not people (the data's automation). */
const NOT_PEOPLE = new Set(['system', 'automation', 'bot', 'api', 'workflow', 'trigger', 'auto', 'integration', 'unknown']);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways a name may appear in prose: the full name and each of its parts ("Sofia", "Lindqvist"). */
export function nameVariants(names: readonly string[]): string[] {
	const out = new Set<string>();
	for (const raw of names) {
		const name = raw.trim().replace(/\s+/g, ' ');
		if (!name || NOT_PEOPLE.has(name.toLowerCase()) || !/\p{L}/u.test(name)) continue;
		out.add(name);
		for (const part of name.split(/[\s.]+/)) {
			if (part.length >= 2 && /^\p{L}/u.test(part) && !NOT_PEOPLE.has(part.toLowerCase())) out.add(part);
		}
	}
	// Longest first, so "Sofia Lindqvist forgot" flags the full name, not just "Lindqvist forgot".
	return [...out].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

const cache = new Map<string, RegExp | null>();

function namePattern(names: readonly string[]): RegExp | null {
	const key = names.join('\u0000');
	if (cache.has(key)) return cache.get(key)!;
	const variants = nameVariants(names);
	const re = variants.length
		? new RegExp(
				`${before}(?:${variants.map(escape).join('|')})(?:${APOS}s${after}\\s+(?:${POSSESSIVE_FAILURE})|${after}${GAP}\\s+(?:${FAILURE}))${after}`,
				'giu'
			)
		: null;
	if (cache.size > 20) cache.clear();
	cache.set(key, re);
	return re;
}

const phrasePatterns = PHRASES.map((p) => ({ ...p, re: new RegExp(`${before}(?:${p.pattern})${after}`, 'giu') }));

/**
 * The blame-seeking spots in `text`, in order. `names` are the agents in the data; a name
 * counts only when written with a capital letter (a name, not the word "grace" or "will").
 * Where a person and a phrase overlap ("Dana failed to"), the person's flag is kept.
 */
export function checkBlameless(text: string, names: readonly string[] = []): BlamelessFlag[] {
	if (!text) return [];
	const found: BlamelessFlag[] = [];
	const re = namePattern(names);
	if (re) {
		re.lastIndex = 0;
		for (let m = re.exec(text); m; m = re.exec(text)) {
			if (!/^\p{Lu}/u.test(m[0])) {
				re.lastIndex = m.index + 1; // a lower-case word: try again from the next character
				continue;
			}
			found.push({ start: m.index, end: m.index + m[0].length, match: m[0], reason: NAME_REASON, suggestion: NAME_SUGGESTION });
		}
	}
	for (const p of phrasePatterns) {
		p.re.lastIndex = 0;
		for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
			const start = m.index;
			const end = start + m[0].length;
			if (found.some((f) => f.reason === NAME_REASON && start < f.end && end > f.start)) continue;
			found.push({ start, end, match: m[0], reason: p.reason, suggestion: p.suggestion });
		}
	}
	return found.sort((a, b) => a.start - b.start || a.end - b.end);
}
