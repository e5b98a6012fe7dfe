// `npm run bench:load`: the built server under concurrent dashboard traffic while an import
// runs through it. 50 clients (--connections) for 30 s (--duration), one autocannon per URL
// kind (/, /api/kpis, /api/tickets) so each gets its own latencies, over a small realistic
// set of weeks and filters; meanwhile a generated set of new tickets (--import-tickets) goes
// through the server's import queue. Target: no errors, p95 of /api/kpis under 500 ms.
//
// Uses the database `npm run bench` imported (bench-data/bench-ours.duckdb; runs it first when
// missing, with --tickets), copied to a scratch file so the original stays untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { writeDemoCsv } from '../src/lib/server/demo-data.ts';
import { closeInstance } from '../src/lib/server/db.ts';
import { lastCompleteWeek } from '../src/lib/server/overview.ts';
import { findRunningServer, importThroughServer, type ServerInfo } from '../src/lib/server/server-link.ts';
import type { ImportSummary } from '../src/lib/server/import.ts';
import type { KpiReport } from '../src/lib/server/kpis.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.join(ROOT, 'bench-data');
const { values } = parseArgs({
	options: {
		db: { type: 'string', default: path.join(BENCH_DIR, 'bench-ours.duckdb') },
		tickets: { type: 'string', default: '1000000' },
		'import-tickets': { type: 'string', default: '200000' },
		connections: { type: 'string', default: '50' },
		duration: { type: 'string', default: '30' },
		timeout: { type: 'string', default: '10' },
		port: { type: 'string', default: '4301' },
		/** Start the load on a server that has answered nothing yet, instead of one in use. */
		cold: { type: 'boolean', default: false }
	}
});
const CONNECTIONS = Number(values.connections);
const DURATION = Number(values.duration);
const IMPORT_TICKETS = Number(values['import-tickets']);
// The demo sets of `npm run bench` end here; the imported set covers the same weeks.
const DATA_END = new Date('2026-11-23T00:00:00Z');

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a script of this repository with tsx, output passed through. */
async function runScript(args: string[]): Promise<void> {
	const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: 'inherit' });
	const [code] = (await once(child, 'exit')) as [number | null];
	if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
}

if (!fs.existsSync(values.db)) {
	if (path.resolve(values.db) !== path.join(BENCH_DIR, 'bench-ours.duckdb')) {
		console.error(`No database at ${values.db}.`);
		process.exit(1);
	}
	console.log(`No ${path.relative(ROOT, values.db)} yet: running \`npm run bench -- --tickets ${values.tickets}\` to make it…`);
	await runScript([path.join(ROOT, 'scripts', 'bench.ts'), '--tickets', values.tickets]);
}
if (!fs.existsSync(path.join(ROOT, 'build', 'handler.js'))) {
	console.error('No build: run `npm run build` first.');
	process.exit(1);
}

// The files to import during the load: new tickets (another id prefix) in the same weeks.
const importDir = path.join(BENCH_DIR, `load-import-${IMPORT_TICKETS}`);
const importFiles = { tickets: path.join(importDir, 'tickets.csv'), events: path.join(importDir, 'events.csv') };
if (IMPORT_TICKETS > 0 && (!fs.existsSync(importFiles.tickets) || !fs.existsSync(importFiles.events))) {
	console.log(`Generating ${IMPORT_TICKETS.toLocaleString('en-US')} new tickets to import during the load…`);
	await writeDemoCsv(importDir, { tickets: IMPORT_TICKETS, seed: 11, end: DATA_END, idPrefix: 'LOAD' });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-load-'));
const db = path.join(tmp, 'bench.duckdb');
fs.copyFileSync(values.db, db);

// The weeks the clients ask for, as the overview names them: the last complete one and the
// three before it. Opening the copy here also migrates it before the server is timed.
process.env.HANDOFF_DB = db;
const last = await lastCompleteWeek();
await closeInstance(db);
if (!last) {
	fs.rmSync(tmp, { recursive: true, force: true });
	console.error(`${values.db} holds no tickets.`);
	process.exit(1);
}
const weeks = [0, 1, 2, 3].map((n) => {
	const from = DateTime.fromISO(last.from).minus({ weeks: n });
	return { from: from.toISODate()!, to: from.plus({ weeks: 1 }).toISODate()! };
});
const filters: Record<string, string>[] = [{}, { priority: 'high' }, { channel: 'email' }, { category: 'billing' }];
const drills = [
	{ kpi: 'escalation_rate', part: 'numerator' },
	{ kpi: 'fcr', part: 'denominator' },
	{ kpi: 'reopen_rate', part: 'numerator' }
];
const qs = (p: Record<string, string>) => new URLSearchParams(p).toString();
const targets = [
	{ name: '/', paths: ['/', ...weeks.flatMap((w) => filters.map((f) => `/?${qs({ ...w, ...f })}`))] },
	{ name: '/api/kpis', paths: weeks.flatMap((w) => filters.map((f) => `/api/kpis?${qs({ ...w, ...f, weeks: '12' })}`)) },
	{
		name: '/api/tickets',
		paths: weeks.flatMap((w) => filters.flatMap((f) => drills.flatMap((d) => ['1', '2'].map((page) => `/api/tickets?${qs({ ...w, ...f, ...d, page })}`))))
	}
];

// The clients are a signed-in viewer, as on a server with accounts: the account is added to the
// scratch copy before the server starts, and its session cookie goes with every request.
const VIEWER = { username: 'load-viewer', password: 'load test viewer password' };
{
	const add = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'handoff.js'), 'user', 'add', VIEWER.username, '--role', 'viewer', '--password-stdin', '--db', db], {
		cwd: ROOT,
		input: `${VIEWER.password}\n`,
		encoding: 'utf8'
	});
	if (add.status !== 0) throw new Error(`could not add the viewer account: ${add.stderr}`);
}

async function signIn(info: ServerInfo): Promise<string> {
	const res = await fetch(new URL('/login', info.url), {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: new URL(info.url).origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(VIEWER).toString()
	});
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('handoff_session='));
	if (res.status !== 303 || !cookie) throw new Error(`signing in as ${VIEWER.username} failed: HTTP ${res.status}`);
	return cookie.split(';')[0]!;
}

const logFile = path.join(BENCH_DIR, 'load-server.log');
const log = fs.createWriteStream(logFile);
const server: ChildProcess = spawn(
	process.execPath,
	[path.join(ROOT, 'bin', 'handoff.js'), 'serve', '--no-build', '--port', values.port, '--host', '127.0.0.1', '--db', db],
	{ cwd: ROOT, env: { ...process.env, HANDOFF_DEMO_TICKETS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] }
);
server.stdout!.pipe(log, { end: false });
let serverErrors = '';
server.stderr!.on('data', (d: Buffer) => {
	serverErrors += d;
	log.write(d);
});

/** The server's peak resident memory so far (VmHWM), in MB; null where /proc is missing. */
function peakRssMb(): number | null {
	try {
		const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]);
		return kb ? Math.round(kb / 1024) : null;
	} catch {
		return null; // not Linux, or the server has exited
	}
}

async function stop() {
	if (server.exitCode === null) {
		server.kill('SIGTERM');
		await once(server, 'exit');
	}
	log.end();
	fs.rmSync(tmp, { recursive: true, force: true });
}

async function waitForServer(): Promise<ServerInfo> {
	for (let i = 0; i < 600; i++) {
		if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${serverErrors}`);
		const info = await findRunningServer(db);
		if (info) return info;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('the server did not start within 120 s');
}

interface Measured {
	url: string;
	connections: number;
	requests: number;
	non2xx: number;
	errors: number;
	timeouts: number;
	p50_ms: number;
	p95_ms: number;
	p99_ms: number;
	max_ms: number;
	requests_per_second: number;
	mb_per_second: number;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/** One autocannon per URL kind, `connections` of them, each request a path picked from its set. */
function load(info: ServerInfo, cookie: string, target: (typeof targets)[number], connections: number): Promise<Measured> {
	return new Promise((resolve, reject) => {
		let n = 0;
		const latencies: number[] = [];
		const instance = autocannon(
			{
				url: info.url,
				connections,
				duration: DURATION,
				timeout: Number(values.timeout),
				headers: { cookie },
				// A fixed stride through the set, so every run asks for the same mix.
				requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: target.paths[(n++ * 7) % target.paths.length] }) }]
			},
			(err, r) => {
				if (err) return reject(err);
				latencies.sort((a, b) => a - b);
				resolve({
					url: target.name,
					connections,
					requests: latencies.length,
					non2xx: r.non2xx,
					errors: r.errors,
					timeouts: r.timeouts,
					p50_ms: Math.round(percentile(latencies, 50)),
					p95_ms: Math.round(percentile(latencies, 95)),
					p99_ms: Math.round(percentile(latencies, 99)),
					max_ms: Math.round(latencies.at(-1) ?? NaN),
					requests_per_second: +(latencies.length / r.duration).toFixed(1),
					mb_per_second: +(r.throughput.average / 1024 / 1024).toFixed(2)
				});
			}
		);
		instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
	});
}

try {
	const info = await waitForServer();
	const cookie = await signIn(info);
	const get = async <T>(p: string): Promise<T> => {
		const res = await fetch(new URL(p, info.url), { headers: { cookie } });
		if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
		return (await res.json()) as T;
	};
	const probe = targets[1].paths[0];
	const before = await get<KpiReport>(probe);
	console.log(`Server up on a copy of ${path.relative(ROOT, values.db)}; weeks ${weeks.at(-1)!.from} to ${weeks[0].to}.`);
	// A server in use has answered these pages before an import starts: every URL of the
	// overview and KPI sets once (the ticket lists are not kept, one of them is enough). With
	// --cold, only one URL of each kind, for first-time query compilation.
	const warm = values.cold ? targets.map((t) => t.paths[1]) : [...targets[0].paths, ...targets[1].paths, targets[2].paths[0]];
	for (const p of warm) await fetch(new URL(p, info.url), { headers: { cookie } }).then((r) => r.arrayBuffer());

	// The import: uploaded, queued, then running; the load starts once the server reports it running.
	const t0 = performance.now();
	let runningAt: number | null = null;
	let savingAt: number | null = null;
	let markRunning!: () => void;
	const running = new Promise<void>((r) => (markRunning = r));
	// --import-tickets 0: the same load without an import, for comparison.
	const imported: Promise<ImportSummary | null> =
		IMPORT_TICKETS > 0
			? importThroughServer(info, { ticketsFile: importFiles.tickets, eventsFile: importFiles.events, source: 'cli' }, (p) => {
					runningAt ??= performance.now();
					if (p.phase === 'checking and saving') savingAt ??= performance.now();
					markRunning();
				})
			: Promise.resolve(null);
	await Promise.race([running, imported]);
	const uploadMs = performance.now() - t0;

	const split = targets.map((_, i) => Math.floor(CONNECTIONS / targets.length) + (i < CONNECTIONS % targets.length ? 1 : 0));
	console.log(`${values.cold ? 'Cold server. ' : `Warmed up with ${warm.length} requests. `}${IMPORT_TICKETS ? `Import of ${IMPORT_TICKETS.toLocaleString('en-US')} tickets running (uploaded in ${s(uploadMs)}); ` : ''}${CONNECTIONS} clients for ${DURATION} s (${split.join(' / ')})…`);
	const windowStart = performance.now();
	const measured = await Promise.all(targets.map((t, i) => load(info, cookie, t, split[i])));
	const windowEnd = performance.now();
	const summary = await imported;
	const importEnd = performance.now();
	const rss = peakRssMb();
	const after = await get<KpiReport>(probe);

	const rel = (t: number) => +((t - windowStart) / 1000).toFixed(1);
	const windowMs = windowEnd - windowStart;
	const importWindow = summary && {
		tickets: summary.tickets.inserted + summary.tickets.updated,
		events: summary.events.inserted + summary.events.updated,
		seconds: +summary.seconds.toFixed(1),
		running_from_s: runningAt === null ? null : rel(runningAt),
		saving_from_s: savingAt === null ? null : rel(savingAt),
		committed_at_s: rel(importEnd),
		window_s: rel(windowEnd),
		/** Share of the load window in which the import was running. */
		overlap: +Math.max(0, Math.min(1, (Math.min(importEnd, windowEnd) - Math.max(runningAt ?? windowStart, windowStart)) / windowMs)).toFixed(2)
	};
	const result = {
		date: new Date().toISOString(),
		machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`,
		tickets_before: before.tickets_created,
		connections: CONNECTIONS,
		duration_s: DURATION,
		warm: !values.cold,
		urls: measured,
		import: importWindow,
		probe: { url: probe, tickets_created_before: before.tickets_created, tickets_created_after: after.tickets_created },
		server_peak_rss_mb: rss,
		server_error_lines: serverErrors.split('\n').filter((l) => /error/i.test(l)).length
	};
	fs.writeFileSync(path.join(BENCH_DIR, 'results-load.json'), JSON.stringify(result, null, 2));

	const row = (cells: (string | number)[]) => `  ${cells.map((c, i) => (i === 0 ? String(c).padEnd(14) : String(c).padStart(9))).join('')}`;
	console.log(`\n${row(['url', 'conns', 'requests', 'non-2xx', 'errors', 'timeouts', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s'])}`);
	for (const m of measured) console.log(row([m.url, m.connections, m.requests, m.non2xx, m.errors, m.timeouts, m.p50_ms, m.p95_ms, m.p99_ms, m.requests_per_second]));
	const kpis = measured[1];
	const ok = measured.every((m) => m.non2xx + m.errors === 0) && kpis.p95_ms < 500;
	console.log();
	if (importWindow) {
		console.log(`  import         ${importWindow.tickets.toLocaleString('en-US')} tickets, ${importWindow.events.toLocaleString('en-US')} events in ${importWindow.seconds} s: running from ${importWindow.running_from_s} s,`);
		console.log(`                 saving from ${importWindow.saving_from_s} s, committed at ${importWindow.committed_at_s} s of the ${importWindow.window_s} s window (running ${Math.round(importWindow.overlap * 100)}% of it)`);
		if (importWindow.overlap < 0.8) console.log('                 it did not overlap most of the window: try a larger --import-tickets');
	} else console.log('  import         none (--import-tickets 0)');
	console.log(`  probe          ${probe}: ${before.tickets_created.toLocaleString('en-US')} tickets created before, ${after.tickets_created.toLocaleString('en-US')} after
  server         peak RSS ${rss ?? 'n/a'} MB; ${result.server_error_lines} error lines logged (${path.relative(ROOT, logFile)})
  machine        ${result.machine}
  target         0 errors and /api/kpis p95 < 500 ms: ${ok ? 'met' : 'NOT met'}`);
} finally {
	await stop();
}
