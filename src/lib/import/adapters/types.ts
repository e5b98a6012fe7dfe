// What an import adapter is: it recognises a helpdesk's export by its header and turns the
// export's rows into canonical ticket and event records (SPEC.md's import format, all values
// as text), each tagged with the line of the export it came from, so a rejected row is
// reported against the user's own file. The records then go through the same validated,
// atomic import as the canonical format (server/adapter-import.ts). Adapters are pure: no
// database, no files; the value mappings (group -> tier, status, priority, CSAT) are passed in.

export type AdapterId = 'zendesk' | 'freshdesk' | 'jsm' | 'servicenow' | 'servicenow-audit' | 'generic';

/** One row of the export: its 1-based line in the file (the header is line 1) and its cells by column name. */
export interface SourceRow {
	line: number;
	/** Cells by header name, trimmed; a repeated header name gets " (2)", " (3)" ... after its first use. */
	values: Record<string, string>;
}

export type MappingKind = 'group_tier' | 'status' | 'priority' | 'csat';

/**
 * The user's value mappings, read from the database (Settings page) before a conversion.
 * Keys are the export's values exactly as written (case-sensitive, trimmed).
 */
export interface ValueMappings {
	/** Group (or assignment group) -> tier 1..9. */
	group_tier: Record<string, number>;
	/** Export status -> canonical status text (kept as written when absent). */
	status: Record<string, string>;
	/** Export priority -> low | normal | high | urgent (an adapter has its own defaults). */
	priority: Record<string, string>;
	/** Export satisfaction value -> CSAT score 1..5, or '' for "not rated". */
	csat: Record<string, string>;
}

export const EMPTY_MAPPINGS: ValueMappings = { group_tier: {}, status: {}, priority: {}, csat: {} };

export interface ConvertOptions {
	/** The account's time zone, for exports written in local time (HANDOFF_TZ by default). */
	timeZone: string;
	/** Day-first or month-first dates, when the export's dates are ambiguous; null: detect. */
	dateOrder: 'dmy' | 'mdy' | null;
	mappings: ValueMappings;
}

/** A canonical record: SPEC.md's column names to text values ('' = empty). */
export type CanonicalRecord = Record<string, string>;

export interface ConvertedRow {
	kind: 'ticket' | 'event';
	/** The export line it comes from (for an event derived from two snapshots: the later one). */
	line: number;
	record: CanonicalRecord;
}

/** Something worth telling the user that is not a rejected row (e.g. a value it could not read). */
export interface ConvertNote {
	line: number;
	field: string;
	message: string;
}

/** What a conversion can say besides its rows; the pipeline collects it. */
export interface ConvertContext extends ConvertOptions {
	note(n: ConvertNote): void;
	/** A group seen that has no tier in the mappings (it counts as tier 1 until mapped). */
	unmappedGroup(group: string): void;
}

export interface Adapter {
	id: AdapterId;
	/** "ServiceNow incident audit log" */
	label: string;
	/**
	 * How well a header matches this format: 0 (not at all) to 1 (every identifying column).
	 * Detection picks the best score of at least 0.6, and refuses a tie.
	 */
	detect(header: string[]): number;
	/**
	 * Converts the export, streaming: rows come in file order and converted rows go out as soon
	 * as they are known (an audit log's incident once its last snapshot has been read), so a
	 * large export is never held in memory whole.
	 */
	convert(rows: AsyncIterable<SourceRow>, ctx: ConvertContext): AsyncIterable<ConvertedRow>;
}

/** For tests and small inputs: the rows of an array as an async stream. */
export async function* streamOf<T>(items: Iterable<T>): AsyncIterable<T> {
	for (const item of items) yield item;
}
