// The canonical import: stream both files through zod into DuckDB staging tables (appender),
// then check, de-duplicate and upsert everything in one transaction. A fatal problem throws
// ImportFatalError before anything is written; a rejected row is reported, never fatal.
import crypto from 'node:crypto';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import {
	checkHeader,
	eventSchema,
	fieldErrors,
	ticketSchema,
	EVENT_FIELDS,
	TICKET_FIELDS,
	type FileKind
} from '../import/canonical.ts';
import { detectFormat, FatalFileError, readRecords, type FileFormat } from '../import/read-records.ts';
import { TimeZoneRules } from '../import/timestamps.ts';
import { dataChanged } from './cache.ts';
import { dbPath, query, withConnection } from './db.ts';
import { discardFacts, prepareFacts, serializeFactsWrite, writeFacts } from './facts.ts';
import { currentActor } from './actor.ts';
import { audit } from './audit.ts';
import { sniffFile, type Sniff } from './sniff.ts';
import { makeNewRows, stageCsvFast, type RecordSink } from './import-fast.ts';

export type ImportSource = 'cli' | 'upload' | 'demo';

export interface ImportRequest {
	ticketsFile: string;
	eventsFile?: string;
	/** Names shown in messages and history (uploads live under generated names). */
	ticketsName?: string;
	eventsName?: string;
	source: ImportSource;
	/** Time zone for naive timestamps; default HANDOFF_TZ or UTC. */
	timeZone?: string;
	db?: string;
	onProgress?: (p: ImportProgress) => void;
	/**
	 * For files an adapter wrote from a helpdesk export: the export line of each line of the
	 * canonical file, so rejects name the line of the user's own file.
	 */
	ticketsLines?: ArrayLike<number>;
	eventsLines?: ArrayLike<number>;
	/** What the files are, for the history: 'canonical' unless an adapter wrote them. */
	format?: string;
	/**
	 * Read CSV files with the streaming reader only (papaparse), never DuckDB's. For tests that
	 * compare the two; HANDOFF_IMPORT_STREAMING=1 does the same for every import.
	 */
	streaming?: boolean;
	/**
	 * Runs before the import's transaction, once new_tickets and new_events hold the rows this
	 * import writes: inserts into the temp table stale_events (event_key) the stored events the
	 * import removes. The facts are built without them, and the transaction deletes them.
	 */
	staleEvents?: (conn: DuckDBConnection, importId: number) => Promise<void>;
	/** Runs inside the import's transaction, after its writes. */
	beforeCommit?: (conn: DuckDBConnection, importId: number) => Promise<void>;
}

export interface ImportProgress {
	phase: 'reading tickets' | 'reading events' | 'checking and saving';
	file: string;
	rows: number;
	rowsPerSecond: number;
	/** `rows` is worked out from the bytes read (DuckDB's CSV reader reports bytes, not rows). */
	estimated?: boolean;
	bytesRead: number;
	totalBytes: number;
}

export interface RowIssue {
	severity: 'error' | 'warning';
	file: string;
	line: number;
	field: string;
	reason: string;
	record_id: string | null;
}

export interface FileCounts {
	read: number;
	inserted: number;
	updated: number;
	unchanged: number;
	rejected: number;
}

export interface ImportSummary {
	importId: number;
	status: 'committed' | 'committed_with_rejects';
	tickets: FileCounts;
	events: FileCounts;
	warnings: number;
	/** The first issues (errors, then warnings, by file and line); all of them are in import_rejects. */
	issues: RowIssue[];
	ignoredColumns: { tickets: string[]; events: string[] };
	seconds: number;
	/**
	 * Where the time went: reading and validating the files, then checking and saving in DuckDB,
	 * of which `facts` rebuilt the derived facts (ticket_facts.sql).
	 */
	phaseSeconds: { read: number; save: number; facts: number };
	/** Which reader read each file: DuckDB's CSV reader (import-fast.ts) or the streaming one. */
	readers: { tickets: Reader; events: Reader | null };
}

export type Reader = 'duckdb' | 'streaming';

export class ImportFatalError extends Error {
	constructor(
		readonly file: string,
		readonly problem: string
	) {
		super(`${file}: ${problem}`);
		this.name = 'ImportFatalError';
	}
}

const ISSUES_IN_SUMMARY = 200;

/** Refuses a file that is missing, unreadable or not a UTF-8 text export, before any work. */
export async function refuseUnreadable(file: string, label: string): Promise<void> {
	let sniff: Sniff;
	try {
		sniff = await sniffFile(file);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		throw new ImportFatalError(label, code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`);
	}
	if (!sniff.ok) throw new ImportFatalError(label, sniff.problem);
}

// \`seq\` numbers a file's records in order: it decides which of two rows "comes later", because
// several records can share a line (a JSON array written on one line).
const STAGING_SQL = `
CREATE OR REPLACE TEMP TABLE stage_tickets (
	line INTEGER, seq INTEGER, ticket_id VARCHAR, created_us DOUBLE, first_response_us DOUBLE, resolved_us DOUBLE,
	status VARCHAR, priority VARCHAR, channel VARCHAR, category VARCHAR, customer_id VARCHAR, vip BOOLEAN,
	team VARCHAR, assignee VARCHAR, csat_score TINYINT, subject VARCHAR, description VARCHAR, extra VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_events (
	line INTEGER, seq INTEGER, event_id VARCHAR, ticket_id VARCHAR, occurred_us DOUBLE, type VARCHAR, from_tier TINYINT,
	to_tier TINYINT, kind VARCHAR, trigger VARCHAR, actor VARCHAR, team VARCHAR, note VARCHAR, extra VARCHAR);
CREATE OR REPLACE TEMP MACRO utc_from_us(us) AS make_timestamp(us::BIGINT) AT TIME ZONE 'UTC';
CREATE OR REPLACE TEMP TABLE stage_issues (
	kind VARCHAR, severity VARCHAR, file VARCHAR, line INTEGER, field VARCHAR, reason VARCHAR, record_id VARCHAR);
`;

function appendText(a: DuckDBAppender, v: string | null) {
	if (v === null) a.appendNull();
	else a.appendVarchar(v);
}
function appendNum(a: DuckDBAppender, v: number | null, kind: 'double' | 'tiny') {
	if (v === null) a.appendNull();
	else if (kind === 'double') a.appendDouble(v);
	else a.appendTinyInt(v);
}

class IssueLog {
	errors = 0;
	warnings = 0;
	constructor(private readonly appender: DuckDBAppender) {}
	add(kind: FileKind, issue: RowIssue) {
		if (issue.severity === 'error') this.errors++;
		else this.warnings++;
		const a = this.appender;
		a.appendVarchar(kind);
		a.appendVarchar(issue.severity);
		a.appendVarchar(issue.file);
		a.appendInteger(issue.line);
		a.appendVarchar(issue.field);
		a.appendVarchar(issue.reason);
		appendText(a, issue.record_id);
		a.endRow();
	}
}

function extrasJson(fields: Record<string, string>, extras: string[]): string | null {
	if (extras.length === 0) return null;
	const o: Record<string, string> = {};
	let any = false;
	for (const k of extras) {
		const v = fields[k];
		if (v !== undefined && v !== '') {
			o[k] = v;
			any = true;
		}
	}
	return any ? JSON.stringify(o) : null;
}

interface StageResult {
	rows: number;
	rejected: number;
	extras: string[];
	sha256: string;
	/** Rows the CSV fast path kept in its own table (see import-fast.ts), or null. */
	fast: { table: string; unsure: number } | null;
}

/**
 * Validates one record with zod and appends it to the staging table, or reports why not.
 * Shared by the streaming path and the rows the CSV fast path leaves to JavaScript.
 */
function recordHandler(
	kind: FileKind,
	label: string,
	zone: TimeZoneRules,
	issues: IssueLog,
	extras: () => string[],
	beforeAppend?: (raw: Record<string, string>) => void
): RecordSink {
	const schema = kind === 'tickets' ? ticketSchema(zone) : eventSchema(zone);
	const fieldNames: readonly string[] = kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS;
	return (raw, line, seq, appender) => {
		// Absent fields (short rows, JSON keys left out) are empty, as SPEC.md says.
		const input: Record<string, string> = {};
		for (const f of fieldNames) input[f] = raw[f] ?? '';
		const parsed = schema.safeParse(input);
		if (!parsed.success) {
			const recordId = ((kind === 'events' && raw.event_id) || raw.ticket_id || '').trim() || null;
			for (const e of fieldErrors(parsed.error)) {
				issues.add(kind, { severity: 'error', file: label, line, field: e.field, reason: e.reason, record_id: recordId });
			}
			return true;
		}
		beforeAppend?.(raw);
		const extra = extrasJson(raw, extras());
		if (kind === 'tickets') {
			const t = parsed.data as ReturnType<ReturnType<typeof ticketSchema>['parse']>;
			appender.appendInteger(line);
			appender.appendInteger(seq);
			appender.appendVarchar(t.ticket_id);
			appender.appendDouble(t.created_at);
			appendNum(appender, t.first_response_at, 'double');
			appendNum(appender, t.resolved_at, 'double');
			appendText(appender, t.status);
			appender.appendVarchar(t.priority ?? 'normal');
			appendText(appender, t.channel);
			appender.appendVarchar(t.category);
			appendText(appender, t.customer_id);
			appender.appendBoolean(t.vip);
			appendText(appender, t.team);
			appendText(appender, t.assignee);
			appendNum(appender, t.csat_score, 'tiny');
			appendText(appender, t.subject);
			appendText(appender, t.description);
			appendText(appender, extra);
		} else {
			const e = parsed.data as ReturnType<ReturnType<typeof eventSchema>['parse']>;
			appender.appendInteger(line);
			appender.appendInteger(seq);
			appendText(appender, e.event_id);
			appender.appendVarchar(e.ticket_id);
			appender.appendDouble(e.occurred_at);
			appender.appendVarchar(e.type as string);
			appendNum(appender, e.from_tier, 'tiny');
			appendNum(appender, e.to_tier, 'tiny');
			appendText(appender, e.kind);
			appendText(appender, e.trigger);
			appendText(appender, e.actor);
			appendText(appender, e.team);
			appendText(appender, e.note);
			appendText(appender, extra);
		}
		appender.endRow();
		return false;
	};
}

async function stageFile(
	conn: DuckDBConnection,
	kind: FileKind,
	file: string,
	label: string,
	zone: TimeZoneRules,
	issues: IssueLog,
	onProgress: ImportRequest['onProgress'],
	streaming: boolean
): Promise<StageResult> {
	let format: FileFormat;
	try {
		format = await detectFormat(file);
	} catch (err) {
		throw new ImportFatalError(label, `cannot be read (${(err as Error).message})`);
	}
	let extras: string[] = [];
	let jsonKeys = false;
	const known = new Set<string>(kind === 'tickets' ? TICKET_FIELDS : EVENT_FIELDS);
	const handle = recordHandler(kind, label, zone, issues, () => extras, (raw) => {
		// Each JSON record may bring keys the first one did not have.
		if (jsonKeys) for (const k in raw) if (!known.has(k) && !extras.includes(k)) extras.push(k);
	});
	const started = performance.now();
	let lastReport = 0;
	const phase = kind === 'tickets' ? 'reading tickets' : 'reading events';
	const report = (rows: number, bytes: number, total: number, force = false, estimated = false) => {
		const now = performance.now();
		if (!onProgress || (!force && now - lastReport < 200)) return;
		lastReport = now;
		const secs = (now - started) / 1000;
		onProgress({
			phase,
			file: label,
			rows,
			rowsPerSecond: secs > 0 ? Math.round(rows / secs) : 0,
			...(estimated ? { estimated } : {}),
			bytesRead: bytes,
			totalBytes: total
		});
	};

	if (format === 'csv' && !streaming) {
		// DuckDB's reader first; it declines (and stages nothing) for a file it would read differently.
		const fast = await stageCsvFast(
			conn,
			kind,
			file,
			zone,
			handle,
			(p) => report(p.rows, p.bytesRead, p.totalBytes, false, p.estimated),
			(e) => (extras = e)
		);
		if (fast) {
			report(fast.rows, fast.totalBytes, fast.totalBytes, true);
			return { rows: fast.rows, rejected: fast.rejected, extras: fast.extras, sha256: fast.sha256, fast: { table: fast.table, unsure: fast.unsure } };
		}
	}

	const appender = await conn.createAppender(kind === 'tickets' ? 'stage_tickets' : 'stage_events', 'main', 'temp');
	const hash = crypto.createHash('sha256');
	let rows = 0;
	let rejected = 0;
	let bytes = 0;
	let total = 0;
	const reject = (line: number, field: string, reason: string, recordId: string | null) =>
		issues.add(kind, { severity: 'error', file: label, line, field, reason, record_id: recordId });

	try {
		await readRecords(file, label, format, {
			onHeader(columns, fromRecord) {
				const check = checkHeader(kind, columns);
				// JSON records may leave out empty fields: only a file of the other kind is fatal
				// there; a record without a required field is rejected like any bad row.
				if (check.fatal && (!fromRecord || check.otherKind)) throw new FatalFileError(label, check.fatal);
				extras = check.extras;
				jsonKeys = fromRecord;
			},
			onBadRecord(line, reason) {
				rows++;
				rejected++;
				reject(line, '(row)', reason, null);
			},
			onBytes(chunk) {
				hash.update(chunk);
			},
			onProgress(read, size) {
				bytes = read;
				total = size;
			},
			onRecord(raw, line) {
				rows++;
				if ((rows & 4095) === 0) report(rows, bytes, total);
				if (handle(raw, line, rows, appender)) rejected++;
			}
		});
	} catch (err) {
		if (err instanceof FatalFileError) throw new ImportFatalError(label, err.problem);
		throw err;
	} finally {
		appender.closeSync();
	}
	report(rows, bytes, total, true);
	return { rows, rejected, extras, sha256: hash.digest('hex'), fast: null };
}

/** New, updated and unchanged rows: `changes` lists only the rows that already existed. */
async function changeCounts(conn: DuckDBConnection, staged: 'new_tickets' | 'new_events', changes: 'ticket_changes' | 'event_changes') {
	// Both names come from the fixed lists in the signature.
	const [r] = await query<{ total: number; updated: number; unchanged: number }>(
		conn,
		`SELECT (SELECT count(*) FROM ${staged})::INTEGER AS total,
			(SELECT count(*) FILTER (change = 'updated') FROM ${changes})::INTEGER AS updated,
			(SELECT count(*) FILTER (change = 'unchanged') FROM ${changes})::INTEGER AS unchanged`
	);
	const updated = Number(r.updated);
	const unchanged = Number(r.unchanged);
	return { inserted: Number(r.total) - updated - unchanged, updated, unchanged };
}

async function count(conn: DuckDBConnection, sql: string, params: Record<string, string | number> = {}): Promise<number> {
	const rows = await query<{ n: number }>(conn, `SELECT (${sql})::INTEGER AS n`, params);
	return Number(rows[0].n);
}

/** Runs one import. Throws ImportFatalError (nothing written) or returns what it did. */
export async function runImport(req: ImportRequest): Promise<ImportSummary> {
	const zone = new TimeZoneRules(req.timeZone ?? process.env.HANDOFF_TZ ?? 'UTC');
	const ticketsLabel = req.ticketsName ?? path.basename(req.ticketsFile);
	const eventsLabel = req.eventsFile ? (req.eventsName ?? path.basename(req.eventsFile)) : null;
	const startedAt = new Date();
	const t0 = performance.now();
	await refuseUnreadable(req.ticketsFile, ticketsLabel);
	if (req.eventsFile && eventsLabel) await refuseUnreadable(req.eventsFile, eventsLabel);

	return withConnection(async (conn) => {
		await conn.run(STAGING_SQL);
		const issueAppender = await conn.createAppender('stage_issues', 'main', 'temp');
		const issues = new IssueLog(issueAppender);
		let tickets: StageResult;
		let events: StageResult | null = null;
		try {
			const streaming = !!req.streaming || !!process.env.HANDOFF_IMPORT_STREAMING;
			tickets = await stageFile(conn, 'tickets', req.ticketsFile, ticketsLabel, zone, issues, req.onProgress, streaming);
			if (req.eventsFile && eventsLabel) {
				events = await stageFile(conn, 'events', req.eventsFile, eventsLabel, zone, issues, req.onProgress, streaming);
			}
		} finally {
			issueAppender.closeSync();
		}
		req.onProgress?.({
			phase: 'checking and saving',
			file: eventsLabel ?? ticketsLabel,
			rows: tickets.rows + (events?.rows ?? 0),
			rowsPerSecond: 0,
			bytesRead: 0,
			totalBytes: 0
		});

		const readDone = performance.now();
		// The transaction rebuilds the facts: it takes its turn with every other rebuild (facts.ts).
		return serializeFactsWrite(async () => {
			let open = false;
			try {
				const summary = await merge(conn, {
					req,
					begin: async () => {
						await conn.run('BEGIN TRANSACTION');
						open = true;
					},
					tickets,
					events,
					ticketsLabel,
					eventsLabel,
					startedAt,
					rejectedTickets: tickets.rejected
				});
				await conn.run('COMMIT');
				dataChanged(dbPath(req.db));
				const now = performance.now();
				summary.seconds = (now - t0) / 1000;
				summary.phaseSeconds = { read: (readDone - t0) / 1000, save: (now - readDone) / 1000, facts: summary.phaseSeconds.facts };
				return summary;
			} catch (err) {
				if (open) await conn.run('ROLLBACK');
				throw err;
			} finally {
				await discardFacts(conn);
				await conn.run('DROP VIEW IF EXISTS after_tickets; DROP VIEW IF EXISTS after_events');
				await conn.run('DROP TABLE IF EXISTS stage_tickets; DROP TABLE IF EXISTS stage_events; DROP TABLE IF EXISTS stage_issues; ' +
						'DROP TABLE IF EXISTS new_tickets; DROP TABLE IF EXISTS ticket_changes; DROP TABLE IF EXISTS rejected_ids; ' +
						'DROP TABLE IF EXISTS superseded; DROP TABLE IF EXISTS new_events; DROP TABLE IF EXISTS event_changes; ' +
						'DROP TABLE IF EXISTS fast_typed_tickets; DROP TABLE IF EXISTS fast_typed_events; ' +
						'DROP TABLE IF EXISTS import_ctx; DROP TABLE IF EXISTS stale_events;');
			}
		});
	}, req.db ? dbPath(req.db) : undefined);
}

interface MergeInput {
	req: ImportRequest;
	/** Starts the import's transaction: merge() calls it before its first write to a table that persists. */
	begin: () => Promise<void>;
	tickets: StageResult;
	events: StageResult | null;
	ticketsLabel: string;
	eventsLabel: string | null;
	startedAt: Date;
	rejectedTickets: number;
}


/** Rewrites the lines of this import's issues from canonical-file lines to export lines. */
async function mapIssueLines(conn: DuckDBConnection, req: ImportRequest) {
	await conn.run('CREATE OR REPLACE TEMP TABLE line_map (kind VARCHAR, canonical INTEGER, export INTEGER)');
	const a = await conn.createAppender('line_map', 'main', 'temp');
	for (const [kind, map] of [['tickets', req.ticketsLines], ['events', req.eventsLines]] as const) {
		if (!map) continue;
		for (let i = 0; i < map.length; i++) {
			if (map[i] === undefined) continue;
			a.appendVarchar(kind);
			a.appendInteger(i);
			a.appendInteger(map[i]);
			a.endRow();
		}
	}
	a.closeSync();
	await conn.run(`UPDATE stage_issues SET line = m.export FROM line_map m WHERE stage_issues.kind = m.kind AND stage_issues.line = m.canonical`);
	await conn.run('DROP TABLE line_map');
}

// The rows an import writes, as the tickets and events tables' columns: the inserts write them,
// and the facts, built before the inserts, read them (with the stored rows the import keeps).
const WRITTEN_TICKETS = `SELECT ticket_id, created_at, first_response_at, resolved_at, status, priority, channel, category,
	customer_id, vip, team, assignee, csat_score, subject, description, extra, (SELECT id FROM import_ctx) AS import_id, line
	FROM new_tickets WHERE ticket_id NOT IN (SELECT ticket_id FROM ticket_changes WHERE change = 'unchanged')`;
const KEPT_TICKETS = `SELECT * FROM tickets WHERE ticket_id NOT IN (SELECT ticket_id FROM ticket_changes WHERE change = 'updated')`;
const WRITTEN_EVENTS = `SELECT event_key, event_id, ticket_id, occurred_at, type, from_tier, to_tier, kind, trigger, actor, team, note, extra,
	(SELECT id FROM import_ctx) AS import_id, line
	FROM new_events WHERE event_key NOT IN (SELECT event_key FROM event_changes WHERE change = 'unchanged')`;
const KEPT_EVENTS = `SELECT * FROM events WHERE event_key NOT IN (SELECT event_key FROM stale_events WHERE event_key IS NOT NULL)`;
const KEPT_EVENTS_UPDATED = `${KEPT_EVENTS} AND event_key NOT IN (SELECT event_key FROM event_changes WHERE change = 'updated')`;

async function merge(conn: DuckDBConnection, m: MergeInput): Promise<ImportSummary> {
	const id = await count(conn, 'SELECT coalesce(max(id), 0) + 1 FROM imports');
	const tf = m.ticketsLabel;
	const ef = m.eventsLabel ?? '';

	await makeNewRows(conn, 'tickets', m.tickets.fast);
	// Temporary tables beyond DuckDB's memory limit spill to disk: each goes once it is read.
	await conn.run('DROP TABLE stage_tickets');
	// The last valid row of an id wins; earlier ones are reported as warnings. Exports rarely
	// repeat a ticket, so the cheap count decides whether the de-duplication runs at all.
	if ((await count(conn, 'SELECT count(*) - count(DISTINCT ticket_id) FROM new_tickets')) > 0) {
		await conn.run(`
			CREATE OR REPLACE TEMP TABLE superseded AS
			SELECT n.seq, n.line, n.ticket_id AS id, w.line AS winner FROM new_tickets n
			JOIN (SELECT ticket_id, max(seq) AS last FROM new_tickets GROUP BY ticket_id HAVING count(*) > 1) d USING (ticket_id)
			JOIN new_tickets w ON w.seq = d.last
			WHERE n.seq < d.last`);
		await conn.run(
			`INSERT INTO stage_issues
			SELECT 'tickets', 'warning', $file, line, 'ticket_id', 'ticket_id ' || id || ' appears again on line ' || winner || '; that later row is kept', id
			FROM superseded`,
			{ file: tf }
		);
		await conn.run('DELETE FROM new_tickets WHERE seq IN (SELECT seq FROM superseded)');
	}
	await conn.run(`
		CREATE OR REPLACE TEMP TABLE ticket_changes AS
		SELECT n.ticket_id,
			CASE WHEN (n.created_at, n.first_response_at, n.resolved_at, n.status, n.priority, n.channel, n.category,
					n.customer_id, n.vip, n.team, n.assignee, n.csat_score, n.subject, n.description, n.extra)
					IS NOT DISTINCT FROM
					(o.created_at, o.first_response_at, o.resolved_at, o.status, o.priority, o.channel, o.category,
					o.customer_id, o.vip, o.team, o.assignee, o.csat_score, o.subject, o.description, o.extra)
				THEN 'unchanged' ELSE 'updated' END AS change
		FROM new_tickets n JOIN tickets o USING (ticket_id)`);
	await conn.run(
		`INSERT INTO stage_issues
		SELECT 'tickets', 'warning', $file, line, 'resolved_at', 'resolved_at is before created_at', ticket_id
		FROM new_tickets WHERE resolved_at < created_at`,
		{ file: tf }
	);

	const tc = await changeCounts(conn, 'new_tickets', 'ticket_changes');

	const eventCounts = { inserted: 0, updated: 0, unchanged: 0 };
	let unknownTicketEvents = 0;
	if (m.events) {
		// Events of tickets that are unknown, or whose only rows in this file were rejected.
		await conn.run(
			`CREATE OR REPLACE TEMP TABLE rejected_ids AS
			SELECT DISTINCT record_id AS ticket_id, min(line) AS line FROM stage_issues
			WHERE severity = 'error' AND kind = 'tickets' AND record_id IS NOT NULL
				AND record_id NOT IN (SELECT ticket_id FROM new_tickets)
			GROUP BY record_id`
		);
		await makeNewRows(conn, 'events', m.events.fast);
		await conn.run('DROP TABLE stage_events');
		// The known tickets: those stored, and this import's.
		const unknown = `e.ticket_id IN (SELECT ticket_id FROM rejected_ids)
			OR e.ticket_id NOT IN (SELECT ticket_id FROM tickets UNION ALL SELECT ticket_id FROM new_tickets)`;
		const reported = (await conn.run(
			`INSERT INTO stage_issues
			SELECT 'events', 'error', $file, e.line, 'ticket_id',
				CASE WHEN r.ticket_id IS NOT NULL THEN 'unknown ticket_id ' || e.ticket_id || ' (its row on line ' || r.line || ' of ' || $tfile || ' was rejected)'
					ELSE 'unknown ticket_id ' || e.ticket_id END,
				coalesce(e.event_id, e.ticket_id)
			FROM new_events e
			LEFT JOIN rejected_ids r USING (ticket_id)
			WHERE ${unknown}`,
			{ file: ef, tfile: tf }
		)).rowsChanged;
		// Deleted only if there are any (the report above counts them).
		if (reported > 0) unknownTicketEvents = Number((await conn.run(`DELETE FROM new_events AS e WHERE ${unknown}`)).rowsChanged);
		// Duplicate events (same key): the later row replaces the earlier, which gets a warning.
		if ((await count(conn, 'SELECT count(*) - count(DISTINCT event_key) FROM new_events')) > 0) {
			await conn.run(`
				CREATE OR REPLACE TEMP TABLE superseded AS
				SELECT n.seq, n.line, n.event_key, coalesce(n.event_id, n.ticket_id) AS id, w.line AS winner FROM new_events n
				JOIN (SELECT event_key, max(seq) AS last FROM new_events GROUP BY event_key HAVING count(*) > 1) d USING (event_key)
				JOIN new_events w ON w.seq = d.last
				WHERE n.seq < d.last`);
			await conn.run(
				`INSERT INTO stage_issues
				SELECT 'events', 'warning', $file, line, CASE WHEN event_key LIKE 'id:%' THEN 'event_id' ELSE 'occurred_at' END,
					'the same event appears again on line ' || winner || '; that later row is kept', id
				FROM superseded`,
				{ file: ef }
			);
			await conn.run('DELETE FROM new_events WHERE seq IN (SELECT seq FROM superseded)');
		}
		await conn.run(`
			CREATE OR REPLACE TEMP TABLE event_changes AS
			SELECT n.event_key,
				CASE WHEN (n.event_id, n.ticket_id, n.occurred_at, n.type, n.from_tier, n.to_tier, n.kind, n.trigger, n.actor, n.team, n.note, n.extra)
						IS NOT DISTINCT FROM
						(o.event_id, o.ticket_id, o.occurred_at, o.type, o.from_tier, o.to_tier, o.kind, o.trigger, o.actor, o.team, o.note, o.extra)
					THEN 'unchanged' ELSE 'updated' END AS change
			FROM new_events n JOIN events o USING (event_key)`);
		await conn.run(
			`INSERT INTO stage_issues
			SELECT 'events', 'warning', $file, line, 'to_tier',
				CASE WHEN type = 'escalated' THEN 'escalated to tier ' || to_tier || ', which is not above tier ' || from_tier
					ELSE 'de_escalated to tier ' || to_tier || ', which is not below tier ' || from_tier END,
				coalesce(event_id, ticket_id)
			FROM new_events
			WHERE (type = 'escalated' AND to_tier <= from_tier) OR (type = 'de_escalated' AND to_tier >= from_tier)`,
			{ file: ef }
		);
		Object.assign(eventCounts, await changeCounts(conn, 'new_events', 'event_changes'));
	}

	await conn.run('CREATE OR REPLACE TEMP TABLE import_ctx AS SELECT $id::INTEGER AS id', { id });
	await conn.run('CREATE OR REPLACE TEMP TABLE stale_events (event_key VARCHAR)');
	await m.req.staleEvents?.(conn, id);

	// What the tables will hold once the writes below are done: the stored rows the import keeps
	// and the rows it writes. The warnings that compare with stored rows, and the facts, read
	// them here, before the transaction: DuckDB scans what a transaction made or wrote itself on
	// one thread, and these are committed tables (as the staged rows are, made into tables above
	// for the same reason), read on every thread.
	await conn.run(`CREATE OR REPLACE TEMP VIEW after_tickets AS ${KEPT_TICKETS} UNION ALL ${WRITTEN_TICKETS}`);
	await conn.run(`CREATE OR REPLACE TEMP VIEW after_events AS ${m.events ? `${KEPT_EVENTS_UPDATED} UNION ALL ${WRITTEN_EVENTS}` : KEPT_EVENTS}`);
	if (m.events) {
		// from_tier should match the tier the ticket is in; replay the tier changes to see.
		await conn.run(
			`INSERT INTO stage_issues
			SELECT 'events', 'warning', $file, line, 'from_tier',
				'from_tier ' || from_tier || ' does not match the tier the ticket is in (' || current_tier || '); to_tier ' || to_tier || ' is used',
				coalesce(event_id, ticket_id)
			FROM (
				SELECT e.*, lag(to_tier, 1, 1) OVER (PARTITION BY ticket_id ORDER BY occurred_at, import_id, line) AS current_tier
				FROM after_events e
				WHERE type IN ('escalated', 'de_escalated')
					AND ticket_id IN (SELECT ticket_id FROM new_events)
			)
			WHERE import_id = $id AND from_tier <> current_tier`,
			{ file: ef, id }
		);
		await conn.run(
			`INSERT INTO stage_issues
			SELECT 'events', 'warning', $file, e.line, 'occurred_at', 'the event is before the ticket was created (' || strftime(t.created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') || ')',
				coalesce(e.event_id, e.ticket_id)
			FROM new_events e JOIN after_tickets t USING (ticket_id)
			WHERE e.occurred_at < t.created_at`,
			{ file: ef }
		);
	}
	const factsStart = performance.now();
	await prepareFacts(conn, { tickets: 'SELECT * FROM after_tickets', events: 'SELECT * FROM after_events' });
	let factsSeconds = (performance.now() - factsStart) / 1000;

	// Everything above read and wrote temporary tables only. The writes start here, in one
	// transaction: the facts first, while the stored tables they read are as they were.
	await m.begin();
	const writeStart = performance.now();
	await writeFacts(conn);
	factsSeconds += (performance.now() - writeStart) / 1000;
	// Only tickets that already exist are compared; the rest are new. Inserting straight from
	// new_tickets, minus the unchanged ones, avoids joining a million rows a second time.
	await conn.run(`DELETE FROM tickets WHERE ticket_id IN (SELECT ticket_id FROM ticket_changes WHERE change = 'updated')`);
	await conn.run(`INSERT INTO tickets ${WRITTEN_TICKETS}`);
	if (m.events) {
		await conn.run(`DELETE FROM events WHERE event_key IN (SELECT event_key FROM event_changes WHERE change = 'updated')`);
		await conn.run(`INSERT INTO events ${WRITTEN_EVENTS}`);
	}
	await conn.run('DELETE FROM events WHERE event_key IN (SELECT event_key FROM stale_events)');

	// Staged lines are the canonical files' (they order ties); reports name the export's.
	if (m.req.ticketsLines || m.req.eventsLines) await mapIssueLines(conn, m.req);
	// Counted by row, not by line: several records can share a line (JSON on one line, or
	// the events one export row became).
	const rejectedEvents = m.events ? m.events.rejected + unknownTicketEvents : 0;
	const warnings = await count(conn, `SELECT count(*) FROM stage_issues WHERE severity = 'warning'`);
	await m.req.beforeCommit?.(conn, id);
	await conn.run(
		'DROP TABLE new_tickets; DROP TABLE IF EXISTS new_events; DROP TABLE IF EXISTS ticket_changes; DROP TABLE IF EXISTS event_changes; ' +
			'DROP TABLE IF EXISTS superseded; DROP TABLE IF EXISTS rejected_ids'
	);
	await conn.run(
		`INSERT INTO import_rejects SELECT $id, severity, file, line, field, reason, record_id FROM stage_issues`,
		{ id }
	);
	const status = m.rejectedTickets + rejectedEvents > 0 ? 'committed_with_rejects' : 'committed';
	await conn.run(
		`INSERT INTO imports VALUES ($id, $source, $format, $tfile, $tsha, $efile, $esha, $started, now(), $status,
			$tread, $tins, $tupd, $tunch, $trej, $eread, $eins, $eupd, $eunch, $erej, $warnings, $by)`,
		{
			id,
			by: currentActor(),
			source: m.req.source,
			format: m.req.format ?? 'canonical',
			tfile: m.ticketsLabel,
			tsha: m.tickets.sha256,
			efile: m.eventsLabel,
			esha: m.events?.sha256 ?? null,
			started: m.startedAt.toISOString(),
			status,
			tread: m.tickets.rows,
			tins: tc.inserted,
			tupd: tc.updated,
			tunch: tc.unchanged,
			trej: m.rejectedTickets,
			eread: m.events?.rows ?? 0,
			eins: eventCounts.inserted,
			eupd: eventCounts.updated,
			eunch: eventCounts.unchanged,
			erej: rejectedEvents,
			warnings
		} as never
	);
	await audit(conn, 'import', id, null, 'committed', {
		source: m.req.source,
		format: m.req.format ?? 'canonical',
		files: [m.ticketsLabel, m.eventsLabel].filter(Boolean).join(', '),
		tickets: tc.inserted + tc.updated,
		rejected: m.rejectedTickets + rejectedEvents
	});
	const firstIssues = await query<RowIssue>(
		conn,
		`SELECT severity, file, line, field, reason, record_id FROM stage_issues
		ORDER BY severity = 'warning', kind = 'events', line, field LIMIT $limit`,
		{ limit: ISSUES_IN_SUMMARY }
	);
	return {
		importId: id,
		status,
		tickets: {
			read: m.tickets.rows,
			inserted: tc.inserted,
			updated: tc.updated,
			unchanged: tc.unchanged,
			rejected: m.rejectedTickets
		},
		events: { read: m.events?.rows ?? 0, ...eventCounts, rejected: rejectedEvents },
		warnings,
		issues: firstIssues.map((r) => ({ ...r, line: Number(r.line) })),
		ignoredColumns: { tickets: m.tickets.extras, events: m.events?.extras ?? [] },
		seconds: 0,
		phaseSeconds: { read: 0, save: 0, facts: factsSeconds },
		readers: { tickets: m.tickets.fast ? 'duckdb' : 'streaming', events: m.events ? (m.events.fast ? 'duckdb' : 'streaming') : null }
	};
}
