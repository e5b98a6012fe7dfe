// The SQL files of queries/: found beside the checkout, read once, and run with only the
// parameters each file uses bound (DuckDB refuses a named parameter a statement lacks).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from './db.ts';

export type SqlValue = string | number | boolean | null;

function findQueriesDir(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [
		process.env.HANDOFF_ROOT && path.join(process.env.HANDOFF_ROOT, 'queries'),
		path.resolve(here, '../../../queries'), // src/lib/server, or build/server/chunks
		path.join(process.cwd(), 'queries')
	].filter((d): d is string => !!d);
	const found = candidates.find((d) => fs.existsSync(path.join(d, 'ticket_facts.sql')));
	if (!found) throw new Error(`cannot find the queries/ folder (looked in ${candidates.join(', ')}); set HANDOFF_ROOT`);
	return found;
}

let dir: string | null = null;
const cache = new Map<string, string>();

export function querySql(name: string): string {
	if (!/^[a-z_]+$/.test(name)) throw new Error(`"${name}" is not a query name`);
	let sql = cache.get(name);
	if (sql === undefined) {
		dir ??= findQueriesDir();
		sql = fs.readFileSync(path.join(dir, `${name}.sql`), 'utf8');
		cache.set(name, sql);
	}
	return sql;
}

export function queryDigest(name: string): string {
	return crypto.createHash('sha256').update(querySql(name)).digest('hex');
}

/** The $names a statement uses, outside comments. */
function parameterNames(sql: string): Set<string> {
	const code = sql.replace(/--[^\n]*/g, '');
	return new Set([...code.matchAll(/\$([a-z_]+)/g)].map((m) => m[1]));
}

export async function runQuery<T>(conn: DuckDBConnection, name: string, params: Record<string, SqlValue>): Promise<T[]> {
	const sql = querySql(name);
	const used = parameterNames(sql);
	const bound: Record<string, SqlValue> = {};
	for (const k of used) {
		if (!(k in params)) throw new Error(`queries/${name}.sql uses $${k}, which was not given`);
		bound[k] = params[k];
	}
	return query<T>(conn, sql, bound);
}

/** Runs a file of statements that return nothing (DDL, macros). */
export async function runScript(conn: DuckDBConnection, name: string): Promise<void> {
	await conn.run(querySql(name));
}
