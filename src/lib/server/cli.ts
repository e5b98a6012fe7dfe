// The `handoff` command line: import, demo, kpis, map, backup, restore and serve. Each command is a thin layer over the
// same $lib/server code the web app uses; when a server holds the database, writes go
// through it (see server-link.ts) so DuckDB's one-writer rule is never hit.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { closeInstance, dbPath, getInstance, DatabaseLockedError } from './db.ts';
import { ImportFatalError, runImport, type ImportProgress, type ImportSource, type ImportSummary } from './import.ts';
import { BackupError, backupFile, defaultBackupPath, restoreDatabase, type BackupSummary } from './backup.ts';
import { backupThroughServer, findRunningServer, importThroughServer, linkHeaders, newLinkToken, removeServerInfo, writeServerInfo } from './server-link.ts';
import { computeKpis, KpiParamsError, parseKpiParams, type KpiReport, type KpiSet } from './kpis.ts';
import { databaseIsEmpty, DEMO_DEFAULT_TICKETS } from './status.ts';
import { writeDemoCsv } from './demo-data.ts';
import { importExport, type ExportImportSummary, type ExtraFile, listColumnMappings, loadMappings, MAPPING_KINDS, reapplyMappings, saveColumnMapping, setMapping } from './adapter-import.ts';
import type { AdapterId, MappingKind } from '../import/adapters/types.ts';
import { runAs } from './actor.ts';
import { AccountError, countUsers } from './auth.ts';
import { cmdUser, USER_HELP } from './cli-user.ts';
import { ExposedWithoutAccountsError, refuseOpenNetworkBind } from './exposure.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const COMMAND_HELP = {
	import: `  handoff import --tickets FILE [--events FILE] [--db PATH] [--json] [--progress]
  handoff import --export FILE [--format F | --mapping NAME] [--date-order dmy|mdy] [--db PATH] [--json]
                 [--audits audits.json] [--metric-events events.json] [--groups groups.json]   (Zendesk)
      Load a tickets file and, optionally, its events (CSV, JSON array or NDJSON, in
      Handoff's format), or a helpdesk's own export (--export): the format (zendesk,
      freshdesk, jsm, servicenow, servicenow-audit) is detected from its header unless
      --format names it; any other CSV is read with a saved column mapping (--mapping).
      Groups without a tier are listed; set them with 'handoff map'.
      Progress (rows, rows/s) shows on a terminal, or on stderr anywhere with --progress.
      Exits 0 when the import committed (rejected rows are listed, not fatal), 1 on a fatal
      problem (nothing is changed then). Sends the files to the server if one is running.`,
	map: `  handoff map [list] [--db PATH] [--json]
  handoff map set KIND VALUE TARGET [--db PATH]     KIND: group_tier, status, priority, csat
  handoff map unset KIND VALUE [--db PATH]
  handoff map apply [--db PATH]
  handoff map save-columns SPEC.json [--db PATH]    save a column mapping for --mapping NAME
  handoff map columns [--db PATH]                   list the saved column mappings
      The value mappings for helpdesk exports, e.g. 'handoff map set group_tier "Group 56" 2'.
      'apply' converts the kept exports again with the current mappings, so the KPIs follow
      without importing anything again.`,
	demo: `  handoff demo [--tickets N] [--seed S] [--db PATH] [--json]
      Generate about 20 weeks of realistic demo data (default ${DEMO_DEFAULT_TICKETS} tickets) and import it.`,
	kpis: `  handoff kpis --from YYYY-MM-DD --to YYYY-MM-DD [--team T] [--channel C] [--priority P] [--category C]
               [--vip true|false] [--tier N] [--weeks N] [--db PATH] [--json]
      The KPIs of SPEC.md for the period [from, to) in HANDOFF_TZ, with the previous period
      of the same length and a weekly series (in --json; --weeks N: the N ISO weeks ending
      with the period's last week). Asks the server if one is running.`,
	backup: `  handoff backup [--db PATH] [--out FILE] [--json]
      Copy the database, consistently, into one new .duckdb file (default
      handoff-backup-YYYYMMDD-HHMMSS.duckdb, in UTC, beside the database). With a server
      running, the server makes it between two imports; never overwrites a file.`,
	restore: `  handoff restore FILE [--db PATH] [--force] [--json]
      Put a backup in place of the database. The current file is kept as
      <db>.before-restore-YYYYMMDD-HHMMSS (rename it back to undo); one that holds data is
      only replaced with --force. Stop the server first. Older backups are upgraded on open.`,
	serve: `  handoff serve [--port N] [--host ADDR] [--db PATH] [--no-build]
      Build the web app if needed and serve it (default http://127.0.0.1:3000). An empty
      database gets demo data first. With no account it serves this machine only (and is
      open there); to serve a network address, add an admin first with 'handoff user add'.`,
	user: USER_HELP
};

const HELP = `handoff: escalation KPIs and blameless reviews for support teams

Usage:
${Object.values(COMMAND_HELP).join('\n')}

Environment:
  HANDOFF_DB              database file (default data/handoff.duckdb)
  HANDOFF_TZ              time zone for timestamps without an offset (default UTC)
  HANDOFF_MAX_UPLOAD_MB   largest file the Imports page accepts (default 1024)
  HANDOFF_MEMORY_LIMIT    DuckDB memory limit; larger imports spill to disk (default 768MB)
  HOST, PORT              where serve listens (default 127.0.0.1 and 3000)

Run 'handoff COMMAND --help' for one command.`;

class UsageError extends Error {}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Progress on stderr: redrawn in place on a terminal, one line each with --progress elsewhere. */
function progressPrinter(enabled: boolean, tty = process.stderr.isTTY === true) {
	let shown = false;
	return {
		update(p: ImportProgress) {
			if (!enabled) return;
			const pct = p.totalBytes > 0 ? `  ${Math.floor((100 * p.bytesRead) / p.totalBytes)}%` : '';
			const rate = p.rowsPerSecond > 0 ? `  (${fmt(p.rowsPerSecond)} rows/s)` : '';
			const text = `${p.phase}: ${p.estimated ? 'about ' : ''}${fmt(p.rows)} rows${rate}${pct}`;
			if (tty) process.stderr.write(`\r\x1b[K${text}`);
			else process.stderr.write(`progress ${text}\n`);
			shown = tty;
		},
		done() {
			if (shown) process.stderr.write('\r\x1b[K');
		}
	};
}

function printSummary(s: ImportSummary, files: string) {
	const line = (label: string, c: ImportSummary['tickets']) =>
		`  ${label.padEnd(8)} ${fmt(c.read).padStart(10)} read  ${fmt(c.inserted).padStart(10)} new  ${fmt(c.updated).padStart(8)} updated  ${fmt(c.unchanged).padStart(10)} unchanged  ${fmt(c.rejected).padStart(8)} rejected`;
	const out = [
		`Imported ${files} as import #${s.importId} in ${s.seconds.toFixed(1)} s`,
		line('tickets', s.tickets),
		line('events', s.events),
		`  warnings ${fmt(s.warnings)}`
	];
	const ignored = [...s.ignoredColumns.tickets, ...s.ignoredColumns.events];
	if (ignored.length) out.push(`  columns kept but not used by KPIs: ${[...new Set(ignored)].join(', ')}`);
	if (s.issues.length) {
		const total = s.tickets.rejected + s.events.rejected + s.warnings;
		out.push('', `Rows to look at (${s.issues.length < total ? `first ${s.issues.length}; ` : ''}all of them are on the Imports page, as CSV):`);
		for (const i of s.issues.slice(0, 20)) {
			out.push(`  ${i.severity === 'error' ? 'rejected' : 'warning '}  ${i.file}:${i.line}  ${i.field}: ${i.reason}`);
		}
		if (s.issues.length > 20) out.push(`  ... and more`);
	}
	console.log(out.join('\n'));
}

/** Imports locally, or through the running server that holds the database. */
async function importFiles(opts: {
	db: string;
	ticketsFile: string;
	eventsFile?: string;
	source: ImportSource;
	progress: ReturnType<typeof progressPrinter>;
}): Promise<ImportSummary> {
	const server = await findRunningServer(opts.db);
	if (server) {
		return importThroughServer(server, { ...opts, source: opts.source }, opts.progress.update);
	}
	try {
		return await runImport({ ...opts, db: opts.db, onProgress: opts.progress.update });
	} finally {
		opts.progress.done();
		await closeInstance(opts.db);
	}
}

async function cmdImport(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			tickets: { type: 'string' },
			events: { type: 'string' },
			export: { type: 'string' },
			format: { type: 'string' },
			mapping: { type: 'string' },
			audits: { type: 'string' },
			'metric-events': { type: 'string' },
			groups: { type: 'string' },
			'date-order': { type: 'string' },
			db: { type: 'string' },
			json: { type: 'boolean', default: false },
			progress: { type: 'boolean', default: false }
		}
	});
	if (values.export) {
		if (values.format && values.mapping) throw new UsageError('use --format or --mapping, not both');
		const extras: ExtraFile[] = [];
		if (values.groups) extras.push({ kind: 'zendesk-groups', file: path.resolve(values.groups), name: path.basename(values.groups) });
		if (values.audits) extras.push({ kind: 'zendesk-audits', file: path.resolve(values.audits), name: path.basename(values.audits) });
		if (values['metric-events']) extras.push({ kind: 'zendesk-metric-events', file: path.resolve(values['metric-events']), name: path.basename(values['metric-events']) });
		return cmdImportExport(values.export, values.format, values['date-order'], values.db, values.json, values.mapping, extras);
	}
	if (values.mapping) throw new UsageError('--mapping reads a helpdesk export: use --export FILE --mapping NAME');
	if (!values.tickets) throw new UsageError('import needs --tickets FILE, or --export FILE for a helpdesk export');
	if (values.format && values.format !== 'canonical') {
		throw new UsageError(`--format ${values.format} is for helpdesk exports: use --export FILE --format ${values.format}`);
	}
	const db = dbPath(values.db);
	const progress = progressPrinter(values.progress || (!values.json && process.stderr.isTTY === true));
	const summary = await importFiles({
		db,
		ticketsFile: path.resolve(values.tickets),
		eventsFile: values.events ? path.resolve(values.events) : undefined,
		source: 'cli',
		progress
	});
	progress.done();
	if (values.json) console.log(JSON.stringify(summary, null, 2));
	else printSummary(summary, [values.tickets, values.events].filter(Boolean).map((f) => path.basename(f!)).join(' and '));
	return 0;
}

async function cmdImportExport(
	file: string,
	format: string | undefined,
	dateOrder: string | undefined,
	dbArg: string | undefined,
	json: boolean,
	mapping?: string,
	extras: ExtraFile[] = []
): Promise<number> {
	if (dateOrder !== undefined && dateOrder !== 'dmy' && dateOrder !== 'mdy') throw new UsageError('--date-order must be dmy (day first) or mdy (month first)');
	const db = dbPath(dbArg);
	const server = await findRunningServer(db);
	try {
		// With a server running, the export goes to its import queue, as canonical files do.
		const s = (
			server && !extras.length
				? await importThroughServer(server, {
						ticketsFile: path.resolve(file),
						source: 'cli',
						export: {
							...(format ? { format: format as AdapterId } : {}),
							...(mapping ? { mapping } : {}),
							...(dateOrder ? { dateOrder: dateOrder as 'dmy' | 'mdy' } : {})
						}
					})
				: server
					? usageFail(`${db} is served at ${server.url}: stop it to import Zendesk audits or metric events from the command line`)
					: await importExport({ file: path.resolve(file), name: path.basename(file), format: (format as AdapterId) ?? null, mapping: mapping ?? null, dateOrder: (dateOrder as 'dmy' | 'mdy') ?? null, source: 'cli', db, extras })
		) as ExportImportSummary;
		if (json) console.log(JSON.stringify(s, null, 2));
		else {
			console.log(`Read as: ${s.adapterLabel}`);
			printSummary(s, path.basename(file));
			if (s.unmappedGroups.length) {
				console.log(`\n${s.unmappedGroups.length} groups have no tier yet (they count as tier 1): ${s.unmappedGroups.join(', ')}`);
				console.log(`Set one with: handoff map set group_tier "${s.unmappedGroups[0]}" 2, then: handoff map apply`);
			}
			for (const n of s.notes.slice(0, 10)) console.log(`note: line ${n.line}, ${n.field}: ${n.message}`);
		}
		return 0;
	} finally {
		if (!server) await closeInstance(db);
	}
}

function usageFail(message: string): never {
	throw new UsageError(message);
}

async function cmdMap(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } } });
	const db = dbPath(values.db);
	const [action = 'list', kind, value, target] = positionals;
	if (await findRunningServer(db)) throw new UsageError(`${db} is in use by a running server: stop it to change mappings from the command line`);
	const kinds = MAPPING_KINDS as string[];
	try {
		if (action === 'list') {
			const m = await loadMappings(db);
			if (values.json) console.log(JSON.stringify(m, null, 2));
			else for (const k of MAPPING_KINDS) for (const [v, t] of Object.entries(m[k])) console.log(`${k}\t${v}\t${t}`);
			return 0;
		}
		if (action === 'set' || action === 'unset') {
			if (!kind || !kinds.includes(kind)) throw new UsageError(`map ${action} needs a KIND: ${kinds.join(', ')}`);
			if (value === undefined || (action === 'set' && target === undefined)) throw new UsageError(`map ${action} needs a VALUE${action === 'set' ? ' and a TARGET' : ''}`);
			try {
				await setMapping(kind as MappingKind, value, action === 'set' ? target : null, db);
			} catch (err) {
				throw new UsageError((err as Error).message);
			}
			console.log(action === 'set' ? `${kind} "${value}" -> ${target}. Run 'handoff map apply' to update the KPIs.` : `${kind} "${value}" removed.`);
			return 0;
		}
		if (action === 'save-columns') {
			if (!kind) throw new UsageError('map save-columns needs a SPEC.json file');
			let spec;
			try {
				spec = await saveColumnMapping(JSON.parse(fs.readFileSync(path.resolve(kind), 'utf8')), db);
			} catch (err) {
				throw new UsageError(`${kind}: ${err instanceof Error ? err.message : String(err)}`);
			}
			console.log(`Saved the column mapping "${spec.name}". Use it with: handoff import --export FILE --mapping "${spec.name}"`);
			return 0;
		}
		if (action === 'columns') {
			for (const name of await listColumnMappings(db)) console.log(name);
			return 0;
		}
		if (action === 'apply') {
			const done = await reapplyMappings(db);
			for (const s of done) {
				console.log(`${s.adapterLabel}: ${fmt(s.tickets.updated)} tickets and ${fmt(s.events.inserted + s.events.updated)} events changed` +
					(s.unmappedGroups.length ? `; still without a tier: ${s.unmappedGroups.join(', ')}` : ''));
			}
			if (!done.length) console.log('No helpdesk exports have been imported yet.');
			return 0;
		}
		throw new UsageError(`unknown map action "${action}" (list, set, unset, apply, save-columns, columns)`);
	} finally {
		await closeInstance(db);
	}
}

async function cmdDemo(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			tickets: { type: 'string', default: String(DEMO_DEFAULT_TICKETS) },
			seed: { type: 'string', default: '42' },
			db: { type: 'string' },
			json: { type: 'boolean', default: false }
		}
	});
	const tickets = Number(values.tickets);
	const seed = Number(values.seed);
	if (!Number.isInteger(tickets) || tickets < 1) throw new UsageError('--tickets must be a positive whole number');
	if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
	const db = dbPath(values.db);
	const summary = await loadDemo(db, tickets, seed, progressPrinter(!values.json && process.stderr.isTTY === true));
	if (values.json) console.log(JSON.stringify(summary, null, 2));
	else printSummary(summary, `demo data (${fmt(tickets)} tickets, seed ${seed})`);
	return 0;
}

async function loadDemo(db: string, tickets: number, seed: number, progress: ReturnType<typeof progressPrinter>) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-demo-'));
	try {
		const files = await writeDemoCsv(dir, { tickets, seed });
		return await importFiles({ db, ticketsFile: files.ticketsPath, eventsFile: files.eventsPath, source: 'demo', progress });
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const hours = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));

function printKpis(r: KpiReport) {
	const f = Object.entries(r.filters).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
	const row = (label: string, cur: string, prev: string) => `  ${label.padEnd(34)}${cur.padStart(12)}${prev.padStart(14)}`;
	const line = (label: string, get: (k: KpiSet) => string) => row(label, get(r), get(r.previous));
	const out = [
		`KPIs for ${r.period.from} to ${r.period.to} (${r.period.time_zone}, the end date excluded); filters: ${f}`,
		row('', 'period', `${r.previous.period.from}..`),
		line('Tickets created', (k) => fmt(k.tickets_created)),
		line('Escalation rate', (k) => `${pct(k.escalation_rate)} (${fmt(k.escalated_tickets)})`),
		line('Tickets resolved', (k) => fmt(k.tickets_resolved)),
		line('First contact resolution', (k) => `${pct(k.fcr_rate)} (${fmt(k.fcr_tickets)})`),
		line('Reopen rate', (k) => `${pct(k.reopen_rate)} (${fmt(k.reopened_tickets)})`),
		line('CSAT satisfied, escalated', (k) => `${pct(k.csat.escalated.satisfied_rate)} of ${fmt(k.csat.escalated.rated)}`),
		line('CSAT satisfied, not escalated', (k) => `${pct(k.csat.not_escalated.satisfied_rate)} of ${fmt(k.csat.not_escalated.rated)}`),
		'',
		'  Hours by resolving tier     count     MTTR mean / median / p90      end-to-end mean / median / p90'
	];
	const tiers = [...new Set([...Object.keys(r.mttr_hours_by_tier), ...Object.keys(r.resolution_hours_by_tier)])].sort();
	for (const t of tiers) {
		const m = r.mttr_hours_by_tier[t];
		const e = r.resolution_hours_by_tier[t];
		out.push(
			`  tier ${t.padEnd(22)}${fmt(m?.count ?? 0).padStart(6)}     ${[m?.mean, m?.median, m?.p90].map(hours).join(' / ').padEnd(30)}${[e?.mean, e?.median, e?.p90].map(hours).join(' / ')}`
		);
	}
	if (tiers.length === 0) out.push('  (no tickets resolved in the period)');
	const sla = r.sla_by_tier ?? {};
	out.push('', `  SLA by tier, ${r.sla_calendar}: segments starting in the period`, '  tier        response met               resolution met');
	for (const [t, x] of Object.entries(sla)) {
		out.push(
			`  tier ${t.padEnd(6)}${`${pct(x.response_met_rate)} (${fmt(x.response_met_count)} of ${fmt(x.response_judged)})`.padEnd(27)}${pct(x.resolution_met_rate)} (${fmt(x.resolution_met_count)} of ${fmt(x.resolution_judged)})`
		);
	}
	if (Object.keys(sla).length === 0) out.push('  (no tier segments with a target started in the period)');
	console.log(out.join('\n'));
}

async function cmdKpis(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			from: { type: 'string' },
			to: { type: 'string' },
			team: { type: 'string' },
			channel: { type: 'string' },
			priority: { type: 'string' },
			category: { type: 'string' },
			vip: { type: 'string' },
			tier: { type: 'string' },
			weeks: { type: 'string' },
			db: { type: 'string' },
			json: { type: 'boolean', default: false }
		}
	});
	const { db: dbArg, json, ...params } = values;
	if (!params.from || !params.to) throw new UsageError('kpis needs --from YYYY-MM-DD and --to YYYY-MM-DD');
	let filters;
	try {
		filters = parseKpiParams(params);
	} catch (err) {
		if (err instanceof KpiParamsError) throw new UsageError(err.message);
		throw err;
	}
	const db = dbPath(dbArg);
	const server = await findRunningServer(db);
	let report: KpiReport;
	if (server) {
		const url = new URL('/api/kpis', server.url);
		for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
		const res = await fetch(url, { headers: linkHeaders(server) });
		const body = (await res.json()) as KpiReport & { message?: string };
		if (!res.ok) throw new Error(body.message ?? `the server answered HTTP ${res.status}`);
		report = body;
	} else {
		try {
			report = await computeKpis(filters, db);
		} finally {
			await closeInstance(db);
		}
	}
	if (json) console.log(JSON.stringify(report, null, 2));
	else printKpis(report);
	return 0;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function printTables(tables: Record<string, number>) {
	const width = Math.max(...Object.keys(tables).map((t) => t.length));
	return Object.entries(tables).map(([t, n]) => `  ${t.padEnd(width)} ${fmt(n).padStart(12)}`);
}

async function cmdBackup(args: string[]): Promise<number> {
	const { values } = parseArgs({ args, options: { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false } } });
	const db = dbPath(values.db);
	const out = values.out ? path.resolve(values.out) : undefined;
	const server = await findRunningServer(db);
	let s: BackupSummary;
	if (server) s = await backupThroughServer(server, out);
	else s = await backupFile(out ?? defaultBackupPath(db), db);
	if (values.json) console.log(JSON.stringify(s, null, 2));
	else {
		console.log(
			`Backed up ${db}${server ? ` (through the server at ${server.url})` : ''} to ${s.file}: ${mb(s.bytes)}, schema version ${s.schemaVersion}, in ${s.seconds.toFixed(1)} s`
		);
		console.log(printTables(s.tables).join('\n'));
	}
	return 0;
}

async function cmdRestore(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { db: { type: 'string' }, force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }
	});
	if (positionals.length !== 1) throw new UsageError('restore needs one backup FILE');
	const db = dbPath(values.db);
	const s = await restoreDatabase(path.resolve(positionals[0]), db, { force: values.force });
	if (values.json) console.log(JSON.stringify(s, null, 2));
	else {
		const upgraded = s.schemaVersion > s.fromVersion ? `, upgraded from schema version ${s.fromVersion} to ${s.schemaVersion}` : `, schema version ${s.schemaVersion}`;
		console.log(`Restored ${s.file} into ${s.db}${upgraded}, in ${s.seconds.toFixed(1)} s`);
		if (s.movedAside) console.log(`The database it replaced is kept as ${s.movedAside} (to undo: rename it back to ${path.basename(db)}).`);
		console.log(printTables(s.tables).join('\n'));
	}
	return 0;
}

function newestMtime(entry: string): number {
	const st = fs.statSync(entry, { throwIfNoEntry: false });
	if (!st) return 0;
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
	return newest;
}

function buildIfNeeded(): void {
	const handler = path.join(ROOT, 'build', 'handler.js');
	const built = fs.statSync(handler, { throwIfNoEntry: false })?.mtimeMs ?? 0;
	const sources = ['src', 'static', 'queries', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => path.join(ROOT, p));
	if (built > Math.max(...sources.map(newestMtime))) return;
	console.log(built ? 'Sources changed since the last build; rebuilding…' : 'Building the web app (first run)…');
	const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
	const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
	if (r.status !== 0) throw new Error('the web app did not build (see the output above)');
}

async function cmdServe(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			port: { type: 'string', default: process.env.PORT ?? '3000' },
			host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
			db: { type: 'string' },
			'no-build': { type: 'boolean', default: false }
		}
	});
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number');
	const db = dbPath(values.db);
	process.env.HANDOFF_DB = db;
	process.env.HANDOFF_ROOT ??= ROOT;
	const running = await findRunningServer(db);
	if (running) throw new UsageError(`${db} is already served at ${running.url} (pid ${running.pid})`);
	if (!values['no-build']) buildIfNeeded();

	await getInstance(db);
	try {
		await refuseOpenNetworkBind(values.host, db);
	} catch (err) {
		await closeInstance(db);
		throw err;
	}
	if (await databaseIsEmpty()) {
		const n = Number(process.env.HANDOFF_DEMO_TICKETS ?? DEMO_DEFAULT_TICKETS);
		console.log(`The database is empty: loading ${fmt(n)} demo tickets (clear them from the home page)…`);
		const s = await loadDemo(db, n, 42, progressPrinter(process.stderr.isTTY === true));
		console.log(`Demo data loaded: ${fmt(s.tickets.inserted)} tickets, ${fmt(s.events.inserted)} events.`);
	}

	// Handoff enforces its own upload limit (HANDOFF_MAX_UPLOAD_MB) while streaming to disk.
	process.env.BODY_SIZE_LIMIT ??= 'Infinity';
	// adapter-node assumes https when ORIGIN is unset, and SvelteKit's CSRF check would then
	// refuse every form post to this plain-http server. Tell it the protocol we really serve,
	// in a header we set ourselves (a client cannot choose it). Behind a TLS proxy, set ORIGIN.
	// The token the command line presents to this server (see server-link.ts); the web app reads it.
	process.env.HANDOFF_LINK_TOKEN = newLinkToken();
	const protocolHeader = 'x-handoff-protocol';
	if (!process.env.ORIGIN) process.env.PROTOCOL_HEADER = protocolHeader;
	const { handler } = (await import(pathToFileURL(path.join(ROOT, 'build', 'handler.js')).href)) as {
		handler: http.RequestListener;
	};
	const server = http.createServer((req, res) => {
		req.headers[protocolHeader] = 'http';
		handler(req, res);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, values.host, () => resolve());
	});
	const addr = server.address();
	const actualPort = typeof addr === 'object' && addr ? addr.port : port;
	const shownHost = values.host.includes(':') ? `[${values.host}]` : values.host;
	const url = `http://${shownHost}:${actualPort}`;
	writeServerInfo({ pid: process.pid, url, db, startedAt: new Date().toISOString(), token: process.env.HANDOFF_LINK_TOKEN! });
	console.log(`Handoff is serving ${path.relative(process.cwd(), db) || db} at ${url}`);
	const accounts = await countUsers(db);
	console.log(
		accounts
			? `Everyone signs in (${fmt(accounts)} account${accounts === 1 ? '' : 's'}).`
			: `No account yet: open to this machine only. To require sign-in, add an admin: handoff user add NAME --role admin`
	);

	await new Promise<void>((resolve) => {
		const stop = () => resolve();
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
	});
	removeServerInfo(db);
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
	await closeInstance(db);
	return 0;
}

/** Runs one command; its changes are audited as made by 'cli'. */
export function main(argv: string[]): Promise<number> {
	return runAs('cli', () => run(argv));
}

async function run(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	try {
		if (!command || command === '--help' || command === '-h' || command === 'help') {
			console.log(HELP);
			return command ? 0 : 2;
		}
		if (rest.includes('--help') || rest.includes('-h')) {
			console.log(command in COMMAND_HELP ? `Usage:\n${COMMAND_HELP[command as keyof typeof COMMAND_HELP]}` : HELP);
			return 0;
		}
		switch (command) {
			case 'import':
				return await cmdImport(rest);
			case 'demo':
				return await cmdDemo(rest);
			case 'map':
				return await cmdMap(rest);
			case 'kpis':
				return await cmdKpis(rest);
			case 'backup':
				return await cmdBackup(rest);
			case 'restore':
				return await cmdRestore(rest);
			case 'serve':
				return await cmdServe(rest);
			case 'user':
				return await cmdUser(rest, (message) => {
					throw new UsageError(message);
				});
			default:
				throw new UsageError(`unknown command "${command}"`);
		}
	} catch (err) {
		if (err instanceof ImportFatalError) {
			console.error(`handoff: import failed, nothing was changed: ${err.file}: ${err.problem}`);
			return 1;
		}
		if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
			console.error(`handoff: ${(err as Error).message}\nRun 'handoff --help' for usage.`);
			return 2;
		}
		if (err instanceof DatabaseLockedError || err instanceof BackupError || err instanceof AccountError || err instanceof ExposedWithoutAccountsError) {
			console.error(`handoff: ${err.message}`);
			return 1;
		}
		console.error(`handoff: ${err instanceof Error ? err.message : String(err)}`);
		return 1;
	}
}
