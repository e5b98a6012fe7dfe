// Every route, asked by every role, on the real built server: signed out gets 401 (or the sign-in
// page), a role below the route's gets 403, and the rest get through. Also the first-run setup,
// sign-in, CSRF, security headers, and the audit log naming who changed what.
// Needs `npm run build` first (npm test builds before running vitest).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInstance, query, withConnection } from '../src/lib/server/db.ts';
import { startReview } from '../src/lib/server/reviews.ts';
import { ROOT, runCli, serve, tempDir, writeBulkCsv } from './helpers.ts';

type Role = 'viewer' | 'reviewer' | 'admin';
type Need = Role | 'public';

let stop: () => Promise<void>;
let url: string;
let dir: string;
let db: string;
let reviewId: number;
let ticketId: string;
const cookies: Partial<Record<Role, string>> = {};
const PASSWORDS: Record<Role, string> = { viewer: 'viewer pass 123', reviewer: 'reviewer pass 123', admin: 'admin pass 1234' };
const NAMES: Record<Role, string> = { viewer: 'vic', reviewer: 'rita', admin: 'ada' };

beforeAll(async () => {
	dir = tempDir();
	db = path.join(dir, 'authz.duckdb');
	// Data and one review, written before the server takes the file.
	expect((await runCli(['demo', '--tickets', '300', '--db', db])).code).toBe(0);
	reviewId = await startReview({ scope: { source: 'range', from: '2020-01-06', to: '2030-01-06', filters: {} }, title: 'Role test' }, db);
	ticketId = (await withConnection((c) => query<{ ticket_id: string }>(c, 'SELECT ticket_id FROM tickets ORDER BY ticket_id LIMIT 1'), db))[0]!.ticket_id;
	await closeInstance(db);
	({ url, stop } = await serve(db));
}, 120_000);

afterAll(async () => {
	await stop();
	fs.rmSync(dir, { recursive: true, force: true });
});

interface Asked {
	method?: string;
	cookie?: string;
	body?: string | Record<string, unknown>;
	origin?: string | null;
	accept?: string;
}

/** One request as a browser would send it (same-origin, no redirects followed). */
function ask(route: string, o: Asked = {}): Promise<Response> {
	const method = o.method ?? 'GET';
	const headers: Record<string, string> = { accept: o.accept ?? (route.startsWith('/api/') ? 'application/json' : 'text/html') };
	if (o.cookie) headers.cookie = o.cookie;
	if (method !== 'GET' && o.origin !== null) headers.origin = o.origin ?? url;
	let body: string | undefined;
	if (typeof o.body === 'string') {
		body = o.body;
		headers['content-type'] = 'application/x-www-form-urlencoded';
	} else if (o.body) {
		body = JSON.stringify(o.body);
		headers['content-type'] = 'application/json';
	}
	return fetch(new URL(route, url), { method, headers, body, redirect: 'manual' });
}

async function signIn(role: Role): Promise<string> {
	const res = await ask('/login', { method: 'POST', body: `username=${NAMES[role]}&password=${encodeURIComponent(PASSWORDS[role])}&next=/` });
	expect(res.status).toBe(303);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('handoff_session='));
	expect(cookie).toMatch(/HttpOnly/i);
	expect(cookie).toMatch(/SameSite=Lax/i);
	expect(cookie).toMatch(/Expires=/i);
	expect(cookie).not.toMatch(/Secure/i); // plain http on loopback; Secure is set behind https
	return cookie!.split(';')[0]!;
}

describe('open on loopback until the first account', () => {
	it('serves every page to this machine with no sign-in while no account exists', async () => {
		expect((await ask('/api/kpis?from=2026-01-05&to=2026-01-12')).status).toBe(200);
		expect((await ask('/users')).status).toBe(200);
		const home = await (await ask('/')).text();
		expect(home).toContain('Open: no sign-in');
		// The login page sends you to the setup while there is nobody to sign in as.
		const login = await ask('/login');
		expect(login.status).toBe(303);
		expect(login.headers.get('location')).toBe('/setup');
	});

	it('is not open to requests relayed by a proxy, or addressed to another host name (DNS rebinding)', async () => {
		const relayed = await fetch(new URL('/api/kpis?from=2026-01-05&to=2026-01-12', url), { headers: { 'x-forwarded-for': '203.0.113.5' } });
		expect(relayed.status).toBe(401);
		expect((await relayed.json()).message).toContain('handoff user add --role admin');
		// Node's fetch will not send another Host; a raw request does, as a rebound page would.
		const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const u = new URL(url);
			const req = http.request({ host: u.hostname, port: u.port, path: '/setup', method: 'POST', headers: { host: `evil.example:${u.port}`, origin: `http://evil.example:${u.port}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } }, (res) => {
				let body = '';
				res.on('data', (d) => (body += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			});
			req.on('error', reject);
			req.end(`username=mallory&password=${encodeURIComponent('mallory password')}&confirm=${encodeURIComponent('mallory password')}`);
		});
		expect(rebound.status).toBe(403);
		expect((await ask('/api/users')).status).toBe(200); // still open here, and still nobody
		expect((await (await ask('/api/users')).json()).users).toEqual([]);
	});

	it('creates the first admin on the setup page and signs in as it', async () => {
		const mismatch = await ask('/setup', { method: 'POST', body: `username=ada&password=${encodeURIComponent(PASSWORDS.admin)}&confirm=other` });
		expect(mismatch.status).toBe(400);
		const res = await ask('/setup', {
			method: 'POST',
			body: `username=ada&displayName=Ada&password=${encodeURIComponent(PASSWORDS.admin)}&confirm=${encodeURIComponent(PASSWORDS.admin)}`
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/users?welcome=1');
		expect(res.headers.getSetCookie().some((c) => c.startsWith('handoff_session='))).toBe(true);
		// From now on the app is closed, and the setup page cannot make a second admin.
		expect((await ask('/api/kpis?from=2026-01-05&to=2026-01-12')).status).toBe(401);
		expect((await ask('/setup')).headers.get('location')).toBe('/login');
	});

	it('adds the other accounts with the CLI, through the running server', async () => {
		for (const role of ['viewer', 'reviewer'] as const) {
			const r = await runCli(['user', 'add', NAMES[role], '--role', role, '--password-stdin', '--db', db], {}, `${PASSWORDS[role]}\n`);
			expect(r.stderr).toBe('');
			expect(r.code).toBe(0);
		}
		const list = await runCli(['user', 'list', '--json', '--db', db]);
		expect(JSON.parse(list.stdout).map((u: { username: string; role: string }) => `${u.username}:${u.role}`)).toEqual(['ada:admin', 'rita:reviewer', 'vic:viewer']);
		for (const role of ['viewer', 'reviewer', 'admin'] as const) cookies[role] = await signIn(role);
	});
});

// route id, request, the least role that may make it. Written out by hand from the issue:
// viewers see dashboards and reports, reviewers also reviews and actions, admins also imports,
// mappings, settings and accounts.
const period = 'from=2026-01-05&to=2026-01-12';
const LISTED: { route: string; path: () => string; method?: string; body?: string | Record<string, unknown>; need: Need }[] = [
	{ route: '/', path: () => '/', need: 'viewer' },
	{ route: '/trends', path: () => '/trends', need: 'viewer' },
	{ route: '/tiers', path: () => '/tiers', need: 'viewer' },
	{ route: '/tickets', path: () => '/tickets', need: 'viewer' },
	{ route: '/tickets/[id]', path: () => `/tickets/${encodeURIComponent(ticketId)}`, need: 'viewer' },
	{ route: '/tickets/export.csv', path: () => `/tickets/export.csv?${period}`, need: 'viewer' },
	{ route: '/report', path: () => '/report', need: 'viewer' },
	{ route: '/api/kpis', path: () => `/api/kpis?${period}`, need: 'viewer' },
	{ route: '/api/tickets', path: () => `/api/tickets?${period}`, need: 'viewer' },
	{ route: '/api/escalations', path: () => `/api/escalations?${period}`, need: 'viewer' },
	{ route: '/api/trends', path: () => '/api/trends', need: 'viewer' },
	{ route: '/api/tiers', path: () => `/api/tiers?${period}`, need: 'viewer' },
	{ route: '/account', path: () => '/account', need: 'viewer' },
	{ route: '/account', path: () => '/account?/password', method: 'POST', body: 'current=wrong&password=x&confirm=y', need: 'viewer' },
	{ route: '/', path: () => '/?/clearDemo', method: 'POST', body: 'confirm=no', need: 'admin' },
	{ route: '/reviews', path: () => '/reviews', need: 'reviewer' },
	{ route: '/reviews/new', path: () => `/reviews/new?source=range&${period}`, need: 'reviewer' },
	{ route: '/reviews/new', path: () => '/reviews/new', method: 'POST', body: 'source=nonsense', need: 'reviewer' },
	{ route: '/reviews/[id]', path: () => `/reviews/${reviewId}`, need: 'reviewer' },
	{ route: '/reviews/[id]', path: () => `/reviews/${reviewId}?/summary`, method: 'POST', body: 'version=999&title=x', need: 'reviewer' },
	{ route: '/reviews/[id]/export.md', path: () => `/reviews/${reviewId}/export.md`, need: 'reviewer' },
	{ route: '/reviews/[id]/print', path: () => `/reviews/${reviewId}/print`, need: 'reviewer' },
	{ route: '/actions', path: () => '/actions', need: 'reviewer' },
	{ route: '/actions', path: () => '/actions?/status', method: 'POST', body: 'status=nonsense', need: 'reviewer' },
	{ route: '/actions/export.csv', path: () => '/actions/export.csv', need: 'reviewer' },
	{ route: '/api/actions', path: () => '/api/actions', need: 'reviewer' },
	{ route: '/api/actions', path: () => '/api/actions', method: 'POST', body: {}, need: 'reviewer' },
	{ route: '/imports', path: () => '/imports', need: 'admin' },
	{ route: '/imports', path: () => '/imports?/upload', method: 'POST', body: 'nothing=1', need: 'admin' },
	{ route: '/imports/mapping', path: () => '/imports/mapping', need: 'admin' },
	{ route: '/imports/mapping', path: () => '/imports/mapping?/preview', method: 'POST', body: 'nothing=1', need: 'admin' },
	{ route: '/settings', path: () => '/settings', need: 'admin' },
	{ route: '/settings', path: () => '/settings?/value', method: 'POST', body: 'kind=nonsense', need: 'admin' },
	{ route: '/users', path: () => '/users', need: 'admin' },
	{ route: '/users', path: () => '/users?/add', method: 'POST', body: 'username=x', need: 'admin' },
	{ route: '/audit', path: () => '/audit', need: 'admin' },
	{ route: '/api/uploads', path: () => '/api/uploads?name=x.csv', method: 'POST', body: 'ticket_id\n', need: 'admin' },
	{ route: '/api/imports', path: () => '/api/imports', need: 'admin' },
	{ route: '/api/imports', path: () => '/api/imports', method: 'POST', body: {}, need: 'admin' },
	{ route: '/api/imports/[id]/issues.csv', path: () => '/api/imports/1/issues.csv', need: 'admin' },
	{ route: '/api/imports/jobs/[id]', path: () => '/api/imports/jobs/none', need: 'admin' },
	{ route: '/api/users', path: () => '/api/users', need: 'admin' },
	{ route: '/api/users', path: () => '/api/users', method: 'POST', body: {}, need: 'admin' },
	{ route: '/api/users/[username]', path: () => '/api/users/nobody', method: 'PATCH', body: { role: 'viewer' }, need: 'admin' },
	{ route: '/api/users/[username]', path: () => '/api/users/nobody', method: 'DELETE', need: 'admin' },
	{ route: '/api/backup', path: () => '/api/backup', method: 'POST', body: { out: 'not-a-backup-name.txt' }, need: 'admin' },
	{ route: '/login', path: () => '/login', need: 'public' },
	{ route: '/setup', path: () => '/setup', need: 'public' },
	{ route: '/api/health', path: () => '/api/health', need: 'public' },
	{ route: '/logout', path: () => '/logout', method: 'POST', need: 'public' }
];
const CASES = LISTED.map((c) => ({ ...c, method: c.method ?? 'GET' }));
const RANK: Record<Role, number> = { viewer: 0, reviewer: 1, admin: 2 };

describe('authorization by role, on every route', () => {
	it('covers every route of the app', () => {
		const ids: string[] = [];
		const walk = (d: string) => {
			const files = fs.readdirSync(d, { withFileTypes: true });
			if (files.some((f) => f.name.startsWith('+page') || f.name === '+server.ts')) ids.push(`/${path.relative(path.join(ROOT, 'src/routes'), d).split(path.sep).join('/')}`.replace(/\/$/, '') || '/');
			for (const f of files) if (f.isDirectory()) walk(path.join(d, f.name));
		};
		walk(path.join(ROOT, 'src/routes'));
		const covered = new Set(CASES.map((c) => c.route));
		expect(ids.map((id) => (id === '' ? '/' : id)).filter((id) => !covered.has(id))).toEqual([]);
	});

	it.each(CASES.filter((c) => c.need !== 'public'))('$method $route signed out: 401, or the sign-in page', async (c) => {
		const res = await ask(c.path(), { method: c.method, body: c.body });
		const isPage = c.method === 'GET' && !c.route.startsWith('/api/');
		if (isPage) {
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(c.path())}`);
		} else {
			expect(res.status).toBe(401);
		}
	});

	for (const role of ['viewer', 'reviewer', 'admin'] as const) {
		it.each(CASES.filter((c) => c.route !== '/logout'))(`$method $route as ${role}`, async (c) => {
			const res = await ask(c.path(), { method: c.method, body: c.body, cookie: cookies[role] });
			const may = c.need === 'public' || RANK[role] >= RANK[c.need];
			if (may) expect([401, 403], `${res.status} ${await res.clone().text()}`).not.toContain(res.status);
			else {
				expect(res.status).toBe(403);
				if (!c.route.startsWith('/api/') && c.method === 'GET') expect(await res.text()).toContain(`needs the ${c.need} role`);
			}
		});
	}

	it('answers the data requests of in-app navigation the same way, in the form SvelteKit follows', async () => {
		const signedOut = await ask('/reviews/__data.json', { accept: '*/*' });
		expect(await signedOut.json()).toEqual({ type: 'redirect', location: '/login?next=%2Freviews' });
		const viewer = await ask('/reviews/__data.json', { accept: '*/*', cookie: cookies.viewer });
		expect(viewer.status).toBe(403);
		expect(JSON.stringify(await viewer.json())).toContain('This needs the reviewer role');
		const reviewer = await ask('/reviews/__data.json', { accept: '*/*', cookie: cookies.reviewer });
		expect(reviewer.status).toBe(200);
		expect(await reviewer.text()).toContain('"type":"data"');
	});

	it('a forged or expired session cookie is treated as signed out', async () => {
		expect((await ask('/api/kpis?' + period, { cookie: 'handoff_session=forged' })).status).toBe(401);
	});
});

describe('cross-site requests and headers', () => {
	it('refuses cross-site form posts and cross-site JSON writes, even with an admin cookie', async () => {
		const form = await ask('/users?/add', { method: 'POST', body: 'username=mallory&role=admin&password=mallory+pass+1', cookie: cookies.admin, origin: 'http://evil.example' });
		expect(form.status).toBe(403);
		const api = await ask('/api/users', { method: 'POST', body: { username: 'mallory', role: 'admin', password: 'mallory pass 1' }, cookie: cookies.admin, origin: 'http://evil.example' });
		expect(api.status).toBe(403);
		const users = (await (await ask('/api/users', { cookie: cookies.admin })).json()) as { users: { username: string }[] };
		expect(users.users.map((u) => u.username)).not.toContain('mallory');
	});

	it('sends a CSP without inline scripts, nosniff and frame-ancestors on pages and on data', async () => {
		const page = await ask('/', { cookie: cookies.viewer });
		const csp = page.headers.get('content-security-policy')!;
		expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
		expect(csp.match(/script-src[^;]*/)![0]).not.toContain('unsafe-inline');
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		// The nonce is the one on SvelteKit's start-up script, and no other script is inline.
		const nonce = /'nonce-([^']+)'/.exec(csp)![1];
		const html = await page.text();
		const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
		expect(inline.length).toBeGreaterThan(0);
		for (const s of inline) expect(s[1]).toContain(`nonce="${nonce}"`);
		for (const res of [page, await ask(`/api/kpis?${period}`, { cookie: cookies.viewer }), await ask(`/tickets/export.csv?${period}`, { cookie: cookies.viewer })]) {
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('x-frame-options')).toBe('DENY');
			expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
			expect(res.headers.get('cache-control')).toContain('no-store'); // Back after sign-out asks again
		}
	});

	it('tells strangers the server is up, but not where its database is', async () => {
		expect(await (await ask('/api/health')).json()).toEqual({ ok: true });
	});
});

describe('the audit log names who changed what', () => {
	it('records the signed-in reviewer for a review save, the admin for an upload import, and cli for the command line', async () => {
		const review = await (await ask(`/reviews/${reviewId}`, { cookie: cookies.reviewer })).text();
		const version = /name="version" value="(\d+)"/.exec(review)![1];
		const saved = await ask(`/reviews/${reviewId}?/summary`, { method: 'POST', cookie: cookies.reviewer, body: `version=${version}&title=Renamed+by+Rita&summary=&impact=` });
		expect(saved.status).toBe(303);

		const bulk = await writeBulkCsv(dir, 50, 'AUD');
		const cli = await runCli(['import', '--tickets', bulk.tickets, '--events', bulk.events, '--db', db, '--json']);
		expect(cli.code).toBe(0);
		const up = await fetch(new URL('/api/uploads?name=t.csv', url), { method: 'POST', headers: { cookie: cookies.admin!, origin: url, 'content-type': 'text/csv' }, body: fs.readFileSync(bulk.tickets) });
		expect(up.status).toBe(201);
		const job = await ask('/api/imports', { method: 'POST', cookie: cookies.admin, body: { tickets: (await up.json()).id, source: 'upload' } });
		expect(job.status).toBe(202);
		let state = await job.json();
		while (state.state === 'queued' || state.state === 'running') {
			await new Promise((r) => setTimeout(r, 100));
			state = await (await ask(`/api/imports/jobs/${state.id}`, { cookie: cookies.admin })).json();
		}
		expect(state.state).toBe('done');

		const audit = await (await ask('/audit?kind=reviews', { cookie: cookies.admin })).text();
		expect(audit).toMatch(/<code>rita<\/code>[\s\S]*?review[\s\S]*?updated/);
		const imports = (await (await ask('/api/imports', { cookie: cookies.admin })).json()) as { imported_by: string | null; source: string }[];
		expect(imports.slice(0, 2).map((i) => `${i.source}:${i.imported_by}`)).toEqual(['upload:ada', 'cli:cli']);
	});
});

describe('behind an HTTPS proxy', () => {
	it('marks the session cookie Secure when the public origin is https', async () => {
		const proxied = path.join(dir, 'proxied.duckdb');
		expect((await runCli(['user', 'add', 'ada', '--role', 'admin', '--password-stdin', '--db', proxied], {}, `${PASSWORDS.admin}\n`)).code).toBe(0);
		const proxy = await serve(proxied, { ORIGIN: 'https://handoff.example', HANDOFF_DEMO_TICKETS: '50' });
		try {
			const res = await fetch(new URL('/login', proxy.url), {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: 'https://handoff.example', accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
				body: `username=ada&password=${encodeURIComponent(PASSWORDS.admin)}`
			});
			expect(res.status).toBe(303);
			const cookie = res.headers.getSetCookie().find((c) => c.startsWith('handoff_session='));
			expect(cookie).toMatch(/; Secure/i);
			expect(cookie).toMatch(/HttpOnly/i);
		} finally {
			await proxy.stop();
		}
	});
});
