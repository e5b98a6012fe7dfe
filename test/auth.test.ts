// Accounts, passwords, sessions and the route table, on a real database file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS, allowed, isLoopback, required } from '../src/lib/server/access.ts';
import { runAs } from '../src/lib/server/actor.ts';
import {
	AccountError,
	createSession,
	createUser,
	endSession,
	FailureLimiter,
	hashPassword,
	listUsers,
	removeUser,
	sessionUser,
	setPassword,
	setRole,
	signIn,
	verifyPassword
} from '../src/lib/server/auth.ts';
import { query, withConnection } from '../src/lib/server/db.ts';
import { refuseOpenNetworkBind } from '../src/lib/server/exposure.ts';
import { safeNext } from '../src/lib/server/session-cookie.ts';
import { ROOT, withDb } from './helpers.ts';

const PW = 'a long enough password';

describe('passwords', () => {
	it('hashes with scrypt and a fresh salt, and verifies only the right password', async () => {
		const a = await hashPassword(PW);
		const b = await hashPassword(PW);
		expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
		expect(a).not.toBe(b); // different salts
		expect(await verifyPassword(PW, a)).toBe(true);
		expect(await verifyPassword(`${PW}!`, a)).toBe(false);
		expect(await verifyPassword(PW, 'plain-text')).toBe(false);
	});
});

describe('accounts', () => {
	it('creates users with a role, refuses bad input and duplicates, and never stores the password', async () => {
		await withDb(async (db) => {
			await createUser({ username: '  Alice ', role: 'admin', password: PW }, db);
			const users = await listUsers(db);
			expect(users).toMatchObject([{ username: 'alice', displayName: 'alice', role: 'admin', sessions: 0 }]);
			const stored = await withConnection((c) => query<{ password_hash: string }>(c, 'SELECT password_hash FROM users'), db);
			expect(stored[0]!.password_hash).not.toContain(PW);

			const refused = async (input: unknown) => createUser(input, db).then(() => null, (e: AccountError) => e);
			expect(await refused({ username: 'alice', role: 'viewer', password: PW })).toMatchObject({ status: 409, field: 'username' });
			expect(await refused({ username: 'bob', role: 'viewer', password: 'short' })).toMatchObject({ status: 400, field: 'password' });
			expect(await refused({ username: "bob'; DROP TABLE users;--", role: 'viewer', password: PW })).toMatchObject({ status: 400, field: 'username' });
			expect(await refused({ username: 'bob', role: 'owner', password: PW })).toMatchObject({ status: 400, field: 'role' });
			expect(await listUsers(db)).toHaveLength(1);
		});
	});

	it('never demotes or removes the last admin', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'root', role: 'admin', password: PW }, db);
			await expect(setRole('root', 'viewer', db)).rejects.toMatchObject({ status: 409 });
			await expect(removeUser('root', db)).rejects.toMatchObject({ status: 409 });
			await createUser({ username: 'second', role: 'admin', password: PW }, db);
			await setRole('root', 'reviewer', db);
			expect((await listUsers(db)).map((u) => `${u.username}:${u.role}`)).toEqual(['root:reviewer', 'second:admin']);
			await expect(removeUser('nobody', db)).rejects.toMatchObject({ status: 404 });
		});
	});

	it('records who made each account change in the audit log', async () => {
		await withDb(async (db) => {
			await runAs('installer', () => createUser({ username: 'root', role: 'admin', password: PW }, db));
			await runAs('root', async () => {
				await createUser({ username: 'vera', role: 'viewer', password: PW }, db);
				await setRole('vera', 'reviewer', db);
				await setPassword('vera', `${PW} 2`, db);
				await removeUser('vera', db);
			});
			const log = await withConnection((c) => query<{ actor: string; entity: string; change: string; detail: string }>(c, 'SELECT actor, entity, change, detail FROM audit_log ORDER BY id'), db);
			expect(log.map((r) => `${r.actor} ${r.entity} ${r.change}`)).toEqual([
				'installer user created',
				'root user created',
				'root user role changed',
				'root user password changed',
				'root user removed'
			]);
			expect(JSON.parse(log[2]!.detail)).toEqual({ username: 'vera', from: 'viewer', to: 'reviewer' });
			expect(log.map((r) => r.detail).join()).not.toContain(PW);
		});
	});
});

describe('accounts under concurrent requests', () => {
	it('never leaves the app without an admin, even when every admin is demoted at once', async () => {
		await withDb(async (db) => {
			for (const u of ['a1', 'a2', 'a3']) await createUser({ username: u, role: 'admin', password: PW }, db);
			const results = await Promise.allSettled(['a1', 'a2', 'a3'].map((u) => setRole(u, 'viewer', db)));
			// Two demotions go through one after the other; the third finds the last admin and refuses.
			expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
			expect((await listUsers(db)).filter((u) => u.role === 'admin')).toHaveLength(1);
		});
	});

	it('signs one user in from many browsers at once without an error', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'busy', role: 'viewer', password: PW }, db);
			const sessions = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn({ username: 'busy', password: PW }, `10.2.0.${i}`, null, db)));
			expect(new Set(sessions.map((s) => s.token)).size).toBe(8);
			expect((await listUsers(db))[0]!.sessions).toBe(8);
		});
	});

	it('limits guesses sent all at once, not only one after another', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'target', role: 'viewer', password: PW }, db);
			const guesses = await Promise.allSettled(Array.from({ length: 30 }, () => signIn({ username: 'target', password: 'a wrong guess' }, '10.3.0.1', null, db)));
			const statuses = guesses.map((g) => (g.status === 'rejected' ? (g.reason as AccountError).status : 200));
			// Five attempts per name and address in 15 minutes: only five passwords get checked.
			expect(statuses.filter((s) => s === 401)).toHaveLength(5);
			expect(statuses.filter((s) => s === 429)).toHaveLength(25);
		});
	});

	it('keeps the names the audit log uses for the command line and the open server', async () => {
		await withDb(async (db) => {
			for (const name of ['cli', 'local', 'anonymous']) {
				await expect(createUser({ username: name, role: 'admin', password: PW }, db)).rejects.toMatchObject({ status: 400, field: 'username' });
			}
		});
	});
});

describe('sessions', () => {
	it('signs in, finds the user by cookie value, stores only its hash, and signs out', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'rita', displayName: 'Rita R.', role: 'reviewer', password: PW }, db);
			const s = await signIn({ username: 'RITA', password: PW }, '10.0.0.1', 'test', db);
			expect(s.user).toEqual({ username: 'rita', displayName: 'Rita R.', role: 'reviewer' });
			expect(await sessionUser(s.token, db)).toEqual(s.user);
			const rows = await withConnection((c) => query<{ token_hash: string }>(c, 'SELECT token_hash FROM sessions'), db);
			expect(rows).toHaveLength(1);
			expect(rows[0]!.token_hash).not.toBe(s.token);
			expect(await sessionUser('not-a-session', db)).toBeNull();
			await endSession(s.token, db);
			expect(await sessionUser(s.token, db)).toBeNull();
		});
	});

	it('expires sessions, and a new password signs the account out everywhere', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'eve', role: 'viewer', password: PW }, db);
			const old = await createSession('eve', null, db);
			await withConnection((c) => c.run(`UPDATE sessions SET expires_at = now() - INTERVAL 1 MINUTE`), db);
			expect(await sessionUser(old.token, db)).toBeNull();
			const live = await createSession('eve', null, db);
			expect(await sessionUser(live.token, db)).toMatchObject({ username: 'eve' });
			await setPassword('eve', `${PW} new`, db);
			expect(await sessionUser(live.token, db)).toBeNull();
			await expect(signIn({ username: 'eve', password: PW }, '10.0.0.2', null, db)).rejects.toMatchObject({ status: 401 });
			expect((await signIn({ username: 'eve', password: `${PW} new` }, '10.0.0.2', null, db)).user.username).toBe('eve');
		});
	});

	it('locks a name out after five failures from one address, whether or not the name exists', async () => {
		await withDb(async (db) => {
			await createUser({ username: 'max', role: 'viewer', password: PW }, db);
			for (const name of ['max', 'ghost']) {
				for (let i = 0; i < 5; i++) {
					await expect(signIn({ username: name, password: 'wrong password' }, '10.0.0.9', null, db)).rejects.toMatchObject({ status: 401 });
				}
				// The sixth attempt is refused before the password is even checked, right or wrong.
				await expect(signIn({ username: name, password: PW }, '10.0.0.9', null, db)).rejects.toMatchObject({ status: 429 });
			}
			// Another address is not locked out of the account.
			expect((await signIn({ username: 'max', password: PW }, '10.0.0.10', null, db)).user.username).toBe('max');
		});
	});

	it('the limiter forgets failures once the window has passed', () => {
		const l = new FailureLimiter(1000, 2);
		l.fail('k', 0);
		l.fail('k', 100);
		expect(l.blockedFor('k', 500)).toBe(500); // blocked until the first failure is 1000 ms old
		expect(l.blockedFor('k', 1000)).toBe(0);
	});
});

describe('the route table', () => {
	/** Every route directory under src/routes, as SvelteKit names its route id. */
	function routeIds(): string[] {
		const out: string[] = [];
		const walk = (dir: string) => {
			const files = fs.readdirSync(dir, { withFileTypes: true });
			if (files.some((f) => /^\+(page|server)\.(svelte|ts)$|^\+page\.server\.ts$/.test(f.name))) {
				const rel = path.relative(path.join(ROOT, 'src/routes'), dir).split(path.sep).join('/');
				out.push(`/${rel}`.replace(/\/\([^)]+\)/g, '') || '/');
			}
			for (const f of files) if (f.isDirectory()) walk(path.join(dir, f.name));
		};
		walk(path.join(ROOT, 'src/routes'));
		return out.sort();
	}

	it('lists every route, so none falls back to the default by accident', () => {
		const ids = routeIds();
		expect(ids.length).toBeGreaterThan(30);
		expect(ids.filter((id) => !(id in ACCESS))).toEqual([]);
	});

	it('needs a viewer for dashboards, a reviewer for reviews, an admin for data and accounts', () => {
		expect(required('/trends', 'GET')).toBe('viewer');
		expect(required('/', 'POST')).toBe('admin'); // clear demo data
		expect(required('/reviews/[id]', 'POST')).toBe('reviewer');
		expect(required('/api/uploads', 'POST')).toBe('admin');
		expect(required('/some/new/route', 'GET')).toBe('admin'); // not listed: admins only
		expect(required(null, 'GET')).toBe('viewer'); // a 404 reveals nothing to strangers
		expect(required('/login', 'POST')).toBe('public');
		expect(allowed('reviewer', 'viewer')).toBe(true);
		expect(allowed('reviewer', 'admin')).toBe(false);
		expect(allowed(null, 'viewer')).toBe(false);
	});

	it('sends you back only to a page of this site after signing in', () => {
		expect(safeNext('/trends?grain=month#x')).toBe('/trends?grain=month#x');
		expect(safeNext('/reviews/3')).toBe('/reviews/3');
		for (const hostile of ['//evil.com', '/\\evil.com', '/\t/evil.com/phish', '/\n/evil.com', 'https://evil.com', 'javascript:alert(1)', '/.//evil.com', '', null]) {
			expect(safeNext(hostile), String(hostile)).toBe('/');
		}
	});

	it('knows loopback addresses', () => {
		for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isLoopback(a), a).toBe(true);
		for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.4', '::ffff:10.0.0.1', 'example.com', '']) expect(isLoopback(a), a).toBe(false);
	});

	it('refuses a network bind without accounts, and allows it once an admin exists', async () => {
		await withDb(async (db) => {
			await expect(refuseOpenNetworkBind('127.0.0.1', db, undefined)).resolves.toBeUndefined();
			// A proxy in front (a public ORIGIN) is a network too, even when Handoff listens on loopback.
			await expect(refuseOpenNetworkBind('127.0.0.1', db, 'https://handoff.example')).rejects.toThrow(/will not serve https:\/\/handoff.example/);
			await expect(refuseOpenNetworkBind('0.0.0.0', db)).rejects.toThrow(/handoff user add --role admin/);
			await createUser({ username: 'root', role: 'admin', password: PW }, db);
			await expect(refuseOpenNetworkBind('0.0.0.0', db)).resolves.toBeUndefined();
		});
	});
});
