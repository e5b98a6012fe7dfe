// Who may open which route: one table for the whole app, checked by the request hook before any
// load function, endpoint or form action runs. A route missing from the table needs an admin
// (deny by default), and a test walks src/routes to prove every route is listed.
import { isIP } from 'node:net';
import { atLeast, type Role } from './auth.ts';

/** 'public' needs no sign-in; a role needs that role or a higher one. */
export type Need = 'public' | Role;

export interface RouteAccess {
	/** GET and HEAD: pages, loads, downloads and read APIs. */
	read: Need;
	/** Everything else: form actions and write APIs. */
	write: Need;
}

const viewer: RouteAccess = { read: 'viewer', write: 'admin' };
const reviewer: RouteAccess = { read: 'reviewer', write: 'reviewer' };
const admin: RouteAccess = { read: 'admin', write: 'admin' };
const open: RouteAccess = { read: 'public', write: 'public' };

export const ACCESS: Record<string, RouteAccess> = {
	// Dashboards and reports: viewers. The overview's one form ("clear demo data") is an admin's.
	'/': viewer,
	'/trends': viewer,
	'/tiers': viewer,
	'/tickets': viewer,
	'/tickets/[id]': viewer,
	'/tickets/export.csv': viewer,
	'/report': viewer,
	'/api/kpis': viewer,
	'/api/tickets': viewer,
	'/api/escalations': viewer,
	'/api/trends': viewer,
	'/api/tiers': viewer,
	'/account': { read: 'viewer', write: 'viewer' },
	// Reviews and their action items: reviewers.
	'/reviews': reviewer,
	'/reviews/new': reviewer,
	'/reviews/[id]': reviewer,
	'/reviews/[id]/export.md': reviewer,
	'/reviews/[id]/print': reviewer,
	'/actions': reviewer,
	'/actions/export.csv': reviewer,
	'/api/actions': reviewer,
	// Data, configuration and accounts: admins.
	'/imports': admin,
	'/imports/mapping': admin,
	'/settings': admin,
	'/users': admin,
	'/audit': admin,
	'/api/uploads': admin,
	'/api/imports': admin,
	'/api/imports/[id]/issues.csv': admin,
	'/api/imports/jobs/[id]': admin,
	'/api/users': admin,
	'/api/users/[username]': admin,
	'/api/backup': admin,
	// Signing in, and the first-run setup (which refuses once an account exists).
	'/login': open,
	'/logout': open,
	'/setup': open,
	'/api/health': open
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a request needs. An unknown page (a 404) needs a viewer, so it reveals nothing. */
export function required(routeId: string | null, method: string): Need {
	const rule = routeId === null ? viewer : (ACCESS[routeId] ?? admin);
	return UNSAFE.has(method.toUpperCase()) ? rule.write : rule.read;
}

export function allowed(role: Role | null, need: Need): boolean {
	if (need === 'public') return true;
	return role !== null && atLeast(role, need);
}

/** True for 127.0.0.0/8, ::1, IPv4-mapped loopback and "localhost". */
export function isLoopback(address: string): boolean {
	const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
	if (a === 'localhost') return true;
	const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
	if (isIP(v4) === 4) return v4.startsWith('127.');
	return isIP(a) === 6 && (a === '::1' || a === '0:0:0:0:0:0:0:1');
}
