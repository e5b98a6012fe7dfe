// SQL-injection payloads against every route that takes parameters, on the built server: each
// is refused with a 400 whose message names the parameter (zod, before any query runs), a good
// value of the same parameter is answered, the search boxes bind the payload as data and find
// nothing, and afterwards every table is exactly as it was. Needs `npm run build` first.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstance } from '../src/lib/server/db.ts';
import { addAction, startReview } from '../src/lib/server/reviews.ts';
import { fingerprint, importCsv, serve, tempDir } from './helpers.ts';

const PAYLOADS = [
	"' OR 1=1--",
	"billing'; DROP TABLE tickets;--",
	'1 UNION SELECT * FROM users',
	// Sent as it is: the server decodes it to ' OR '1'='1.
	'%27%20OR%20%271%27=%271',
	'"); DELETE FROM reviews; --'
];
const inUrl = (p: string) => (p.startsWith('%') ? p : encodeURIComponent(p));

const PERIOD = 'from=2026-03-02&to=2026-03-09';

const TICKETS = `ticket_id,created_at,resolved_at,priority,channel,category,team,assignee,vip,subject
T1,2026-03-02T09:00:00Z,2026-03-02T12:00:00Z,high,email,billing,alpha,Kim,true,Can't log in after the reset
T2,2026-03-03T09:00:00Z,,normal,chat,login,beta,Lee,false,Invoice sent twice
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier
T1,2026-03-02T10:00:00Z,escalated,1,2
T1,2026-03-02T12:00:00Z,resolved,,
T2,2026-03-03T10:00:00Z,escalated,1,2
`;

let dir: string;
let db: string;
let url: string;
let stop: () => Promise<void>;
let before: Awaited<ReturnType<typeof fingerprint>>;
let reviewId: number;
let actionId: number;

beforeAll(async () => {
	dir = tempDir();
	db = path.join(dir, 'sqli.duckdb');
	await importCsv(db, dir, TICKETS, EVENTS);
	reviewId = await startReview({ scope: { source: 'range', from: '2026-03-02', to: '2026-03-09', filters: {} } }, db);
	actionId = await addAction(reviewId, { version: '1', title: 'Alert on sync lag', type: 'detect', owner: 'Kim', due_date: '2026-03-20' }, db);
	before = await fingerprint(db);
	await closeInstance(db);
	({ url, stop } = await serve(db));
}, 120_000);

afterAll(async () => {
	await stop?.();
	fs.rmSync(dir, { recursive: true, force: true });
});

const decode = (s: string) =>
	s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The message of an error answer: a JSON body's `message`, or the text of an error page's alert. */
async function errorMessage(res: Response): Promise<string> {
	const body = await res.text();
	if ((res.headers.get('content-type') ?? '').includes('json')) return (JSON.parse(body) as { message: string }).message;
	const m = /<p[^>]*(?:role="alert"|data-testid="error-message")[^>]*>([\s\S]*?)<\/p>/.exec(body);
	return m ? decode(m[1].replace(/<!--[\s\S]*?-->/g, '')).trim() : body;
}

/** `message` names `param` at the start of one of its clauses ("team may only hold …; tier …"). */
function namesParam(message: string, param: string) {
	expect(message.split('; ').some((clause) => clause.startsWith(`${param} `) || clause.startsWith(`The ${param} `)), `"${message}" names ${param}`).toBe(true);
}

interface Route {
	path: string;
	/** Parameters the route needs besides the one under test. */
	base: string;
	/** Each parameter with a value the route accepts. */
	params: Record<string, string>;
}

const KPI_FILTERS = { team: 'alpha', channel: 'email', priority: 'high', category: 'billing', vip: 'true', tier: '2' };

function routes(): Route[] {
	const review = String(reviewId);
	return [
		{ path: '/api/kpis', base: PERIOD, params: { from: '2026-03-02', to: '2026-03-09', ...KPI_FILTERS, weeks: '2' } },
		{
			path: '/api/tickets',
			base: `${PERIOD}&kpi=mttr_by_tier&part=numerator`,
			params: { kpi: 'fcr', part: 'denominator', resolving_tier: '2', escalated: 'true', page: '1', page_size: '10', team: 'alpha', category: 'billing' }
		},
		{ path: '/api/tickets', base: `${PERIOD}&kpi=sla_response&part=numerator&sla_tier=1`, params: { sla_tier: '2' } },
		{ path: '/api/escalations', base: PERIOD, params: { team: 'alpha', channel: 'email', category: 'billing', tier: '1' } },
		{ path: '/api/trends', base: PERIOD, params: { grain: 'month', share: '1', category: 'billing', priority: 'high' } },
		{ path: '/api/tiers', base: PERIOD, params: { transition: 'escalated:1-2', team: 'alpha', vip: 'false' } },
		{ path: '/api/actions', base: '', params: { owner: 'Kim', status: 'open', type: 'detect', review, due: 'soon', dir: 'desc' } },
		{ path: '/', base: PERIOD, params: { from: '2026-03-02', team: 'alpha', category: 'billing', tier: '1' } },
		{
			path: '/tickets',
			base: PERIOD,
			params: { sort: 'handoffs', dir: 'asc', page: '1', page_size: '25', escalated: 'true', on: 'resolved', ...KPI_FILTERS }
		},
		{ path: '/tickets', base: `${PERIOD}&kpi=fcr&part=numerator`, params: { kpi: 'reopen_rate', part: 'denominator' } },
		{ path: '/tickets/export.csv', base: PERIOD, params: { sort: 'ticket_id', dir: 'desc', on: 'created', team: 'alpha', category: 'billing' } },
		{ path: '/trends', base: PERIOD, params: { grain: 'week', share: '0', team: 'beta' } },
		{ path: '/tiers', base: PERIOD, params: { transition: 'escalated:1-2', channel: 'chat' } },
		{ path: '/report', base: '', params: { week: '2026-W10', team: 'alpha', category: 'login' } },
		{ path: '/actions', base: '', params: { owner: 'Kim', status: 'active', type: 'detect', review, due: 'overdue', dir: 'asc' } },
		{ path: '/actions/export.csv', base: '', params: { owner: 'Kim', status: 'open', review } },
		{ path: '/reviews', base: '', params: { status: 'draft', category: 'billing', root_cause: 'tooling' } },
		{ path: '/reviews/new', base: `source=range&${PERIOD}`, params: { source: 'range', from: '2026-03-02', team: 'alpha', category: 'billing' } },
		{ path: '/reviews/new', base: 'source=spike&category=billing&week_start=2026-03-02', params: { category: 'login', week_start: '2026-03-02' } },
		{ path: '/reviews/new', base: `source=tickets&${PERIOD}&kpi=fcr&part=numerator`, params: { kpi: 'escalation_rate', part: 'denominator', channel: 'email' } },
		{ path: '/reviews/new', base: 'source=ticket&ticket=T1', params: { ticket: 'T2' } }
	];
}

/** The route's URL with `param` set to `value` exactly as given (already encoded). */
function withParam(r: Route, param: string, value: string): string {
	const q = new URLSearchParams(r.base);
	q.delete(param);
	const rest = q.toString();
	return `${url}${r.path}?${rest ? `${rest}&` : ''}${param}=${value}`;
}

describe('query parameters with SQL in them', () => {
	it('are refused with a 400 naming the parameter, on every route, while a good value is answered', async () => {
		let refused = 0;
		for (const r of routes()) {
			for (const [param, good] of Object.entries(r.params)) {
				const ok = await fetch(withParam(r, param, encodeURIComponent(good)));
				expect(ok.status, `${r.path} ${param}=${good}`).toBe(200);
				await ok.arrayBuffer();
				for (const payload of PAYLOADS) {
					const res = await fetch(withParam(r, param, inUrl(payload)));
					expect(res.status, `${r.path} ${param}=${payload}`).toBe(400);
					namesParam(await errorMessage(res), param);
					refused++;
				}
			}
		}
		expect(refused).toBeGreaterThan(400);
	});

	it('in an id in the path are refused with a 400 naming the id', async () => {
		const ids: [string, (id: string) => string, string][] = [
			['ticket id', (id) => `/tickets/${id}`, 'T1'],
			['review id', (id) => `/reviews/${id}`, String(reviewId)],
			['review id', (id) => `/reviews/${id}/print`, String(reviewId)],
			['review id', (id) => `/reviews/${id}/export.md`, String(reviewId)],
			['import id', (id) => `/api/imports/${id}/issues.csv`, '1']
		];
		for (const [name, at, good] of ids) {
			const ok = await fetch(`${url}${at(good)}`);
			expect(ok.status, at(good)).toBe(200);
			await ok.arrayBuffer();
			for (const payload of PAYLOADS) {
				const res = await fetch(`${url}${at(inUrl(payload))}`);
				expect(res.status, at(payload)).toBe(400);
				namesParam(await errorMessage(res), name);
			}
		}
		for (const payload of PAYLOADS) {
			const res = await fetch(`${url}/api/imports/jobs/${inUrl(payload)}`);
			expect(res.status).toBe(400);
			namesParam(await errorMessage(res), 'import job id');
		}
	});

	it('in a search box are data: bound as a parameter, they find nothing and break nothing', async () => {
		// Search text may hold quotes ("can't log in"), so it is not refused like a filter value.
		const found = await (await fetch(`${url}/tickets/export.csv?${PERIOD}&q=${encodeURIComponent("can't log")}`)).text();
		expect(found.trim().split('\r\n')).toHaveLength(2);
		expect(found).toContain("Can't log in after the reset");
		for (const payload of PAYLOADS) {
			const res = await fetch(`${url}/tickets/export.csv?${PERIOD}&q=${inUrl(payload)}`);
			expect(res.status, payload).toBe(200);
			expect((await res.text()).trim().split('\r\n'), payload).toHaveLength(1); // the header only
			const list = await fetch(`${url}/reviews?q=${inUrl(payload)}`);
			expect(list.status, payload).toBe(200);
			expect(await list.text()).not.toContain('data-testid="review-row"');
		}
	});
});

describe('bodies with SQL in them', () => {
	const post = (p: string, body: unknown) => fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const action = { title: 'Write a macro', type: 'process', owner: 'Kim', due_date: '2026-03-30' };

	it('are refused by POST /api/actions with a 400 naming the field', async () => {
		for (const payload of PAYLOADS) {
			const cases: [unknown, string][] = [
				[{ review_id: payload, version: 2, action }, 'review_id'],
				[{ review_id: reviewId, version: 2, action: { ...action, owner: payload } }, 'action.owner'],
				[{ review_id: reviewId, version: 2, action: { ...action, target: { metric: 'escalation_rate', category: payload } } }, 'action.target.category'],
				[{ review_id: reviewId, version: 2, action: { ...action, due_date: payload } }, 'action.due_date'],
				[{ review: { scope: { source: 'range', from: '2026-03-02', to: '2026-03-09', filters: { team: payload } } }, action }, 'team'],
				[{ review: { scope: { source: 'ticket', from: '2026-03-02', to: '2026-03-09', filters: {} }, ticket_ids: [payload] }, action }, 'review.ticket_ids.0']
			];
			for (const [body, field] of cases) {
				const res = await post('/api/actions', body);
				expect(res.status, `${field}: ${payload}`).toBe(400);
				namesParam(await errorMessage(res), field);
			}
		}
	});

	it('are refused by the review and action forms with a 400', async () => {
		const form = (p: string, fields: Record<string, string>) =>
			fetch(`${url}${p}`, { method: 'POST', headers: { origin: new URL(url).origin, accept: 'application/json', 'x-sveltekit-action': 'true' }, body: new URLSearchParams(fields) });
		for (const payload of PAYLOADS) {
			const owner = await form(`/reviews/${reviewId}?/addAction`, { version: '2', ...action, owner: payload });
			const failure = (await owner.json()) as { type: string; status: number; data: string };
			expect(failure).toMatchObject({ type: 'failure', status: 400 });
			expect(failure.data).toContain('may only hold letters, digits');
			const status = await form('/actions?/status', { review_id: payload, action_id: String(actionId), version: '2', status: 'done' });
			const refused = (await status.json()) as { type: string; status: number; data: string };
			expect(refused).toMatchObject({ type: 'failure', status: 400 });
			expect(refused.data).toContain('review_id must be a whole number from 1');
		}
	});
});

describe('after all of the above', () => {
	it('leaves every table exactly as it was', async () => {
		await stop();
		expect(await fingerprint(db)).toEqual(before);
		await closeInstance(db);
	});
});
