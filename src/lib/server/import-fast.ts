// The fast path of the canonical CSV import: DuckDB's own CSV reader reads the file, and in the
// same statement SQL does what the zod schemas do for every value it can prove it reads the
// same way (canonical.ts is the contract), writing one temporary table of typed rows in file
// order. Rows with any value SQL is not sure of (a fractional second, a naive time outside UTC,
// "03" as a tier, a bad value) keep their text, and go through the zod schema in JavaScript, as
// on the streaming path, which writes every message.
//
// The streaming path (import.ts) stays the reference. This one declines, leaving nothing behind,
// whenever the file is not one it reads exactly like papaparse does: quotes in the header,
// duplicate or odd column names, blank lines, mixed line endings, or anything DuckDB's reader
// refuses (bad UTF-8, broken quotes, a row with too many fields). A test compares both paths.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import {
	checkHeader,
	EVENT_FIELDS,
	EVENT_TYPES,
	KINDS,
	normalizeHeader,
	PRIORITIES,
	TICKET_FIELDS,
	TRIGGERS,
	type FileKind
} from '../import/canonical.ts';
import type { TimeZoneRules } from '../import/timestamps.ts';
import { query } from './db.ts';

/**
 * What the streaming path does with one record: validate it with zod, then append it to
 * `appender` (the staging table) or report it. Returns true when the record was rejected.
 */
export type RecordSink = (fields: Record<string, string>, line: number, seq: number, appender: DuckDBAppender) => boolean;

export interface FastStage {
	rows: number;
	rejected: number;
	extras: string[];
	sha256: string;
	totalBytes: number;
	/**
	 * The typed rows, in the columns of the merge's new_tickets or new_events plus `sure`, `raw`
	 * (the fields, for zod, of a row SQL is not sure of) and `breaks`: the merge renames the
	 * table (makeNewRows) rather than copying it.
	 */
	table: string;
	/** Rows SQL was not sure of (read by zod into the staging table instead). */
	unsure: number;
}

// The merge's new_tickets and new_events columns, from the staging columns in their order (the
// staging tables' names, or the fast path's v0, v1, ...): one definition for both readers.
const TICKET_STAGE = ['ticket_id', 'created_us', 'first_response_us', 'resolved_us', 'status', 'priority', 'channel', 'category',
	'customer_id', 'vip', 'team', 'assignee', 'csat_score', 'subject', 'description', 'extra'];
const EVENT_STAGE = ['event_id', 'ticket_id', 'occurred_us', 'type', 'from_tier', 'to_tier', 'kind', 'trigger', 'actor', 'team', 'note', 'extra'];

/** An event's key: its event_id, or the identifying tuple (the instant compared as an instant). */
const EVENT_KEY = `coalesce('id:' || event_id, concat_ws(chr(31), 'k', ticket_id, epoch_us(occurred_at)::VARCHAR, type,
	coalesce(from_tier::VARCHAR, ''), coalesce(to_tier::VARCHAR, ''), coalesce(actor, '')))`;

function newRowsSelect(kind: FileKind, cols: string[], extra: string): string {
	const c = (name: string) => cols[(kind === 'tickets' ? TICKET_STAGE : EVENT_STAGE).indexOf(name)];
	if (kind === 'tickets') {
		return `SELECT ${c('ticket_id')} AS ticket_id, utc_from_us(${c('created_us')}) AS created_at,
			utc_from_us(${c('first_response_us')}) AS first_response_at, utc_from_us(${c('resolved_us')}) AS resolved_at,
			${['status', 'priority', 'channel', 'category', 'customer_id', 'vip', 'team', 'assignee', 'csat_score', 'subject', 'description', 'extra']
				.map((n) => `${c(n)} AS ${n}`)
				.join(', ')},
			line, seq${extra}`;
	}
	return `SELECT ${EVENT_KEY} AS event_key, * FROM (
		SELECT line, seq, ${c('event_id')} AS event_id, ${c('ticket_id')} AS ticket_id, utc_from_us(${c('occurred_us')}) AS occurred_at,
			${['type', 'from_tier', 'to_tier', 'kind', 'trigger', 'actor', 'team', 'note', 'extra'].map((n) => `${c(n)} AS ${n}`).join(', ')}${extra}`;
}

/**
 * Makes the merge's new_tickets or new_events: from the staging table alone, or, after the fast
 * path, by renaming its table of typed rows (no copy) and adding the rows zod read.
 */
export async function makeNewRows(conn: DuckDBConnection, kind: FileKind, fast: Pick<FastStage, 'table' | 'unsure'> | null): Promise<void> {
	const stage = kind === 'tickets' ? 'stage_tickets' : 'stage_events';
	const target = kind === 'tickets' ? 'new_tickets' : 'new_events';
	const cols = kind === 'tickets' ? TICKET_STAGE : EVENT_STAGE;
	const close = kind === 'tickets' ? '' : ')';
	if (!fast) {
		await conn.run(`CREATE OR REPLACE TEMP TABLE ${target} AS ${newRowsSelect(kind, cols, '')} FROM ${stage}${close}`);
		return;
	}
	await conn.run(`DROP TABLE IF EXISTS ${target}; ALTER TABLE ${fast.table} RENAME TO ${target}`);
	if (fast.unsure > 0) await conn.run(`DELETE FROM ${target} WHERE NOT sure`);
	await conn.run(`INSERT INTO ${target} ${newRowsSelect(kind, cols, ', true AS sure, NULL AS raw, 0 AS breaks')} FROM ${stage}${close}`);
}

export interface FastProgress {
	rows: number;
	/** Rows worked out from the bytes read so far (DuckDB reports its progress in bytes). */
	estimated?: boolean;
	bytesRead: number;
	totalBytes: number;
}

// What String.prototype.trim() removes: ECMAScript WhiteSpace and LineTerminator.
const JS_WHITESPACE = [
	9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239,
	8287, 12288, 65279
];

// The reader's column names are positional (c0, c1, ...): the file's own names never go into SQL.
const col = (i: number) => `c${i}`;

/** Byte-level facts about the file the SQL needs: its digest and its line endings. */
interface Scan {
	sha256: string;
	lf: number;
	cr: number;
	crlf: number;
	endsWithLf: boolean;
	size: number;
}

function scanFile(file: string, onBytes: (n: number) => void): Promise<Scan> {
	return new Promise((resolve, reject) => {
		const hash = crypto.createHash('sha256');
		let lf = 0;
		let cr = 0;
		let crlf = 0;
		let prev = -1;
		let size = 0;
		const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
		stream.on('data', (b) => {
			const chunk = b as Buffer;
			hash.update(chunk);
			size += chunk.length;
			for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
				lf++;
				if ((i > 0 ? chunk[i - 1] : prev) === 13) crlf++;
			}
			for (let i = chunk.indexOf(13); i !== -1; i = chunk.indexOf(13, i + 1)) cr++;
			prev = chunk.length > 0 ? chunk[chunk.length - 1] : prev;
			onBytes(size);
		});
		stream.on('error', reject);
		stream.on('end', () => resolve({ sha256: hash.digest('hex'), lf, cr, crlf, endsWithLf: prev === 10, size }));
	});
}

/**
 * The header line, if this path can read it (no quotes, one line), and the bytes per line of
 * the file's start, which turns DuckDB's progress in bytes into an estimate of rows.
 */
async function readHeader(file: string): Promise<{ columns: string[]; bytesPerLine: number } | null> {
	const fh = await fs.promises.open(file, 'r');
	try {
		const buf = Buffer.alloc(1 << 16);
		const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
		const nl = buf.subarray(0, bytesRead).indexOf(10);
		if (nl === -1) return null;
		const text = buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
		if (text.includes('"') || text.includes('\r') || text.includes('\uFFFD')) return null;
		let lines = 0;
		for (let i = buf.indexOf(10); i !== -1 && i < bytesRead; i = buf.indexOf(10, i + 1)) lines++;
		return { columns: text.split(',').map(normalizeHeader), bytesPerLine: bytesRead / lines };
	} finally {
		await fh.close();
	}
}

/** A name JSON.stringify writes as-is, and that a JS object keeps in column order (not an index). */
const plainKey = (k: string) => k !== '' && !/^\d+$/.test(k) && !/["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(k);

interface Plan {
	columns: string[];
	extras: string[];
	/** Position of each canonical field in the file, or -1 when the file has no such column. */
	at: Map<string, number>;
}

function plan(kind: FileKind, columns: string[]): Plan | null {
	if (new Set(columns).size !== columns.length) return null;
	const check = checkHeader(kind, columns);
	if (check.fatal) return null; // the streaming path words the fatal error
	if (!check.extras.every(plainKey)) return null;
	const fields: readonly string[] = kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS;
	const at = new Map(fields.map((f) => [f, columns.indexOf(f)]));
	return { columns, extras: check.extras, at };
}


type FieldKind = 'requiredId' | 'optionalId' | 'category' | 'text' | 'requiredTs' | 'optionalTs' | 'tier' | 'csat' | 'vip' | 'word';
const TICKET_PLAN: [string, FieldKind, (readonly string[])?, string?][] = [
	['ticket_id', 'requiredId'],
	['created_at', 'requiredTs'],
	['first_response_at', 'optionalTs'],
	['resolved_at', 'optionalTs'],
	['status', 'optionalId'],
	['priority', 'word', PRIORITIES, 'normal'],
	['channel', 'optionalId'],
	['category', 'category'],
	['customer_id', 'optionalId'],
	['vip', 'vip'],
	['team', 'optionalId'],
	['assignee', 'optionalId'],
	['csat_score', 'csat'],
	['subject', 'text'],
	['description', 'text']
];
const EVENT_PLAN: [string, FieldKind, (readonly string[])?, string?][] = [
	['event_id', 'optionalId'],
	['ticket_id', 'requiredId'],
	['occurred_at', 'requiredTs'],
	['type', 'word', EVENT_TYPES],
	['from_tier', 'tier'],
	['to_tier', 'tier'],
	['kind', 'word', KINDS],
	['trigger', 'word', TRIGGERS],
	['actor', 'optionalId'],
	['team', 'optionalId'],
	['note', 'text']
];

// A list literal for list_contains(): an IN list this long becomes a join in DuckDB's plan.
const list = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
const isIn = (x: string, values: readonly string[]) => `list_contains(${list(values)}, ${x})`;
const DATE_RX = `[1-9]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])`;
const WALL_RX = `${DATE_RX}[T ]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d`;

/**
 * The forms SQL reads, as epoch microseconds: YYYY-MM-DD(T| )HH:MM:SS then Z or ±HH:MM, and,
 * when naive times are UTC, no suffix or a date alone. NULL for anything else (empty, another
 * form, an impossible date, a lower-case z): parseTimestamp() decides those. The pattern
 * proves the form; DuckDB's own cast then reads the whole text, offset included (a cast of
 * the text as it is costs less than cutting it into pieces first).
 */
function microsSql(x: string, naiveIsUtc: boolean): string {
	return `CASE
		WHEN regexp_full_match(${x}, '${WALL_RX}(Z|[+-](0\\d|1[0-8]):[0-5]\\d)') THEN epoch_us(try_cast(${x} AS TIMESTAMPTZ))
		${naiveIsUtc ? `WHEN length(${x}) = 19 AND regexp_full_match(${x}, '${WALL_RX}') THEN epoch_us(try_cast(${x} AS TIMESTAMP))
		WHEN length(${x}) = 10 AND regexp_full_match(${x}, '${DATE_RX}') THEN epoch_us(try_cast(${x} AS DATE)::TIMESTAMP)` : ''}
	END::DOUBLE`;
}

/** The extra columns as the streaming path writes them: JSON of the non-empty ones, or NULL. */
function extraSql(p: Plan): { value: string; sure: string } {
	if (p.extras.length === 0) return { value: 'NULL::VARCHAR', sure: 'true' };
	const parts = p.extras.map((k, i) => {
		const v = `coalesce(${col(p.columns.indexOf(k))}, '')`;
		// The key (a bound parameter) passed plainKey(); the value is written as-is only when
		// JSON.stringify would write it so too.
		return { piece: `CASE WHEN ${v} <> '' THEN $key${i} || ':"' || ${v} || '"' END`, v };
	});
	return {
		value: `CASE WHEN ${parts.map((x) => `${x.v} <> ''`).join(' OR ')} THEN '{' || concat_ws(',', ${parts.map((x) => x.piece).join(', ')}) || '}' END`,
		sure: parts.map((x) => `NOT regexp_matches(${x.v}, '["\\\\\\x00-\\x1f]')`).join(' AND ')
	};
}

/**
 * The typed staging columns (in stage_* order, named v0, v1, ...), `sure`, and `raw`, the
 * record's fields in file order for a row SQL is not sure of (NULL otherwise), read straight
 * from `source` (DuckDB's CSV reader), mirroring canonical.ts. Three steps, so each value is
 * worked out once: the fields as text ('' when empty), then what the checks need (is the text
 * free of the spaces trim() would remove? the lower-cased ASCII word; the timestamp), then the
 * values and whether SQL is sure. `line` and `seq` are left 0: the row's position in the
 * table, which is the file's order, gives them (numberRows).
 */
function typedSql(kind: FileKind, p: Plan, naiveIsUtc: boolean, source: string): string {
	const fields = kind === 'tickets' ? TICKET_PLAN : EVENT_PLAN;
	const q = (name: string, prefix = '') => `"${prefix}${name}"`;
	const ws = `[${JS_WHITESPACE.join(', ')}]`;
	const texts = fields.map(([f]) => {
		const i = p.at.get(f)!;
		return `${i === -1 ? `''` : `coalesce(${col(i)}, '')`} AS ${q(f)}`;
	});
	const derived: string[] = [];
	const values: string[] = [];
	const sure: string[] = [];
	for (const [f, how, allowed, empty] of fields) {
		const x = q(f);
		const e = q(f, 'e_');
		const w = q(f, 'w_');
		const m = q(f, 'm_');
		if (how === 'requiredId' || how === 'optionalId' || how === 'category') {
			// trim() would change nothing: no JS white space at either end ('' is fine). Words
			// need no such check: one in its list has no white space.
			derived.push(`NOT (list_contains(${ws}, ascii(${x})) OR list_contains(${ws}, ascii(${x}[-1]))) AS ${e}`);
		}
		if (how === 'word' || how === 'vip') {
			// Lower-cased only when ASCII: there DuckDB's lower() and JS toLowerCase() agree.
			derived.push(`CASE WHEN strlen(${x}) = length(${x}) THEN lower(${x}) END AS ${w}`);
		}
		if (how === 'requiredTs' || how === 'optionalTs') derived.push(`${microsSql(x, naiveIsUtc)} AS ${m}`);
		switch (how) {
			case 'requiredId':
				values.push(x);
				sure.push(`${x} <> '' AND ${e}`);
				break;
			case 'optionalId':
				values.push(`nullif(${x}, '')`);
				sure.push(e);
				break;
			case 'category':
				values.push(`coalesce(nullif(${x}, ''), '(none)')`);
				sure.push(e);
				break;
			case 'text':
				values.push(`nullif(${x}, '')`);
				break;
			case 'requiredTs':
				values.push(m);
				sure.push(`${m} IS NOT NULL`);
				break;
			case 'optionalTs':
				values.push(m);
				sure.push(`(${x} = '' OR ${m} IS NOT NULL)`);
				break;
			case 'tier':
			case 'csat':
				// Digits alone; "03" or " 3" (which zod reads too) go to JavaScript.
				values.push(`try_cast(nullif(${x}, '') AS TINYINT)`); // computed for every row; only sure rows keep it
				sure.push(isIn(x, ['', ...Array.from({ length: how === 'tier' ? 9 : 5 }, (_, i) => String(i + 1))]));
				break;
			case 'vip':
				values.push(isIn(w, ['true', '1', 'yes']));
				sure.push(isIn(w, ['', 'true', '1', 'yes', 'false', '0', 'no']));
				break;
			case 'word':
				values.push(`CASE WHEN ${x} = '' THEN ${empty ? `'${empty}'` : 'NULL'} ELSE ${w} END`);
				// The event type is required; the other words may be empty.
				sure.push(f === 'type' ? isIn(w, allowed!) : `(${x} = '' OR ${isIn(w, allowed!)})`);
				break;
		}
	}
	const extra = extraSql(p);
	values.push(extra.value);
	if (extra.sure !== 'true') sure.push(extra.sure);
	if (kind === 'events') {
		// Tier changes need both tiers (eventSchema's superRefine).
		sure.push(`(NOT ${isIn('"w_type"', ['escalated', 'de_escalated'])} OR ("from_tier" <> '' AND "to_tier" <> ''))`);
	}
	const extraCols = p.extras.map((k) => col(p.columns.indexOf(k)));
	// The fields in file order, for zod: a canonical one as text, an extra one as read.
	const inFileOrder = p.columns.map((name, i) => (p.at.get(name) !== undefined ? q(name) : `coalesce(${col(i)}, '')`));
	// The line breaks inside the record's fields (a field holds one only when quoted).
	const breaks = p.columns
		.map((_, i) => `CASE WHEN contains(${col(i)}, chr(10)) THEN strlen(${col(i)}) - strlen(replace(${col(i)}, chr(10), '')) ELSE 0 END`)
		.join(' + ');
	return `${newRowsSelect(kind, values.map((_, i) => `v${i}`), ', sure, raw, breaks')} FROM (
		SELECT *, CASE WHEN NOT sure THEN [${inFileOrder.join(', ')}] END AS raw FROM (WITH a AS (
			SELECT (${breaks})::INTEGER AS breaks, ${[...texts, ...extraCols].join(', ')} FROM ${source}
		), b AS (
			SELECT *, ${derived.join(',\n\t\t\t\t')} FROM a
		)
		SELECT 0::INTEGER AS line, 0::INTEGER AS seq,
			${values.map((v, i) => `${v} AS v${i}`).join(',\n\t\t\t')},
			coalesce(${sure.map((s) => `(${s})`).join('\n\t\t\t\tAND ')}, false) AS sure, breaks,
			${p.columns.map((name, i) => (p.at.get(name) !== undefined ? q(name) : col(i))).join(', ')}
		FROM b))${kind === 'tickets' ? '' : ')'}`;
}

const BATCH = 20_000;

/**
 * Stages a CSV file through DuckDB's reader, or returns null (nothing staged) when the file is
 * not one this path reads exactly like the streaming path.
 */
export async function stageCsvFast(
	conn: DuckDBConnection,
	kind: FileKind,
	file: string,
	zone: TimeZoneRules,
	sink: RecordSink,
	onProgress: (p: FastProgress) => void,
	/** The file's extra columns, known once the header is read (the sink's JSON needs them). */
	onExtras: (extras: string[]) => void
): Promise<FastStage | null> {
	const head = await readHeader(file);
	const columns = head?.columns;
	const p = columns && plan(kind, columns);
	if (!head || !columns || !p) return null;
	onExtras(p.extras);

	const total = fs.statSync(file).size;
	let scanned = 0;
	const scanning = scanFile(file, (n) => (scanned = n));
	const typedTable = `fast_typed_${kind}`;
	/** Declines the file, leaving nothing behind. */
	const decline = async (): Promise<null> => {
		await conn.run(`DROP TABLE IF EXISTS ${typedTable}; DROP TABLE IF EXISTS fast_dirty`);
		return null;
	};
	const timer = setInterval(() => {
		const pct = conn.progress.percentage;
		const done = pct > 0 ? Math.min(total, Math.round((pct / 100) * total)) : scanned;
		onProgress({ rows: Math.round(done / head.bytesPerLine), estimated: true, bytesRead: done, totalBytes: total });
	}, 200);
	try {
		const spec = columns.map((_, i) => `'${col(i)}': 'VARCHAR'`).join(', ');
		const source = `read_csv($file, header = true, auto_detect = false, columns = {${spec}},
			delim = ',', quote = '"', escape = '"', strict_mode = true)`;
		try {
			// Read and typed in one statement, in file order (each row's position is its record's).
			await conn.run(`CREATE OR REPLACE TEMP TABLE ${typedTable} AS ${typedSql(kind, p, zone.isUtc, source)}`, {
				file,
				...Object.fromEntries(p.extras.map((k, i) => [`key${i}`, JSON.stringify(k)]))
			});
		} catch {
			// DuckDB refused the file (bad UTF-8, broken quotes, too many fields): the streaming
			// path reads it again and says exactly what is wrong, or reads what papaparse accepts.
			await scanning.catch(() => undefined);
			return decline();
		}
		const scan = await scanning;
		// Line endings: LF, or CRLF throughout (papaparse detects one newline per file).
		if (scan.cr !== 0 && !(scan.cr === scan.crlf && scan.crlf === scan.lf)) return decline();
		const [{ n, dirty, inside }] = await query<{ n: number; dirty: number; inside: number }>(
			conn,
			`SELECT count(*)::BIGINT AS n, count(*) FILTER (NOT sure)::BIGINT AS dirty, coalesce(sum(breaks), 0)::BIGINT AS inside FROM ${typedTable}`
		);
		const rows = Number(n);
		const lines = scan.lf + (scan.endsWithLf || scan.size === 0 ? 0 : 1);
		// Each record starts on line 2 + its index + the line breaks inside the records before it;
		// the file's line count must add up, or blank lines are there (papaparse skips them).
		if (lines !== rows + 1 + Number(inside)) return decline();
		if (Number(inside) === 0) {
			await conn.run(`UPDATE ${typedTable} SET seq = rowid + 1, line = rowid + 2`);
		} else {
			await conn.run(
				`UPDATE ${typedTable} SET seq = n.rid + 1, line = n.line
				FROM (SELECT rowid AS rid, rowid + 2 + coalesce(sum(breaks) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS line
					FROM ${typedTable}) n
				WHERE ${typedTable}.rowid = n.rid`
			);
		}
		const stage = kind === 'tickets' ? 'stage_tickets' : 'stage_events';

		// The rest through zod, in batches (a query at a time: the sink appends on this connection).
		let rejected = 0;
		if (Number(dirty) > 0) {
			await conn.run(
				`CREATE OR REPLACE TEMP TABLE fast_dirty AS
				SELECT row_number() OVER (ORDER BY seq) AS d, line, seq, raw FROM ${typedTable} WHERE NOT sure`
			);
		}
		for (let from = 0; from < Number(dirty); from += BATCH) {
			const reader = await conn.runAndReadAll('SELECT * FROM fast_dirty WHERE d > $from AND d <= $to ORDER BY d', {
				from,
				to: from + BATCH
			});
			const appender = await conn.createAppender(stage, 'main', 'temp');
			try {
				for (const row of reader.getRowsJS()) {
					const raw = row[3] as string[];
					const fields: Record<string, string> = {};
					for (let i = 0; i < columns.length; i++) fields[columns[i]] = raw[i];
					if (sink(fields, Number(row[1]), Number(row[2]), appender)) rejected++;
				}
			} finally {
				appender.closeSync();
			}
		}
		await conn.run('DROP TABLE IF EXISTS fast_dirty');
		onProgress({ rows, bytesRead: total, totalBytes: total });
		return { rows, rejected, extras: p.extras, sha256: scan.sha256, totalBytes: total, table: typedTable, unsure: Number(dirty) };
	} finally {
		clearInterval(timer);
	}
}
