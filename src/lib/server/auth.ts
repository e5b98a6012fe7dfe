// Local accounts, roles and sign-in sessions.
//
// Passwords are hashed with scrypt (node:crypto) and a random salt per password. A session is a
// random cookie value; only its sha256 is stored, so a copy of the database does not let anyone
// sign in. Until the first account exists the app runs open (loopback only, see access.ts).
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { currentActor } from './actor.ts';
import { audit } from './audit.ts';
import { inTransaction } from './transaction.ts';
import { query, withConnection } from './db.ts';

export const ROLES = ['viewer', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	viewer: 'Viewer: dashboards and reports',
	reviewer: 'Reviewer: plus reviews and action items',
	admin: 'Admin: plus imports, mappings, settings and accounts'
};

/** True when `role` may do what `needed` may. */
export function atLeast(role: Role, needed: Role): boolean {
	return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface User {
	username: string;
	displayName: string;
	role: Role;
}

export interface UserRow extends User {
	createdAt: string;
	createdBy: string;
	lastSignIn: string | null;
	sessions: number;
}

/** A request the caller should see as a form or API error. */
export class AccountError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly field?: string
	) {
		super(message);
		this.name = 'AccountError';
	}
}

// ---- input ------------------------------------------------------------------------------------

/** Names the audit log uses for changes no account made. */
export const RESERVED_NAMES = ['cli', 'local', 'anonymous', 'system'];

export const Username = z
	.string()
	.trim()
	.toLowerCase()
	.regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'use 2 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit')
	.refine((u) => !RESERVED_NAMES.includes(u), 'that name is reserved for the command line and the open local server');
export const Password = z
	.string()
	.min(10, 'use at least 10 characters')
	.max(200, 'use at most 200 characters');
export const RoleSchema = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` });
export const NewUser = z.object({
	username: Username,
	displayName: z.string().trim().max(80, 'use at most 80 characters').optional(),
	role: RoleSchema,
	password: Password
});

/** Turns a zod failure into an AccountError naming the field. */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown): T {
	const r = schema.safeParse(input);
	if (r.success) return r.data;
	const issue = r.error.issues[0];
	const field = issue?.path.join('.') || undefined;
	throw new AccountError(400, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid input'}`, field);
}

// ---- passwords --------------------------------------------------------------------------------

// N = 2^15, r = 8: about 32 MiB and a few tens of milliseconds per hash on this class of machine.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFC'), salt, keylen, { ...opts, maxmem: 128 * opts.N! * opts.r! * 2 }, (err, key) =>
			err ? reject(err) : resolve(key)
		)
	);
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
	return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
	return key.length === expected.length && timingSafeEqual(key, expected);
}

// Compared against when the user does not exist, so an unknown name takes as long as a wrong password.
let dummyHash: Promise<string> | null = null;

// ---- accounts ---------------------------------------------------------------------------------

// Every request asks whether any account exists. Accounts change only through this module in
// this process (the server holds the database; the CLI sends its changes to it), so the answer
// is kept until one of them changes, and a request never waits on the database for it, which
// matters while an import keeps DuckDB busy.
let userCount: Promise<number> | null = null;

/** How many accounts exist. */
export function countUsers(db?: string): Promise<number> {
	const count = () => withConnection((conn) => query<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM users'), db).then(([row]) => Number(row?.n ?? 0));
	if (db) return count();
	if (!userCount) {
		userCount = count();
		userCount.catch(() => (userCount = null));
	}
	return userCount;
}

function forgetCaches(): void {
	userCount = null;
	sessionCache.clear();
}

// Account and session writes run one at a time: the last-admin check and the change it guards
// happen with no other account write in between, and simultaneous sign-ins of one user do not
// collide on its row (DuckDB would refuse the second update as a conflict).
let writes: Promise<unknown> = Promise.resolve();
function accountWrite<T>(fn: (conn: DuckDBConnection) => Promise<T>, db?: string): Promise<T> {
	const next = writes.then(
		() => withConnection(fn, db),
		() => withConnection(fn, db)
	);
	writes = next.catch(() => undefined);
	return next;
}

const toUser = (r: Record<string, unknown>): User => ({
	username: String(r.username),
	displayName: String(r.display_name),
	role: r.role as Role
});
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

export async function listUsers(db?: string): Promise<UserRow[]> {
	const rows = await withConnection(
		(conn) =>
			query<Record<string, unknown>>(
				conn,
				`SELECT u.*, (SELECT count(*) FROM sessions s WHERE s.username = u.username AND s.expires_at > now()) AS sessions
				 FROM users u ORDER BY u.username`
			),
		db
	);
	return rows.map((r) => ({
		...toUser(r),
		createdAt: iso(r.created_at)!,
		createdBy: String(r.created_by),
		lastSignIn: iso(r.last_sign_in),
		sessions: Number(r.sessions)
	}));
}

export async function findUser(username: string, db?: string): Promise<User | null> {
	const rows = await withConnection((conn) => query<Record<string, unknown>>(conn, 'SELECT * FROM users WHERE username = $u', { u: username }), db);
	return rows[0] ? toUser(rows[0]) : null;
}

export async function createUser(input: unknown, db?: string): Promise<User> {
	const u = parseOr400(NewUser, input);
	const hash = await hashPassword(u.password);
	const user: User = { username: u.username, displayName: u.displayName || u.username, role: u.role };
	await accountWrite(async (conn) => {
		const existing = await query(conn, 'SELECT 1 FROM users WHERE username = $u', { u: user.username });
		if (existing.length) throw new AccountError(409, `an account named "${user.username}" already exists`, 'username');
		await inTransaction(conn, async () => {
			await conn.run(
				`INSERT INTO users VALUES ($u, $name, $role, $hash, now(), $by, now(), NULL)`,
				{ u: user.username, name: user.displayName, role: user.role, hash, by: currentActor() }
			);
			await audit(conn, 'user', null, null, 'created', { username: user.username, role: user.role });
		});
	}, db);
	forgetCaches();
	return user;
}

/** Changes a role; the last admin cannot be demoted, so the app never locks itself out. */
export async function setRole(username: string, role: Role, db?: string): Promise<void> {
	const r = parseOr400(RoleSchema, role);
	await accountWrite(async (conn) => {
		const user = await requireUser(conn, username);
		if (user.role === 'admin' && r !== 'admin') await refuseLastAdmin(conn, 'change the role of');
		await inTransaction(conn, async () => {
			await conn.run('UPDATE users SET role = $role WHERE username = $u', { role: r, u: user.username });
			await audit(conn, 'user', null, null, 'role changed', { username: user.username, from: user.role, to: r });
		});
	}, db);
	forgetCaches();
}

/** Sets a new password and signs the account out everywhere. */
export async function setPassword(username: string, password: string, db?: string): Promise<void> {
	const p = parseOr400(Password, password);
	const hash = await hashPassword(p);
	await accountWrite(async (conn) => {
		const user = await requireUser(conn, username);
		await inTransaction(conn, async () => {
			await conn.run('UPDATE users SET password_hash = $hash, password_changed_at = now() WHERE username = $u', { hash, u: user.username });
			await conn.run('DELETE FROM sessions WHERE username = $u', { u: user.username });
			await audit(conn, 'user', null, null, 'password changed', { username: user.username });
		});
	}, db);
	forgetCaches();
}

/** A user's own password change: the current one must match (counted like a failed sign-in). */
export async function changeOwnPassword(username: string, current: string, next: string, address: string, db?: string): Promise<void> {
	const rows = await withConnection((conn) => query<Record<string, unknown>>(conn, 'SELECT password_hash FROM users WHERE username = $u', { u: username }), db);
	const accountKey = `${address}\n${username}`;
	if (perAccount.blockedFor(accountKey) > 0) throw new AccountError(429, 'Too many wrong passwords. Try again later.', 'current');
	perAccount.fail(accountKey);
	if (!rows[0] || !(await withHashSlot(() => verifyPassword(current, String(rows[0]!.password_hash))))) {
		throw new AccountError(400, 'That is not your current password.', 'current');
	}
	perAccount.clear(accountKey);
	await setPassword(username, next, db);
}

export async function removeUser(username: string, db?: string): Promise<void> {
	await accountWrite(async (conn) => {
		const user = await requireUser(conn, username);
		if (user.role === 'admin') await refuseLastAdmin(conn, 'remove');
		await inTransaction(conn, async () => {
			await conn.run('DELETE FROM sessions WHERE username = $u', { u: user.username });
			await conn.run('DELETE FROM users WHERE username = $u', { u: user.username });
			await audit(conn, 'user', null, null, 'removed', { username: user.username, role: user.role });
		});
	}, db);
	forgetCaches();
}

async function requireUser(conn: DuckDBConnection, username: string): Promise<User> {
	const name = parseOr400(Username, username);
	const rows = await query<Record<string, unknown>>(conn, 'SELECT * FROM users WHERE username = $u', { u: name });
	if (!rows[0]) throw new AccountError(404, `no account is named "${name}"`, 'username');
	return toUser(rows[0]);
}

async function refuseLastAdmin(conn: DuckDBConnection, verb: string): Promise<void> {
	const [row] = await query<{ n: bigint }>(conn, `SELECT count(*) AS n FROM users WHERE role = 'admin'`);
	if (Number(row?.n ?? 0) <= 1) throw new AccountError(409, `cannot ${verb} the last admin: make another account admin first`);
}

// ---- sessions ---------------------------------------------------------------------------------

export const SESSION_COOKIE = 'handoff_session';

/** HANDOFF_SESSION_HOURS, default 12: how long a sign-in lasts. */
export function sessionHours(): number {
	const h = Number(process.env.HANDOFF_SESSION_HOURS ?? 12);
	return Number.isFinite(h) && h > 0 ? h : 12;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// Sessions are looked up on every request. They change only through this module in this
// process, so a lookup is kept until the session expires (a forged value: until evicted); any
// change to accounts clears them all, and signing out drops its own.
const sessionCache = new Map<string, { user: User | null; until: number }>();
const MAX_CACHED_SESSIONS = 10_000;

export async function createSession(username: string, userAgent: string | null, db?: string): Promise<{ token: string; expires: Date }> {
	const token = randomBytes(32).toString('base64url');
	const expires = new Date(Date.now() + sessionHours() * 3600_000);
	await accountWrite(async (conn) => {
		await conn.run('DELETE FROM sessions WHERE expires_at <= now()');
		await conn.run(`INSERT INTO sessions VALUES ($h, $u, now(), $exp, $ua)`, {
			h: tokenHash(token),
			u: username,
			exp: expires.toISOString(),
			ua: userAgent?.slice(0, 200) ?? null
		});
		await conn.run('UPDATE users SET last_sign_in = now() WHERE username = $u', { u: username });
	}, db);
	return { token, expires };
}

/** The signed-in user for a cookie value, or null when it is unknown or expired. */
export async function sessionUser(token: string | undefined, db?: string): Promise<User | null> {
	if (!token || token.length > 100) return null;
	const h = tokenHash(token);
	const hit = sessionCache.get(h);
	if (hit && Date.now() < hit.until) return hit.user;
	const rows = await withConnection(
		(conn) =>
			query<Record<string, unknown>>(
				conn,
				`SELECT u.*, s.expires_at FROM sessions s JOIN users u USING (username) WHERE s.token_hash = $h AND s.expires_at > now()`,
				{ h }
			),
		db
	);
	const row = rows[0];
	const user = row ? toUser(row) : null;
	if (sessionCache.size >= MAX_CACHED_SESSIONS) sessionCache.delete(sessionCache.keys().next().value as string);
	sessionCache.set(h, { user, until: row ? new Date(row.expires_at as Date).getTime() : Date.now() + 60_000 });
	return user;
}

export async function endSession(token: string, db?: string): Promise<void> {
	await accountWrite((conn) => conn.run('DELETE FROM sessions WHERE token_hash = $h', { h: tokenHash(token) }), db);
	sessionCache.delete(tokenHash(token));
}

// ---- sign-in, rate limited ----------------------------------------------------------------------

const WINDOW_MS = 15 * 60_000;
const MAX_PER_ACCOUNT = 5; // attempts per name and address in the window
const MAX_PER_ADDRESS = 20; // attempts per address in the window, whatever the name
const MAX_PER_NAME = 50; // attempts per name from anywhere (many addresses are cheap)
const MAX_KEYS = 50_000; // beyond this the oldest keys are forgotten, never all of them

/** Attempts per key, as timestamps inside the window. */
export class FailureLimiter {
	private failures = new Map<string, number[]>();
	constructor(
		private readonly windowMs: number,
		private readonly max: number
	) {}

	/** Milliseconds until `key` may try again, or 0. */
	blockedFor(key: string, now = Date.now()): number {
		const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
		if (recent.length) this.failures.set(key, recent);
		else this.failures.delete(key);
		return recent.length >= this.max ? recent[recent.length - this.max]! + this.windowMs - now : 0;
	}

	fail(key: string, now = Date.now()): void {
		const list = this.failures.get(key) ?? [];
		this.failures.delete(key); // re-inserted last: the map's order is least recently failed first
		this.failures.set(key, [...list, now].slice(-this.max));
		if (this.failures.size > MAX_KEYS) {
			let drop = Math.ceil(MAX_KEYS / 10);
			for (const k of this.failures.keys()) {
				if (drop-- <= 0) break;
				this.failures.delete(k);
			}
		}
	}

	/** Takes back the latest attempt of `key` (it turned out to be a success). */
	forgive(key: string): void {
		const list = this.failures.get(key);
		if (!list) return;
		list.pop();
		if (!list.length) this.failures.delete(key);
	}

	clear(key: string): void {
		this.failures.delete(key);
	}
}

const perAccount = new FailureLimiter(WINDOW_MS, MAX_PER_ACCOUNT);
const perAddress = new FailureLimiter(WINDOW_MS, MAX_PER_ADDRESS);
const perName = new FailureLimiter(WINDOW_MS, MAX_PER_NAME);

// At most this many password hashes run at once; more attempts wait their turn.
const MAX_HASHING = 2;
let hashing = 0;
const waiting: (() => void)[] = [];
async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
	if (hashing >= MAX_HASHING) await new Promise<void>((r) => waiting.push(r));
	hashing++;
	try {
		return await fn();
	} finally {
		hashing--;
		waiting.shift()?.();
	}
}

export const SignIn = z.object({
	username: z.string().trim().toLowerCase().min(1, 'enter your user name').max(40),
	password: z.string().min(1, 'enter your password').max(200)
});

/**
 * Checks a name and password. Each attempt counts against the name from this address (5 in 15
 * minutes), the address (20) and the name from anywhere (50) before the password is checked, so
 * attempts sent all at once are limited too; a success takes its attempt back. Over a limit the
 * answer is 429, whether or not the name exists.
 */
export async function signIn(input: unknown, address: string, userAgent: string | null, db?: string): Promise<{ user: User; token: string; expires: Date }> {
	const { username, password } = parseOr400(SignIn, input);
	const accountKey = `${address}\n${username}`;
	const wait = Math.max(perAccount.blockedFor(accountKey), perAddress.blockedFor(address), perName.blockedFor(username));
	if (wait > 0) {
		const minutes = Math.ceil(wait / 60_000);
		throw new AccountError(429, `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
	}
	perAccount.fail(accountKey);
	perAddress.fail(address);
	perName.fail(username);
	const rows = await withConnection((conn) => query<Record<string, unknown>>(conn, 'SELECT * FROM users WHERE username = $u', { u: username }), db);
	const row = rows[0];
	dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
	const stored = row ? String(row.password_hash) : await dummyHash;
	const ok = await withHashSlot(() => verifyPassword(password, stored));
	if (!row || !ok) throw new AccountError(401, 'That user name and password do not match an account.');
	perAccount.clear(accountKey);
	perAddress.forgive(address);
	perName.forgive(username);
	const user = toUser(row);
	const session = await createSession(user.username, userAgent, db);
	return { user, ...session };
}
