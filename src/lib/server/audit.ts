// The audit log: one row per change, naming who made it (see actor.ts). Reviews and actions
// record what was saved; imports, mappings, settings and accounts record what changed.
import type { DuckDBConnection } from '@duckdb/node-api';
import { currentActor } from './actor.ts';
import { query, withConnection } from './db.ts';

export async function audit(
	conn: DuckDBConnection,
	entity: string,
	entityId: number | null,
	reviewId: number | null,
	change: string,
	detail: unknown,
	actor = currentActor()
): Promise<void> {
	await conn.run(
		`INSERT INTO audit_log (changed_at, actor, entity, entity_id, review_id, change, detail) VALUES (now(), $actor, $entity, $entity_id, $review_id, $change, $detail)`,
		{ actor, entity, entity_id: entityId, review_id: reviewId, change, detail: JSON.stringify(detail) }
	);
}

/** Audits a change that is not part of a larger transaction. */
export async function auditNow(entity: string, entityId: number | null, change: string, detail: unknown, db?: string): Promise<void> {
	await withConnection((conn) => audit(conn, entity, entityId, null, change, detail), db);
}

export interface AuditRow {
	id: number;
	changed_at: string;
	actor: string;
	entity: string;
	entity_id: number | null;
	review_id: number | null;
	change: string;
	detail: string;
}

/** The latest changes, newest first; `entities` narrows to some kinds of change. */
export async function recentAudit(limit = 200, entities?: string[], db?: string): Promise<AuditRow[]> {
	// One bound parameter per kind ($e0, $e1, …); only the parameter names are written into the SQL.
	const kinds = entities ?? [];
	const params: Record<string, string | number> = { limit };
	kinds.forEach((e, i) => (params[`e${i}`] = e));
	const where = kinds.length ? `WHERE entity IN (${kinds.map((_, i) => `$e${i}`).join(', ')})` : '';
	const rows = await withConnection(
		(conn) =>
			query<Record<string, unknown>>(
				conn,
				`SELECT id, changed_at, actor, entity, entity_id, review_id, change, detail FROM audit_log ${where} ORDER BY id DESC LIMIT $limit`,
				params
			),
		db
	);
	return rows.map((r) => ({
		id: Number(r.id),
		changed_at: r.changed_at instanceof Date ? r.changed_at.toISOString() : String(r.changed_at),
		actor: String(r.actor),
		entity: String(r.entity),
		entity_id: r.entity_id === null ? null : Number(r.entity_id),
		review_id: r.review_id === null ? null : Number(r.review_id),
		change: String(r.change),
		detail: String(r.detail)
	}));
}
