// Every request passes here: who is asking, whether their role may use the route, and the
// security headers on the way out. See $lib/server/access for the route table.
import { timingSafeEqual } from 'node:crypto';
import { error, redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { allowed, isLoopback, required } from '$lib/server/access';
import { runAs } from '$lib/server/actor';
import { countUsers, SESSION_COOKIE, sessionUser, type User } from '$lib/server/auth';
import { refuseOpenNetworkBind } from '$lib/server/exposure';

export const init: ServerInit = async () => {
	// `handoff serve` checks this before it listens; this covers running the built app directly.
	if (!dev && !process.env.HANDOFF_LINK_TOKEN) await refuseOpenNetworkBind(process.env.HOST ?? '0.0.0.0');
};

const LOCAL: User = { username: 'local', displayName: 'Local user', role: 'admin' };
const CLI: User = { username: 'cli', displayName: 'Command line', role: 'admin' };

function linkTokenMatches(header: string | null): boolean {
	const token = process.env.HANDOFF_LINK_TOKEN;
	const presented = header?.startsWith('Bearer ') ? header.slice(7) : null;
	if (!token || !presented) return false;
	const a = Buffer.from(presented);
	const b = Buffer.from(token);
	return a.length === b.length && timingSafeEqual(a, b);
}

function clientAddress(event: Parameters<Handle>[0]['event']): string {
	try {
		return event.getClientAddress();
	} catch {
		return '';
	}
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/**
 * A request from this machine, to this machine: a loopback client, not relayed by a proxy (a proxy
 * on the same host connects from loopback for everyone it serves), addressed to a loopback name
 * (a DNS-rebound site would send its own name), and no public ORIGIN configured.
 */
function fromThisMachine(event: Parameters<Handle>[0]['event']): boolean {
	const h = event.request.headers;
	if (FORWARDING_HEADERS.some((name) => h.has(name))) return false;
	if (process.env.ORIGIN && !isLoopback(new URL(process.env.ORIGIN).hostname)) return false;
	const host = (h.get('host') ?? '').replace(/:\d+$/, '');
	return isLoopback(host) && isLoopback(clientAddress(event));
}

const SECURITY_HEADERS: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'x-frame-options': 'DENY',
	'referrer-policy': 'same-origin',
	'cross-origin-opener-policy': 'same-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()'
};
// Pages get SvelteKit's CSP (svelte.config.js, with a nonce for its own start-up script); every
// other response (JSON, CSV, Markdown) may not run or embed anything at all.
const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

// The refused-request page: its own stylesheet and the sign-out form, nothing else.
const DENIED_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";

function withHeaders(response: Response): Response {
	for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
	// Pages and data hold customer data and depend on who is signed in: never kept by the browser,
	// so Back after signing out asks the server again (and is sent to sign in).
	if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
	if (!response.headers.has('content-security-policy')) response.headers.set('content-security-policy', NON_PAGE_CSP);
	return response;
}

const wantsHtml = (request: Request) => request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');

function refuse(event: Parameters<Handle>[0]['event'], status: 401 | 403, message: string): Response {
	if (event.url.pathname.startsWith('/api/') || !wantsHtml(event.request)) {
		return new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json' } });
	}
	return new Response(deniedPage(event.locals.user, message), {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DENIED_CSP }
	});
}

export const handle: Handle = async ({ event, resolve }) => {
	const { request, url } = event;

	// SvelteKit refuses cross-site form posts; refuse every other cross-site write too (JSON, uploads).
	const origin = request.headers.get('origin');
	if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && origin && origin !== url.origin) {
		return withHeaders(new Response(JSON.stringify({ message: `Cross-site ${request.method} from ${origin} refused` }), { status: 403 }));
	}

	const users = await countUsers();
	let user: User | null = null;
	event.locals.viaLink = linkTokenMatches(request.headers.get('authorization'));
	if (event.locals.viaLink) user = CLI;
	else if (users > 0) user = await sessionUser(event.cookies.get(SESSION_COOKIE));
	// With no account yet the app is open, but only to this machine (serve refuses other binds).
	event.locals.open = users === 0 && fromThisMachine(event);
	if (!user && event.locals.open) user = LOCAL;
	event.locals.user = user;

	const need = required(event.route.id, request.method);
	if (!allowed(user?.role ?? null, need)) {
		if (!user) {
			if (users === 0) return withHeaders(refuse(event, 401, 'No account exists yet. Create an admin with: handoff user add --role admin <name>'));
			const signIn = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
			// A navigation inside the app (its data request) gets SvelteKit's own redirect answer.
			if (event.isDataRequest) redirect(303, signIn);
			if (wantsHtml(request) && !url.pathname.startsWith('/api/')) {
				return withHeaders(new Response(null, { status: 303, headers: { location: signIn } }));
			}
			return withHeaders(refuse(event, 401, 'Sign in first.'));
		}
		const message = `This needs the ${need} role; you are signed in as ${user.username} (${user.role}).`;
		// Inside the app, the refusal shows on its error page.
		if (event.isDataRequest) error(403, message);
		return withHeaders(refuse(event, 403, message));
	}

	const response = await runAs(user?.username ?? 'anonymous', () => resolve(event));
	return withHeaders(response);
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page for a refused request: no scripts, and a way on. */
function deniedPage(user: User | null, message: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not allowed · Handoff</title><link rel="stylesheet" href="/denied.css"></head>
<body><main><p class="brand">Handoff</p><h1>You can't open this page</h1><p>${esc(message)}</p>
<p>Ask an admin for a role that includes it.</p>
<div class="links"><a href="/">Go to the overview</a>${user && user !== LOCAL && user !== CLI ? ' · <form method="post" action="/logout"><button>Sign out</button></form>' : ''}</div></main></body></html>`;
}
