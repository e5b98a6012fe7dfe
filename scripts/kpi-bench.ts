// Part of `npm run bench`: the full KPI set for one week plus its 12-week series, warm, on a
// database the benchmark imported; the bare SQL of the same queries in the same run; and
// what rebuilding the materialized facts costs an import.
import { DateTime } from 'luxon';
import { closeInstance, query, withConnection, withConnections } from '../src/lib/server/db.ts';
import { rebuildFactsNow } from '../src/lib/server/facts.ts';
import { computeKpis, KPI_CONNECTIONS, parseKpiParams } from '../src/lib/server/kpis.ts';
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

// The same statements, run directly the way computeKpis runs them: on as many connections,
// each with the macros; the check that the week and the previous week are weeks of the series
// (so computeKpis reads both from it); then the 7 queries (SLA included) for the 12-week
// series, dearest first, each connection taking the next one when it is free.
const names = ['mttr_by_tier', 'resolution_time_by_tier', 'sla_by_tier', 'csat', 'fcr', 'reopen_rate', 'escalation_rate'];
const utc = (d: string) => `${d}T00:00:00Z`;
const seriesFrom = DateTime.fromISO(to).minus({ weeks: 12 }).toISODate()!;
const prevFrom = DateTime.fromISO(from).minus({ weeks: 1 }).toISODate()!;
const checks = [
	{ from: utc(from), to: utc(to) },
	{ from: utc(prevFrom), to: utc(from) }
];
const series = { from: utc(seriesFrom), to: utc(to), weekly: true };
const sql = (name: string) => querySql(name).replace(/--[^\n]*/g, '');
const bound = (text: string, p: Record<string, unknown>) =>
	Object.fromEntries(
		Object.entries({ ...p, tz: 'UTC', team: null, channel: null, priority: null, category: null, vip: null, tier: null }).filter(([k]) => text.includes(`$${k}`))
	) as never;
const bare: number[] = [];
await withConnections(KPI_CONNECTIONS, async (conns) => {
	// The SPEC's default targets for every priority, as computeKpis() uses them.
	for (const conn of conns) {
		await conn.run(`CREATE OR REPLACE TEMP TABLE sla_targets AS
			SELECT t.*, p.priority FROM (VALUES (1, 1.0, 24.0), (2, 4.0, 72.0), (3, 0.5, 8.0)) t(tier, response_hours, resolution_hours)
			CROSS JOIN (VALUES ('low'), ('normal'), ('high'), ('urgent')) p(priority)`);
	}
	const run = async () => {
		await Promise.all(
			conns.map(async (conn) => {
				await runScript(conn, 'ticket_scope');
				await runScript(conn, 'sla_judged');
			})
		);
		await Promise.all(
			checks.map(async (p, i) => {
				const [week] = (await conns[i % conns.length].runAndReadAll(sql('period_week'), bound(sql('period_week'), p))).getRowObjectsJS();
				if (!week) throw new Error(`${p.from}..${p.to} should be a week of the series`);
			})
		);
		const queue = [...names];
		await Promise.all(
			conns.map(async (conn) => {
				for (let n = queue.shift(); n; n = queue.shift()) (await conn.runAndReadAll(sql(n), bound(sql(n), series))).getRows();
			})
		);
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
	await rebuildFactsNow(conn); // as on open, when the facts are out of date
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
