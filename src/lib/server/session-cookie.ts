// The session cookie: HttpOnly, SameSite=Lax, Secure whenever the app is reached over HTTPS
// (directly or behind a proxy that sets ORIGIN), and expiring with the session.
import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './auth.ts';

export function setSessionCookie(cookies: Cookies, url: URL, token: string, expires: Date): void {
	cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', expires });
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}

/** Where to go after signing in: a path on this site, never another site. */
export function safeNext(next: string | null): string {
	// Control characters and backslashes are dropped or rewritten by browsers ("/\t/evil" becomes
	// "//evil"), so refuse them outright, then let the URL parser decide what the path is.
	if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return '/';
	const base = 'http://handoff.invalid';
	let u: URL;
	try {
		u = new URL(next, base);
	} catch {
		return '/';
	}
	const out = u.pathname + u.search + u.hash;
	return u.origin === base && !out.startsWith('//') ? out : '/';
}
