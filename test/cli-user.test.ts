// `handoff user` without a server: the first admin of a server that will face a network is
// made here, so its refusals must be clear and its passwords never come from arguments.
import { describe, expect, it } from 'vitest';
import { listUsers, signIn } from '../src/lib/server/auth.ts';
import { closeInstance } from '../src/lib/server/db.ts';
import { runCli, withDb } from './helpers.ts';

describe('handoff user', () => {
	it('adds, lists, changes the role and password of, and removes accounts', async () => {
		await withDb(async (db) => {
			const add = await runCli(['user', 'add', 'Ada', '--role', 'admin', '--display-name', 'Ada L.', '--password-stdin', '--db', db], {}, 'first password 1\n');
			expect(add).toMatchObject({ code: 0, stderr: '' });
			expect(add.stdout).toContain('Added ada (admin). Everyone now signs in');
			expect((await runCli(['user', 'add', 'vic', '--password-stdin', '--db', db], {}, 'viewer password\n')).code).toBe(0);

			const list = await runCli(['user', 'list', '--db', db]);
			expect(list.stdout).toMatch(/^ada\s+admin\s+never\s+Ada L\.$/m);
			expect(list.stdout).toMatch(/^vic\s+viewer\s+never\s+vic$/m); // the role defaults to viewer

			expect((await runCli(['user', 'role', 'vic', 'reviewer', '--db', db])).code).toBe(0);
			expect((await runCli(['user', 'passwd', 'vic', '--password-stdin', '--db', db], {}, 'second password\n')).code).toBe(0);
			expect(await listUsers(db)).toMatchObject([{ username: 'ada', role: 'admin' }, { username: 'vic', role: 'reviewer' }]);
			await expect(signIn({ username: 'vic', password: 'viewer password' }, '10.1.0.1', null, db)).rejects.toMatchObject({ status: 401 });
			expect((await signIn({ username: 'vic', password: 'second password' }, '10.1.0.1', null, db)).user.role).toBe('reviewer');
			await closeInstance(db);

			expect((await runCli(['user', 'remove', 'vic', '--db', db])).code).toBe(0);
			expect(JSON.parse((await runCli(['user', 'list', '--json', '--db', db])).stdout).map((u: { username: string }) => u.username)).toEqual(['ada']);
		});
	});

	it('refuses bad input with one clear message and changes nothing', async () => {
		await withDb(async (db) => {
			expect((await runCli(['user', 'add', 'ada', '--role', 'admin', '--password-stdin', '--db', db], {}, 'first password 1\n')).code).toBe(0);
			const cases: [string[], string | undefined, number, RegExp][] = [
				[['user', 'add', 'bob', '--role', 'owner', '--password-stdin'], 'long enough pw\n', 2, /--role must be one of viewer, reviewer, admin/],
				[['user', 'add', 'bob', '--password-stdin'], 'short\n', 1, /password: use at least 10 characters/],
				[['user', 'add', 'ada', '--password-stdin'], 'long enough pw\n', 1, /an account named "ada" already exists/],
				[['user', 'add', 'bob'], undefined, 2, /--password-stdin/], // no terminal to ask on
				[['user', 'remove', 'ada'], undefined, 1, /cannot remove the last admin/],
				[['user', 'role', 'ada', 'viewer'], undefined, 1, /cannot change the role of the last admin/],
				[['user', 'remove', 'ghost'], undefined, 1, /no account is named "ghost"/],
				[['user', 'frobnicate'], undefined, 2, /unknown user command "frobnicate"/]
			];
			for (const [args, input, code, message] of cases) {
				const r = await runCli([...args, '--db', db], {}, input);
				expect(r.code, args.join(' ')).toBe(code);
				expect(r.stderr, args.join(' ')).toMatch(message);
			}
			expect((await listUsers(db)).map((u) => `${u.username}:${u.role}`)).toEqual(['ada:admin']);
		});
	});

	it('serve refuses a network address until an admin exists, and says how to add one', async () => {
		await withDb(async (db) => {
			const refused = await runCli(['serve', '--no-build', '--host', '0.0.0.0', '--port', '0', '--db', db]);
			expect(refused.code).toBe(1);
			expect(refused.stderr).toContain('Handoff will not serve 0.0.0.0 without accounts');
			expect(refused.stderr).toContain('handoff user add --role admin <name>');
			expect(refused.stdout).not.toContain('serving');
		});
	});
});
