// The built server and the CLI on one database at the same time: DuckDB allows one writing
// process, so the CLI must hand its import to the server, and uploads must queue behind it.
// Needs `npm run build` first (npm test builds before running vitest).
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli, tempDir, writeBulkCsv } from './helpers.ts';

let server: ChildProcess;
let url: string;
let dir: string;
let db: string;
let apiKpis: unknown;

beforeAll(async () => {
	dir = tempDir();
	db = path.join(dir, 'served.duckdb');
	const started = await startCli(['serve', '--no-build', '--port', '0', '--db', db], /serving .* at (http:\/\/\S+)/, {
		HANDOFF_DEMO_TICKETS: '300',
		HANDOFF_MAX_UPLOAD_MB: '5'
	});
	server = started.child;
	url = started.match[1];
}, 120_000);

afterAll(async () => {
	if (server.exitCode === null) {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
	}
	fs.rmSync(dir, { recursive: true, force: true });
});

async function uploadAndImport(tickets: string, events: string): Promise<string> {
	const ids: string[] = [];
	for (const f of [tickets, events]) {
		const res = await fetch(`${url}/api/uploads?name=${path.basename(f)}`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: fs.readFileSync(f)
		});
		expect(res.status).toBe(201);
		ids.push((await res.json()).id);
	}
	const res = await fetch(`${url}/api/imports`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ tickets: ids[0], events: ids[1], source: 'upload' })
	});
	expect(res.status).toBe(202);
	return (await res.json()).id;
}

async function waitForJob(id: string) {
	for (;;) {
		const job = await (await fetch(`${url}/api/imports/jobs/${id}`)).json();
		if (job.state === 'done' || job.state === 'failed') return job;
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe('handoff serve', () => {
	it('loads demo data into an empty database and says so', async () => {
		const imports = await (await fetch(`${url}/api/imports`)).json();
		expect(imports).toHaveLength(1);
		expect(imports[0]).toMatchObject({ source: 'demo', tickets_inserted: 300 });
		const home = await (await fetch(url)).text();
		expect(home).toContain('This is demo data');
	});

	it('imports from the CLI and from an upload at the same time, without a lock error', async () => {
		const a = await writeBulkCsv(dir, 20_000, 'UP');
		const b = await writeBulkCsv(dir, 5_000, 'CLI');
		const job = await uploadAndImport(a.tickets, a.events);
		const cli = runCli(['import', '--tickets', b.tickets, '--events', b.events, '--db', db, '--json']);
		// The dashboard keeps answering while both imports run.
		expect((await fetch(url)).status).toBe(200);

		const [uploaded, fromCli] = await Promise.all([waitForJob(job), cli]);
		expect(uploaded.state).toBe('done');
		expect(uploaded.summary.tickets.inserted).toBe(20_000);
		expect(uploaded.summary.events.inserted).toBe(60_000);
		expect(fromCli.stderr).not.toMatch(/lock/i);
		expect(fromCli.code).toBe(0);
		const s = JSON.parse(fromCli.stdout);
		expect(s.tickets.inserted).toBe(5_000);
		expect(s.events.inserted).toBe(15_000);

		const history = await (await fetch(`${url}/api/imports`)).json();
		expect(history.map((h: { source: string }) => h.source).sort()).toEqual(['cli', 'demo', 'upload']);
	});

	it('reports a fatal CLI import through the server with exit 1 and one message', async () => {
		const bad = path.join(dir, 'events-as-tickets.csv');
		fs.writeFileSync(bad, 'ticket_id,occurred_at,type\nT1,2026-01-01T00:00:00Z,created\n');
		const r = await runCli(['import', '--tickets', bad, '--db', db]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('events-as-tickets.csv');
		expect(r.stderr).toContain('looks like an events file');
	});

	it('refuses an upload over HANDOFF_MAX_UPLOAD_MB with 413 and keeps nothing of it', async () => {
		const big = Buffer.alloc(6 * 1024 * 1024, 'a');
		const res = await fetch(`${url}/api/uploads?name=big.csv`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: big
		});
		expect(res.status).toBe(413);
		expect((await res.json()).message).toContain('5 MB');
		const left = fs.existsSync(path.join(dir, 'uploads')) ? fs.readdirSync(path.join(dir, 'uploads')) : [];
		expect(left).toEqual([]);
	});

	it('refuses a workbook upload with 415 and a message naming it, without reading it all or keeping it', async () => {
		// A zip signature, then far more than the 64 KiB the server looks at.
		const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), Buffer.alloc(3 * 1024 * 1024, 7)]);
		const res = await fetch(`${url}/api/uploads?name=${encodeURIComponent('Tickets March.xlsx')}`, {
			method: 'POST',
			headers: { 'content-type': 'application/octet-stream' },
			body: xlsx
		});
		expect(res.status).toBe(415);
		expect((await res.json()).message).toBe('Tickets March.xlsx looks like an Excel workbook or zip archive: export it as CSV (UTF-8), or unzip it and import the file inside');
		expect(fs.readdirSync(path.join(dir, 'uploads'))).toEqual([]);
	});

	it('refuses binary files on the Imports page forms (no JavaScript) with the message, importing nothing', async () => {
		const before = (await (await fetch(`${url}/api/imports`)).json()).length;
		const png = Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG\r\n'), Buffer.from([0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR')]);
		const canonical = new FormData();
		canonical.append('tickets', new Blob([png]), 'screenshot.png');
		const res = await fetch(`${url}/imports?/upload`, { method: 'POST', body: canonical, headers: { origin: url, accept: 'text/html' } });
		expect(res.status).toBe(415);
		expect(await res.text()).toContain('screenshot.png is an image (PNG), not a data export');

		const helpdesk = new FormData();
		helpdesk.append('export', new Blob([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])]), 'zendesk.csv.gz');
		const exp = await fetch(`${url}/imports?/export`, { method: 'POST', body: helpdesk, headers: { origin: url, accept: 'text/html' } });
		expect(exp.status).toBe(415);
		expect(await exp.text()).toContain('zendesk.csv.gz is gzip-compressed: unpack it (gunzip) and import the file inside');

		expect(fs.readdirSync(path.join(dir, 'uploads'))).toEqual([]);
		expect((await (await fetch(`${url}/api/imports`)).json()).length).toBe(before);
	});

	it('lets a CLI import of the same file change nothing', async () => {
		const b = path.join(dir, 'CLI-tickets.csv');
		const r = await runCli(['import', '--tickets', b, '--db', db, '--json']);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout).tickets).toMatchObject({ read: 5_000, inserted: 0, updated: 0, unchanged: 5_000 });
	});

	it('takes a helpdesk export from the CLI through its import queue, with the format detected', async () => {
		const sample = path.join(ROOT, 'test', 'fixtures', 'adapters', 'servicenow-list-small.csv');
		const r = await runCli(['import', '--export', sample, '--db', db, '--json']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const s = JSON.parse(r.stdout);
		expect(s.adapter).toBe('servicenow');
		expect(s.tickets.read).toBe(4); // the fixture's four incidents
		const history = await (await fetch(`${url}/api/imports`)).json();
		expect(history[0]).toMatchObject({ format: 'servicenow', tickets_file: 'servicenow-list-small.csv' });
	});

	it('answers /api/kpis, and refuses bad parameters with 400 and a message', async () => {
		// The demo data ends before the current week; the whole year is a period with data in it.
		const res = await fetch(`${url}/api/kpis?from=2026-01-01&to=2027-01-01&priority=high`);
		expect(res.status).toBe(200);
		apiKpis = await res.json();
		expect((apiKpis as { tickets_created: number }).tickets_created).toBeGreaterThan(0);
		const bad = await fetch(`${url}/api/kpis?from=2026-01-01&to=2027-01-01&tier=1%20OR%201%3D1`);
		expect(bad.status).toBe(400);
		expect((await bad.json()).message).toContain('tier');
		// With the server running, the CLI asks it rather than the locked file.
		const cli = await runCli(['kpis', '--from', '2026-01-01', '--to', '2027-01-01', '--priority', 'high', '--db', db, '--json']);
		expect(cli.code).toBe(0);
		expect(JSON.parse(cli.stdout)).toEqual(apiKpis);
	});

	it('removes its note beside the database when stopped', async () => {
		expect(fs.existsSync(`${db}.server.json`)).toBe(true);
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
		expect(fs.existsSync(`${db}.server.json`)).toBe(false);
	});
});

describe('handoff kpis without a server', () => {
	it('computes in its own process exactly what the server answered', async () => {
		const cli = await runCli(['kpis', '--from', '2026-01-01', '--to', '2027-01-01', '--priority', 'high', '--db', db, '--json']);
		expect(cli.code).toBe(0);
		expect(JSON.parse(cli.stdout)).toEqual(apiKpis);
	});
});
