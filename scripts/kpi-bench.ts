// Part of `npm run bench`: the full KPI set for one week plus its 12-week series, warm, on a
// database the benchmark imported; the bare SQL of the same queries in the same run; and
// what rebuilding the materialized facts costs an import.
import { DateTime } from 'luxon';
import { closeInstance, query, withConnection } from '../src/lib/server/db.ts';
import { rebuildFacts } from '../src/lib/server/facts.ts';
import { computeKpis, parseKpiParams } from '../src/lib/server/kpis.ts';
import { querySql, runScript } from '../src/lib/server/queries.ts';

const db = process.argv[2];
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const [{ last }] = await withConnection((c) => query<{ last: string }>(c, `SELECT strftime(max(created_at) AT TIME ZONE 'UTC', '%Y-%m-%d') AS last FROM tickets`), db);
// The last complete ISO week in the data.
const to = DateTime.fromISO(last, { zone: 'UTC' }).startOf('week').toISODate()!;
const from = DateTime.fromISO(to).minus({ weeks: 1 }).toISODate()!;
const params = parseKpiParams({ from, to, weeks: '12' });

await computeKpis(params, db); // warm-up
const ours: number[] = [];
for (let i = 0; i < RUNS; i++) {
	const t = performance.now();
	await computeKpis(params, db);
	ours.push(performance.now() - t);
}

// The same statements, run directly: the macros, the check that the week and the previous
// week are weeks of the series (so computeKpis reads both from it), then the 7 queries (SLA
// included) for the 12-week series.
const names = ['escalation_rate', 'fcr', 'reopen_rate', 'mttr_by_tier', 'resolution_time_by_tier', 'csat'];
const utc = (d: string) => `${d}T00:00:00Z`;
const seriesFrom = DateTime.fromISO(to).minus({ weeks: 12 }).toISODate()!;
const prevFrom = DateTime.fromISO(from).minus({ weeks: 1 }).toISODate()!;
const checks = [
	{ from: utc(from), to: utc(to) },
	{ from: utc(prevFrom), to: utc(from) }
];
const series = { from: utc(seriesFrom), to: utc(to), weekly: true };
const bare: number[] = [];
await withConnection(async (conn) => {
	// The SPEC's default targets for every priority, as computeKpis() uses them.
	await conn.run(`CREATE OR REPLACE TEMP TABLE sla_targets AS
		SELECT t.*, p.priority FROM (VALUES (1, 1.0, 24.0), (2, 4.0, 72.0), (3, 0.5, 8.0)) t(tier, response_hours, resolution_hours)
		CROSS JOIN (VALUES ('low'), ('normal'), ('high'), ('urgent')) p(priority)`);
	const run = async () => {
		await runScript(conn, 'ticket_scope');
		await runScript(conn, 'sla_judged');
		const bound = (sql: string, p: Record<string, unknown>) =>
			Object.fromEntries(
				Object.entries({ ...p, tz: 'UTC', team: null, channel: null, priority: null, category: null, vip: null, tier: null }).filter(([k]) => sql.includes(`$${k}`))
			);
		for (const p of checks) {
			const sql = querySql('period_week').replace(/--[^\n]*/g, '');
			const [week] = (await conn.runAndReadAll(sql, bound(sql, p) as never)).getRowObjectsJS();
			if (!week) throw new Error(`${p.from}..${p.to} should be a week of the series`);
		}
		for (const n of [...names, 'sla_by_tier']) {
			const sql = querySql(n).replace(/--[^\n]*/g, '');
			(await conn.runAndReadAll(sql, bound(sql, series) as never)).getRows();
		}
	};
	await run();
	for (let i = 0; i < RUNS; i++) {
		const t = performance.now();
		await run();
		bare.push(performance.now() - t);
	}
}, db);

const facts = await withConnection(async (conn) => {
	const t = performance.now();
	await conn.run('BEGIN TRANSACTION');
	await rebuildFacts(conn);
	await conn.run('ROLLBACK');
	return performance.now() - t;
}, db);
await closeInstance(db);

console.log(
	JSON.stringify({
		week: `${from}..${to}`,
		kpis_warm_ms: +median(ours).toFixed(1),
		bare_sql_warm_ms: +median(bare).toFixed(1),
		ratio: +(median(ours) / median(bare)).toFixed(2),
		facts_rebuild_ms: +facts.toFixed(0)
	})
);
