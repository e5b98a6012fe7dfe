// `npm run bench:ui`: how fast the pages are with 1M tickets, in headless Chromium against the
// built server. For each dashboard page: the time from navigation until every chart on it is
// drawn (target: the overview within 1.5 s). For the ticket list: the time to serve a page of
// it, across pages and sort orders (target: under 300 ms). Medians of several warm runs, and
// the worst one, measured in one run on this machine.
//
// Uses the database `npm run bench` imported (bench-data/bench-ours.duckdb), copied so the
// original stays untouched; run `npm run bench` first, or pass --db.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
	options: {
		db: { type: 'string', default: path.join(ROOT, 'bench-data', 'bench-ours.duckdb') },
		port: { type: 'string', default: '4390' },
		runs: { type: 'string', default: '5' }
	}
});
const RUNS = Number(values.runs);
if (!fs.existsSync(values.db)) {
	console.error(`No database at ${values.db}: run \`npm run bench\` first (it imports 1M tickets there), or pass --db.`);
	process.exit(1);
}
if (!fs.existsSync(path.join(ROOT, 'build', 'handler.js'))) {
	console.error('No build: run `npm run build` first.');
	process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-ui-'));
const db = path.join(tmp, 'bench.duckdb');
fs.copyFileSync(values.db, db);
const base = `http://127.0.0.1:${values.port}`;
const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'handoff.js'), 'serve', '--no-build'], {
	cwd: ROOT,
	env: { ...process.env, HANDOFF_DB: db, PORT: values.port, HOST: '127.0.0.1', HANDOFF_DEMO_TICKETS: '0' },
	stdio: ['ignore', 'ignore', 'inherit']
});
const stop = () => {
	server.kill();
	fs.rmSync(tmp, { recursive: true, force: true });
};

async function waitForHealth() {
	for (let i = 0; i < 600; i++) {
		try {
			if ((await fetch(`${base}/api/health`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('the server did not start within 120 s');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (v: number) => `${Math.round(v)} ms`;

try {
	await waitForHealth();
	const count = await (await fetch(`${base}/api/kpis?from=2000-01-03&to=2100-01-04`)).json();
	console.log(`Server up on a copy of ${values.db} (${count.tickets_created.toLocaleString('en-US')} tickets).`);

	const browser = await chromium.launch({
		executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
	});
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

	/** Navigation start to every chart drawn (and none still drawing), in ms. */
	async function chartsDrawn(url: string): Promise<{ ms: number; charts: number }> {
		const t = performance.now();
		const res = await page.goto(`${base}${url}`);
		if (!res?.ok()) throw new Error(`${url}: HTTP ${res?.status()}`);
		await page.waitForFunction(() => document.querySelectorAll('.chart').length > 0 && document.querySelectorAll('.chart:not([data-drawn])').length === 0, null, { timeout: 30_000 });
		const elapsed = performance.now() - t;
		return { ms: elapsed, charts: await page.locator('.chart').count() };
	}

	const pages = ['/', '/trends', '/tiers', '/report'];
	const results: Record<string, unknown> = {};
	console.log(`\nCharts drawn after navigation, 1440×900, warm (median of ${RUNS}, worst):`);
	for (const url of pages) {
		const probe = await fetch(`${base}${url}`);
		if (!probe.ok) {
			console.log(`  ${url.padEnd(9)} skipped (HTTP ${probe.status})`);
			continue;
		}
		await chartsDrawn(url); // warm-up: first-time query compilation and caches
		const runs: number[] = [];
		let charts = 0;
		for (let i = 0; i < RUNS; i++) {
			const r = await chartsDrawn(url);
			runs.push(r.ms);
			charts = r.charts;
		}
		results[url] = { median_ms: Math.round(median(runs)), worst_ms: Math.round(Math.max(...runs)), charts };
		const target = url === '/' ? '  (target < 1500 ms)' : '';
		console.log(`  ${url.padEnd(9)} ${ms(median(runs)).padStart(8)}  worst ${ms(Math.max(...runs)).padStart(8)}  ${charts} charts${target}`);
	}

	// The ticket list: whole server responses (HTML with the page's data) for a spread of
	// pages and sort orders, as a person paging through it would ask for them.
	const listUrls = [
		'/tickets',
		'/tickets?page=2',
		'/tickets?page=50',
		'/tickets?sort=handoffs&dir=desc',
		'/tickets?category=billing&priority=high',
		'/tickets?kpi=escalation_rate&part=numerator'
	];
	const listProbe = await fetch(`${base}/tickets`);
	if (listProbe.ok) {
		console.log(`\nTicket list, one page served (median of ${RUNS}, worst; target < 300 ms):`);
		const all: number[] = [];
		for (const url of listUrls) {
			await fetch(`${base}${url}`);
			const runs: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				const t = performance.now();
				const res = await fetch(`${base}${url}`);
				await res.text();
				if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
				runs.push(performance.now() - t);
			}
			all.push(...runs);
			console.log(`  ${url.padEnd(46)} ${ms(median(runs)).padStart(8)}  worst ${ms(Math.max(...runs)).padStart(8)}`);
		}
		results['/tickets'] = { median_ms: Math.round(median(all)), worst_ms: Math.round(Math.max(...all)) };
	} else {
		console.log(`\n/tickets skipped (HTTP ${listProbe.status})`);
	}
	await browser.close();
	fs.mkdirSync(path.join(ROOT, 'bench-data'), { recursive: true });
	fs.writeFileSync(path.join(ROOT, 'bench-data', 'results-ui.json'), JSON.stringify({ date: new Date().toISOString(), tickets: count.tickets_created, pages: results }, null, 2));
} finally {
	stop();
}
