// The blameless-language check: which spots it flags, at which offsets (counted by hand in
// the comments), and what it leaves alone.
import { describe, expect, it } from 'vitest';
import { checkBlameless, nameVariants } from '../src/lib/reviews/blameless.ts';

const NAMES = ['Dana Whitfield', 'Eli', 'Chloé Martin', 'system', 'Grace Liu'];
const spots = (text: string, names: string[] = NAMES) => checkBlameless(text, names).map((f) => [f.start, f.end, f.match]);

describe('checkBlameless(text, names)', () => {
	it('flags a person named as the subject of a failure', () => {
		// "Dana forgot the refund.": "Dana forgot" is 0..11.
		expect(spots('Dana forgot the refund.')).toEqual([[0, 11, 'Dana forgot']]);
		// "Then Dana didn't escalate.": "Then " is 5 characters; "Dana didn't" is 11 -> 5..16.
		expect(spots("Then Dana didn't escalate.")).toEqual([[5, 16, "Dana didn't"]]);
		// "Eli failed" 0..10, "Eli missed" 0..10.
		expect(spots('Eli failed the handover.')).toEqual([[0, 10, 'Eli failed']]);
		expect(spots('Eli missed it')).toEqual([[0, 10, 'Eli missed']]);
	});

	it('finds the failure a few words after the name, and the full name or either part of it', () => {
		// "Dana Whitfield on tier 2 missed the alert": up to three words between -> 0..31.
		expect(spots('Dana Whitfield on tier 2 missed the alert')).toEqual([[0, 31, 'Dana Whitfield on tier 2 missed']]);
		// "Whitfield just forgot": the last name alone, 0..21.
		expect(spots('Whitfield just forgot')).toEqual([[0, 21, 'Whitfield just forgot']]);
		// Accented names are whole words: "Chloé did not" 0..13.
		expect(spots('Chloé did not reply')).toEqual([[0, 13, 'Chloé did not']]);
		// A possessive: "Dana's mistake" 0..14.
		expect(spots("It was Dana's mistake")).toEqual([[7, 21, "Dana's mistake"]]);
	});

	it('leaves a name alone when no failure follows it closely, and never flags automation', () => {
		expect(spots('Dana escalated to tier 2 at 10:00 and Eli resolved it.')).toEqual([]);
		// Four words between the name and "missed" is too far to be its subject.
		expect(spots('Dana saw that the queue missed its target')).toEqual([]);
		// Punctuation ends the clause: the failure belongs to the tool.
		expect(spots('Dana answered. The sync failed')).toEqual([]);
		expect(spots('system failed the check', ['system'])).toEqual([]);
		// A lower-case word that is also a name is not the name.
		expect(spots('the grace period missed nobody')).toEqual([]);
	});

	it('flags blame-seeking phrases on word boundaries, case-insensitive', () => {
		// "This was human error." -> "human error" at 9..20.
		expect(spots('This was human error.')).toEqual([[9, 20, 'human error']]);
		// "We Should Have called" -> 3..14.
		expect(spots('We Should Have called')).toEqual([[3, 14, 'Should Have']]);
		// "The form failed to load; careless setup; no fault; no blame." ->
		// "failed to" 9..18, "careless" 25..33, "fault" 44..49, "blame" 54..59.
		expect(spots('The form failed to load; careless setup; no fault; no blame.')).toEqual([
			[9, 18, 'failed to'],
			[25, 33, 'careless'],
			[44, 49, 'fault'],
			[54, 59, 'blame']
		]);
	});

	it('does not flag words that merely contain a phrase', () => {
		expect(spots('A blameless review of a faulty cable; the default route.')).toEqual([]);
	});

	it('keeps one flag where a person and a phrase overlap', () => {
		// "Dana failed to call" -> the person's flag "Dana failed" 0..11; "failed to" (5..14) overlaps it.
		const flags = checkBlameless('Dana failed to call', NAMES);
		expect(flags.map((f) => [f.start, f.end])).toEqual([[0, 11]]);
		expect(flags[0].suggestion).toContain('system condition');
	});

	it('gives each flag a reason and a suggestion, and slices to its match', () => {
		const text = 'Root cause: human error by Grace, who should have known.';
		const flags = checkBlameless(text, NAMES);
		// "human error" 12..23; "should have" 38..49 ("Grace, who" is cut by the comma, so no name flag).
		expect(flags.map((f) => [f.start, f.end])).toEqual([
			[12, 23],
			[38, 49]
		]);
		for (const f of flags) {
			expect(text.slice(f.start, f.end)).toBe(f.match);
			expect(f.reason.length).toBeGreaterThan(10);
			expect(f.suggestion.length).toBeGreaterThan(10);
		}
	});

	it('returns nothing for empty text or text without blame', () => {
		expect(checkBlameless('', NAMES)).toEqual([]);
		expect(checkBlameless('The refund form hides the second step on small screens.', NAMES)).toEqual([]);
	});
});

describe('nameVariants(names)', () => {
	it('gives the full names and their parts, longest first, without automation actors', () => {
		expect(nameVariants(['Dana Whitfield', 'system', ' Eli '])).toEqual(['Dana Whitfield', 'Whitfield', 'Dana', 'Eli']);
	});
});
