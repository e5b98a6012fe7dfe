// Results of the expensive read-only computations the dashboards repeat (the KPIs, the
// overview's category moves), kept per version of what they are computed from: the data, the
// configuration file and the time zone. Identical requests made while one is being computed
// wait for that one. What each computation means stays with its own module.
//
// The data's version is counted in this process, which is the only one writing its database
// file (DuckDB's one-writer rule; the CLI hands its imports to the server): whatever commits a
// change to tickets, events or imports calls dataChanged(). A cache hit touches no database,
// so it is not queued behind the queries of other requests.
import { createHash } from 'node:crypto';
import { loadConfig } from './config.ts';
import { dbPath } from './db.ts';

/** Results kept at most, across versions; an old version's results age out. */
const MAX_ENTRIES = 200;

const entries = new Map<string, Promise<unknown>>();
const generations = new Map<string, number>();

/** Starts a new version of `db`'s data; call right after the commit. */
export function dataChanged(db = dbPath()): void {
	generations.set(db, (generations.get(db) ?? 0) + 1);
}

/**
 * What a computation's result depends on besides its parameters. Taken before computing: a
 * computation that starts after a commit sees a new version, and one that started before is
 * kept under the old version, which no request asks for again.
 */
function version(db: string): string {
	const config = createHash('sha256').update(JSON.stringify(loadConfig())).digest('hex');
	return JSON.stringify([db, generations.get(db) ?? 0, process.env.HANDOFF_TZ || 'UTC', config]);
}

/** The same JSON for the same parameters, whatever order their keys came in. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v
	);
}

/**
 * `compute()`'s result for `name` and `params` on the current data: from the cache, from an
 * identical computation already running, or computed now. A failure is passed on and not kept.
 * Callers must not change the result: other requests get the same object.
 */
export async function readThrough<T>(name: string, params: unknown, compute: () => Promise<T>, db?: string): Promise<T> {
	const key = `${version(dbPath(db))}\n${name}\n${canonical(params)}`;
	let entry = entries.get(key) as Promise<T> | undefined;
	if (entry) {
		// Most recently used last, so the oldest entry is the first one evicted.
		entries.delete(key);
	} else {
		entry = compute();
		entry.catch(() => {
			if (entries.get(key) === entry) entries.delete(key);
		});
		if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
	}
	entries.set(key, entry);
	return entry;
}
