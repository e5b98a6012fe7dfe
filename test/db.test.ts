// The database file: created on first use, and upgraded in place by versioned migrations.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { closeInstance, migrate, query, schemaVersion, withConnection } from '../src/lib/server/db.ts';
import { MIGRATIONS } from '../src/lib/server/migrations.ts';
import { tempDir } from './helpers.ts';

describe('the DuckDB store', () => {
	it('creates the file and its folders on first use, at the latest schema version', async () => {
		const db = path.join(tempDir(), 'nested', 'dir', 'new.duckdb');
		const version = await withConnection((conn) => schemaVersion(conn), db);
		expect(version).toBe(MIGRATIONS.length);
		expect(fs.existsSync(db)).toBe(true);
		await closeInstance(db);
	});

	it('upgrades a file made by an older version in place, keeping its rows', async () => {
		const db = path.join(tempDir(), 'old.duckdb');
		// A file as version 1 of the schema left it, with one ticket in it.
		const old = await DuckDBInstance.create(db);
		const conn = await old.connect();
		await migrate(conn, 1);
		await conn.run(
			`INSERT INTO tickets (ticket_id, created_at, priority, category, vip, import_id, line)
			VALUES ('OLD-1', '2026-01-05 09:00:00+00', 'normal', 'billing', false, 1, 2)`
		);
		expect(await schemaVersion(conn)).toBe(1);
		conn.closeSync();
		old.closeSync();

		const rows = await withConnection(async (c) => {
			expect(await schemaVersion(c)).toBe(MIGRATIONS.length);
			// app_meta arrived with version 2.
			await c.run(`INSERT INTO app_meta VALUES ('k', 'v')`);
			return query<{ ticket_id: string }>(c, 'SELECT ticket_id FROM tickets');
		}, db);
		expect(rows).toEqual([{ ticket_id: 'OLD-1' }]);
		const applied = await withConnection((c) => query<{ version: number }>(c, 'SELECT version FROM schema_migrations ORDER BY version'), db);
		expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
		await closeInstance(db);
	});

	it('opening an up-to-date file twice applies nothing again', async () => {
		const db = path.join(tempDir(), 'twice.duckdb');
		await withConnection(async () => undefined, db);
		await closeInstance(db);
		const count = await withConnection(async (c) => query<{ n: number }>(c, 'SELECT count(*)::INTEGER AS n FROM schema_migrations'), db);
		expect(count[0].n).toBe(MIGRATIONS.length);
		await closeInstance(db);
	});
});
