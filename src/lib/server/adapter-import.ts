// Importing a helpdesk export: pick its adapter (or take the one asked for), convert the
// export's rows to canonical tickets and events with the value mappings of the database,
// and run them through the same validated, atomic import as the canonical format, with
// rejects reported against the export's own lines. The export itself is kept (under
// <database>.exports/<sha256>), so a change of mapping can be applied to the KPIs by
// converting the kept exports again, without asking anyone to import them again.
import crypto from 'node:crypto';
import { IANAZone } from 'luxon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { query, withConnection, dbPath } from './db.ts';
import { ImportFatalError, refuseUnreadable, runImport, type ImportSource, type ImportSummary } from './import.ts';
import { EVENT_FIELDS, TICKET_FIELDS } from '../import/canonical.ts';
import { FatalFileError } from '../import/read-records.ts';
import { ADAPTERS, adapterById, detectAdapter } from '../import/adapters/index.ts';
import { readExport, readExportHeader } from '../import/adapters/source.ts';
import { genericAdapter, GenericMappingSpec, missingColumns } from '../import/adapters/generic.ts';
import { convertZendeskAudits, convertZendeskMetricEvents } from '../import/adapters/zendesk-json.ts';
import { EMPTY_MAPPINGS, type Adapter, type AdapterId, type ConvertNote, type MappingKind, type ValueMappings } from '../import/adapters/types.ts';
import { audit } from './audit.ts';

export interface ExportImportRequest {
	file: string;
	/** The name shown in messages and history (uploads live under generated names). */
	name?: string;
	format?: AdapterId | null;
	/** A saved column mapping to read the export with (instead of a helpdesk format). */
	mapping?: string | null;
	dateOrder?: 'dmy' | 'mdy' | null;
	source: ImportSource;
	timeZone?: string;
	db?: string;
	adapters?: Adapter[];
	/** Zendesk only: ticket audits and metric events JSON, for the group changes and SLA breaches the CSV cannot date. */
	extras?: ExtraFile[];
}

export interface ExtraFile {
	kind: 'zendesk-audits' | 'zendesk-metric-events' | 'zendesk-groups';
	file: string;
	name?: string;
}

/** Zendesk's groups as {groups: [{id, name}]} (the API) or {"id": "name"}: id -> name. */
function groupNamesOf(json: unknown): Record<string, string> | null {
	if (json && typeof json === 'object' && Array.isArray((json as { groups?: unknown }).groups)) {
		const out: Record<string, string> = {};
		for (const g of (json as { groups: { id?: unknown; name?: unknown }[] }).groups) if (g && g.id !== undefined && typeof g.name === 'string') out[String(g.id)] = g.name;
		return out;
	}
	if (json && typeof json === 'object' && !Array.isArray(json) && Object.values(json).every((v) => typeof v === 'string')) return json as Record<string, string>;
	return null;
}

function readJson(x: ExtraFile): unknown {
	const label = x.name ?? path.basename(x.file);
	if (!fs.existsSync(x.file)) throw new ImportFatalError(label, 'does not exist');
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(x.file));
	} catch {
		throw new ImportFatalError(label, 'is not valid UTF-8 text (save the export as UTF-8)');
	}
	try {
		return JSON.parse(text);
	} catch (err) {
		throw new ImportFatalError(label, `is not valid JSON (${(err as Error).message})`);
	}
}

export interface ExportImportSummary extends ImportSummary {
	adapter: AdapterId;
	adapterLabel: string;
	/** Groups that have no tier yet: they count as tier 1 until mapped. */
	unmappedGroups: string[];
	notes: ConvertNote[];
}

export const MAPPING_KINDS: MappingKind[] = ['group_tier', 'status', 'priority', 'csat'];

export async function loadMappings(db?: string): Promise<ValueMappings> {
	const rows = await withConnection((conn) => query<{ kind: MappingKind; value: string; target: string }>(conn, 'SELECT kind, value, target FROM value_mappings'), db);
	const out: ValueMappings = structuredClone(EMPTY_MAPPINGS);
	for (const r of rows) {
		if (r.kind === 'group_tier') out.group_tier[r.value] = Number(r.target);
		else if (MAPPING_KINDS.includes(r.kind)) out[r.kind][r.value] = r.target;
	}
	return out;
}

/** Sets (or with target null, removes) one value mapping. */
export async function setMapping(kind: MappingKind, value: string, target: string | number | null, db?: string): Promise<void> {
	if (!MAPPING_KINDS.includes(kind)) throw new Error(`unknown mapping kind ${kind}`);
	if (kind === 'group_tier' && target !== null && !(Number.isInteger(Number(target)) && Number(target) >= 1 && Number(target) <= 9)) {
		throw new Error(`a tier is a whole number from 1 to 9 (got ${target})`);
	}
	await withConnection(async (conn) => {
		if (target === null) await conn.run('DELETE FROM value_mappings WHERE kind = $kind AND value = $value', { kind, value });
		else
			await conn.run(
				`INSERT INTO value_mappings VALUES ($kind, $value, $target, now())
				ON CONFLICT (kind, value) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at`,
				{ kind, value, target: String(target) }
			);
		await audit(conn, 'mapping', null, null, target === null ? 'removed' : 'set', { kind, value, target });
	}, db);
}

/** Where kept exports live: beside the database file. */
export function exportsDir(db?: string): string {
	return `${dbPath(db)}.exports`;
}

/** RFC 4180 quoting only: the canonical files are data, not spreadsheets (no formula guard). */
function cell(v: string | undefined): string {
	const s = v ?? '';
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function sha256(file: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const h = crypto.createHash('sha256');
		fs.createReadStream(file)
			.on('data', (c) => h.update(c))
			.on('end', () => resolve(h.digest('hex')))
			.on('error', reject);
	});
}

export function chooseAdapter(header: string[], label: string, format: string | null | undefined, adapters: Adapter[]): Adapter {
	if (format) {
		const a = adapterById(format, adapters);
		if (!a) throw new ImportFatalError(label, `unknown format "${format}"; the formats are ${adapters.map((x) => x.id).join(', ')}`);
		return a;
	}
	const d = detectAdapter(header, adapters);
	if ('error' in d) throw new ImportFatalError(label, d.error);
	return d.adapter;
}

/** Converts and imports one helpdesk export; on a fatal problem nothing is changed. */
export async function importExport(req: ExportImportRequest): Promise<ExportImportSummary> {
	const adapters = req.adapters ?? ADAPTERS;
	const label = req.name ?? path.basename(req.file);
	await refuseUnreadable(req.file, label);
	for (const x of req.extras ?? []) await refuseUnreadable(x.file, x.name ?? path.basename(x.file));
	const header = await readExportHeader(req.file);
	if (!header.length) throw new ImportFatalError(label, 'is empty (no header row)');
	let adapter: Adapter;
	if (req.mapping) {
		const spec = await getColumnMapping(req.mapping, req.db);
		if (!spec) throw new ImportFatalError(label, `there is no saved column mapping "${req.mapping}"`);
		const missing = missingColumns(spec, header);
		if (missing.length) throw new ImportFatalError(label, `has no column ${missing.map((c) => `"${c}"`).join(', ')}, which the mapping "${spec.name}" reads`);
		adapter = genericAdapter(spec) as unknown as Adapter;
	} else adapter = chooseAdapter(header, label, req.format, adapters);
	const mappings = await loadMappings(req.db);
	// Exports written in local time are read in the account's time zone (Settings).
	const timeZone = req.timeZone ?? (await exportTimeZone(req.db)).zone;

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-export-'));
	const ticketsFile = path.join(dir, 'tickets.csv');
	const eventsFile = path.join(dir, 'events.csv');
	// Line n of a canonical file came from line lines[n] of the export (line 1 is the header).
	const ticketsLines: number[] = [0, 1];
	const eventsLines: number[] = [0, 1];
	const notes: ConvertNote[] = [];
	const unmapped = new Set<string>();
	try {
		const tickets = fs.createWriteStream(ticketsFile);
		const events = fs.createWriteStream(eventsFile);
		const write = (s: fs.WriteStream, text: string) => (s.write(text) ? Promise.resolve() : new Promise<void>((r) => s.once('drain', () => r())));
		await write(tickets, TICKET_FIELDS.join(',') + '\n');
		await write(events, EVENT_FIELDS.join(',') + '\n');
		const ctx = {
			timeZone,
			dateOrder: req.dateOrder ?? null,
			mappings,
			note: (n: ConvertNote) => void (notes.length < 1_000 && notes.push(n)),
			unmappedGroup: (g: string) => void unmapped.add(g)
		};
		for await (const row of adapter.convert(readExport(req.file), ctx)) {
			if (row.kind === 'ticket') {
				ticketsLines.push(row.line);
				await write(tickets, TICKET_FIELDS.map((f) => cell(row.record[f])).join(',') + '\n');
			} else {
				eventsLines.push(row.line);
				await write(events, EVENT_FIELDS.map((f) => cell(row.record[f])).join(',') + '\n');
			}
		}
		// Zendesk's JSON files add dated events after the CSV's, so an audit's event replaces the
		// CSV's guess with the same id. Their "line" is the item's position in the JSON list.
		const extras = req.extras ?? [];
		if (extras.length && adapter.id !== 'zendesk') throw new ImportFatalError(extras[0].name ?? path.basename(extras[0].file), `audits and metric events go with a Zendesk ticket export, not ${adapter.label}`);
		const groupsFile = extras.find((x) => x.kind === 'zendesk-groups');
		const groupNames = groupsFile ? groupNamesOf(readJson(groupsFile)) : undefined;
		if (groupsFile && !groupNames) throw new ImportFatalError(groupsFile.name ?? path.basename(groupsFile.file), 'is not a list of Zendesk groups ({"groups": [{"id", "name"}]})');
		for (const x of extras.filter((e) => e.kind !== 'zendesk-groups')) {
			const json = readJson(x);
			const out = x.kind === 'zendesk-audits' ? convertZendeskAudits(json, ctx, { groupNames: groupNames ?? undefined }) : convertZendeskMetricEvents(json, ctx);
			if ('fatal' in out) throw new ImportFatalError(x.name ?? path.basename(x.file), out.fatal);
			for (const row of out.rows) {
				if (row.kind !== 'event') continue;
				eventsLines.push(row.line);
				await write(events, EVENT_FIELDS.map((f) => cell(row.record[f])).join(',') + '\n');
			}
		}
		await Promise.all([tickets, events].map((s) => new Promise<void>((r, j) => s.end((err?: Error | null) => (err ? j(err) : r())))));

		const sha = await sha256(req.file);
		const keep = path.join(exportsDir(req.db), sha);
		const keptExtras = await Promise.all(extras.map(async (x) => ({ kind: x.kind, name: x.name ?? path.basename(x.file), sha: await sha256(x.file), file: x.file })));
		const summary = await runImport({
			ticketsFile,
			eventsFile,
			ticketsName: label,
			eventsName: extras.length ? `${label} + ${extras.map((x) => x.name ?? path.basename(x.file)).join(' + ')} (events)` : `${label} (events)`,
			source: req.source,
			timeZone,
			db: req.db,
			format: adapter.id,
			ticketsLines,
			eventsLines,
			staleEvents: async (conn, importId) => {
				// The export is the whole truth about its tickets' derived events: one this
				// conversion no longer makes (a routing event after its group was remapped to
				// tier 1) is removed, if an earlier import by the same adapter wrote it.
				await conn.run(
					`INSERT INTO stale_events
					SELECT event_key FROM events WHERE event_id IS NOT NULL
						AND ticket_id IN (SELECT ticket_id FROM new_tickets)
						AND import_id IN (SELECT id FROM imports WHERE format = $adapter AND id <> $id)
						AND event_key NOT IN (SELECT event_key FROM new_events)`,
					{ adapter: adapter.id, id: importId }
				);
			},
			beforeCommit: async (conn, importId) => {
				await conn.run(
					`INSERT INTO raw_exports VALUES ($sha, $adapter, $name, $options, $id, now())
					ON CONFLICT (sha256) DO UPDATE SET adapter = excluded.adapter, file_name = excluded.file_name,
						options = excluded.options, import_id = excluded.import_id, imported_at = excluded.imported_at`,
					{ sha, adapter: adapter.id === 'generic' ? `generic:${req.mapping}` : adapter.id, name: label, options: JSON.stringify({ dateOrder: req.dateOrder ?? null, timeZone, extras: keptExtras.map(({ file: _f, ...k }) => k) }), id: importId }
				);
			}
		});
		// Kept after the commit: a crash in between leaves a file nobody points to, never the reverse.
		for (const [from, to] of [[req.file, keep], ...keptExtras.map((k) => [k.file, path.join(exportsDir(req.db), k.sha)])]) {
			if (fs.existsSync(to) || path.resolve(from) === path.resolve(to)) continue;
			fs.mkdirSync(path.dirname(to), { recursive: true });
			fs.copyFileSync(from, `${to}.part`);
			fs.renameSync(`${to}.part`, to);
		}
		const known = new Set(Object.keys(mappings.group_tier));
		return { ...summary, adapter: adapter.id, adapterLabel: adapter.label, unmappedGroups: [...unmapped].filter((g) => !known.has(g)).sort(), notes };
	} catch (err) {
		// The export's reader found it unreadable past the first bytes (invalid UTF-8).
		if (err instanceof FatalFileError) throw new ImportFatalError(label, err.problem);
		throw err;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export interface KeptExport {
	sha256: string;
	adapter: string;
	file_name: string;
	options: { dateOrder: 'dmy' | 'mdy' | null; timeZone: string; extras?: { kind: ExtraFile['kind']; name: string; sha: string }[] };
}

export async function keptExports(db?: string): Promise<KeptExport[]> {
	const rows = await withConnection((conn) => query<Record<string, string>>(conn, 'SELECT sha256, adapter, file_name, options FROM raw_exports ORDER BY imported_at'), db);
	return rows.map((r) => ({ sha256: r.sha256, adapter: r.adapter, file_name: r.file_name, options: JSON.parse(r.options) }));
}

/**
 * Applies the current value mappings to everything imported from helpdesk exports: each kept
 * export is converted again and imported (the event ids do not depend on the mapping, so
 * events change in place), and the KPIs follow.
 */
export async function reapplyMappings(db?: string, adapters: Adapter[] = ADAPTERS): Promise<ExportImportSummary[]> {
	// Read again in the account's time zone as it is now (a corrected zone applies too).
	const out: ExportImportSummary[] = [];
	for (const k of await keptExports(db)) {
		const file = path.join(exportsDir(db), k.sha256);
		if (!fs.existsSync(file)) throw new ImportFatalError(k.file_name, `was imported before but its kept copy ${file} is missing`);
		out.push(
			await importExport({
				file,
				name: k.file_name,
				...(k.adapter.startsWith('generic:') ? { mapping: k.adapter.slice('generic:'.length) } : { format: k.adapter as AdapterId }),
				dateOrder: k.options.dateOrder, source: 'cli', db, adapters,
				extras: (k.options.extras ?? []).map((x) => ({ kind: x.kind, name: x.name, file: path.join(exportsDir(db), x.sha) })) })
		);
	}
	return out;
}

export interface GroupSeen {
	group: string;
	tickets: number;
	tier: number | null;
}

/** Every group in the data (a ticket's current group, or an event's), with its tier if mapped. */
export async function groupsSeen(db?: string): Promise<GroupSeen[]> {
	const rows = await withConnection(
		(conn) =>
			query<{ grp: string; tickets: number; tier: string | null }>(
				conn,
				`WITH seen AS (
					SELECT team AS grp, ticket_id FROM tickets WHERE team IS NOT NULL
					UNION SELECT team, ticket_id FROM events WHERE team IS NOT NULL
				)
				SELECT s.grp, count(DISTINCT s.ticket_id)::INTEGER AS tickets, any_value(m.target) AS tier
				FROM seen s LEFT JOIN value_mappings m ON m.kind = 'group_tier' AND m.value = s.grp
				GROUP BY s.grp ORDER BY s.grp`
			),
		db
	);
	return rows.map((r) => ({ group: r.grp, tickets: Number(r.tickets), tier: r.tier === null ? null : Number(r.tier) }));
}

/** Saves (or replaces) a column mapping by its name, after checking it. */
export async function saveColumnMapping(input: unknown, db?: string): Promise<GenericMappingSpec> {
	const spec = GenericMappingSpec.parse(input);
	await withConnection(async (conn) => {
		await conn.run(
			`INSERT INTO column_mappings VALUES ($name, $spec, now())
			ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at`,
			{ name: spec.name, spec: JSON.stringify(spec) }
		);
		await audit(conn, 'mapping', null, null, 'columns saved', { name: spec.name });
	}, db);
	return spec;
}

export async function getColumnMapping(name: string, db?: string): Promise<GenericMappingSpec | null> {
	const [row] = await withConnection((conn) => query<{ spec: string }>(conn, 'SELECT spec FROM column_mappings WHERE name = $name', { name }), db);
	return row ? GenericMappingSpec.parse(JSON.parse(row.spec)) : null;
}

export async function listColumnMappings(db?: string): Promise<string[]> {
	const rows = await withConnection((conn) => query<{ name: string }>(conn, 'SELECT name FROM column_mappings ORDER BY name'), db);
	return rows.map((r) => r.name);
}

const EXPORT_ZONE_KEY = 'exports.time_zone';

/** The account's time zone for exports written in local time; default HANDOFF_TZ, else UTC. */
export async function exportTimeZone(db?: string): Promise<{ zone: string; saved: boolean }> {
	const [row] = await withConnection((conn) => query<{ value: string }>(conn, 'SELECT value FROM app_meta WHERE key = $key', { key: EXPORT_ZONE_KEY }), db);
	return row ? { zone: row.value, saved: true } : { zone: process.env.HANDOFF_TZ || 'UTC', saved: false };
}

/** Sets the exports' time zone (an IANA name such as Europe/Berlin), or with null goes back to the default. */
export async function setExportTimeZone(zone: string | null, db?: string): Promise<void> {
	if (zone !== null && !IANAZone.isValidZone(zone)) throw new Error(`"${zone}" is not a time zone (use a name such as Europe/Berlin or America/New_York)`);
	await withConnection(async (conn) => {
		if (zone === null) await conn.run('DELETE FROM app_meta WHERE key = $key', { key: EXPORT_ZONE_KEY });
		else await conn.run('INSERT OR REPLACE INTO app_meta VALUES ($key, $value)', { key: EXPORT_ZONE_KEY, value: zone });
		await audit(conn, 'settings', null, null, 'export time zone', { zone });
	}, db);
}
