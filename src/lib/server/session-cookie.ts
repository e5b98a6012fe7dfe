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
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
