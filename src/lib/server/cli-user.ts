// `handoff user`: accounts from the command line. The first admin of a server that will face a
// network is made here. Passwords are typed without echo on a terminal, or read from standard
// input with --password-stdin (never from an argument, which other users could see in `ps`).
// While a server holds the database, the change goes through it like an import does.
import { parseArgs } from 'node:util';
import { AccountError, createUser, listUsers, removeUser, ROLES, setPassword, setRole, type Role, type UserRow } from './auth.ts';
import { closeInstance, dbPath, getInstance } from './db.ts';
import { findRunningServer, linkHeaders, type ServerInfo } from './server-link.ts';

export const USER_HELP = `  handoff user add [NAME] [--role viewer|reviewer|admin] [--display-name TEXT] [--password-stdin] [--db PATH]
  handoff user list [--json] [--db PATH]
  handoff user role NAME ROLE [--db PATH]
  handoff user passwd NAME [--password-stdin] [--db PATH]
  handoff user remove NAME [--db PATH]
      Accounts and roles. Viewers see dashboards and reports, reviewers also run reviews
      and action items, admins also import, map, configure and manage accounts. The
      password is asked twice without echo, or read from stdin with --password-stdin.
      Once an account exists, everyone signs in; with none, serve stays on this machine.`;

type Usage = (message: string) => never;

async function readStdinLine(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Reads a line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const stdin = process.stdin;
		process.stderr.write(prompt);
		stdin.setRawMode(true);
		stdin.resume();
		let value = '';
		const done = (err?: Error) => {
			stdin.setRawMode(false);
			stdin.pause();
			stdin.off('data', onData);
			process.stderr.write('\n');
			if (err) reject(err);
			else resolve(value);
		};
		const onData = (data: Buffer) => {
			for (const ch of data.toString('utf8')) {
				if (ch === '\r' || ch === '\n') return done();
				if (ch === '\u0003') return done(new Error('cancelled'));
				if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
				else if (ch >= ' ') value += ch;
			}
		};
		stdin.on('data', onData);
	});
}

async function askVisible(prompt: string): Promise<string> {
	const { createInterface } = await import('node:readline/promises');
	const rl = createInterface({ input: process.stdin, output: process.stderr });
	try {
		return (await rl.question(prompt)).trim();
	} finally {
		rl.close();
	}
}

async function newPassword(fromStdin: boolean | undefined, usage: Usage): Promise<string> {
	if (fromStdin) return readStdinLine();
	if (!process.stdin.isTTY) usage('give the password on standard input with --password-stdin');
	const first = await askHidden('Password (at least 10 characters): ');
	const again = await askHidden('Password again: ');
	if (first !== again) throw new AccountError(400, 'the two passwords differ');
	return first;
}

/** Sends an account change to the running server (it holds the database). */
async function viaServer(server: ServerInfo, method: string, route: string, body?: unknown): Promise<unknown> {
	const res = await fetch(new URL(route, server.url), {
		method,
		headers: { ...linkHeaders(server), 'content-type': 'application/json', origin: new URL(server.url).origin },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const out = (await res.json().catch(() => ({}))) as { message?: string };
	if (!res.ok) throw new AccountError(res.status, out.message ?? `the server answered HTTP ${res.status}`);
	return out;
}

function printUsers(users: UserRow[]): void {
	if (!users.length) {
		console.log('No accounts: the server is open to this machine only. Add one with: handoff user add --role admin NAME');
		return;
	}
	const w = Math.max(8, ...users.map((u) => u.username.length));
	console.log(`${'user'.padEnd(w)}  ${'role'.padEnd(8)}  ${'last sign-in'.padEnd(20)}  name`);
	for (const u of users) {
		console.log(`${u.username.padEnd(w)}  ${u.role.padEnd(8)}  ${(u.lastSignIn?.slice(0, 16).replace('T', ' ') ?? 'never').padEnd(20)}  ${u.displayName}`);
	}
}

export async function cmdUser(args: string[], usage: Usage): Promise<number> {
	const [sub, ...rest] = args;
	const { values, positionals } = parseArgs({
		args: rest,
		allowPositionals: true,
		options: {
			role: { type: 'string' },
			'display-name': { type: 'string' },
			'password-stdin': { type: 'boolean' },
			json: { type: 'boolean', default: false },
			db: { type: 'string' }
		}
	});
	const db = dbPath(values.db);
	const role = values.role as Role | undefined;
	if (role !== undefined && !ROLES.includes(role)) usage(`--role must be one of ${ROLES.join(', ')}`);
	const server = await findRunningServer(db);
	const local = async <T>(fn: () => Promise<T>): Promise<T> => {
		await getInstance(db);
		try {
			return await fn();
		} finally {
			await closeInstance(db);
		}
	};
	const name = async (): Promise<string> => {
		if (positionals[0]) return positionals[0];
		if (sub === 'add' && process.stdin.isTTY && !values['password-stdin']) return askVisible('User name: ');
		return usage(`handoff user ${sub} needs a user name`);
	};

	switch (sub) {
		case 'add': {
			const username = await name();
			const input = { username, displayName: values['display-name'], role: role ?? 'viewer', password: await newPassword(values['password-stdin'], usage) };
			if (server) await viaServer(server, 'POST', '/api/users', input);
			else await local(() => createUser(input, db));
			console.log(`Added ${username.trim().toLowerCase()} (${input.role}).${server ? '' : ' Everyone now signs in to Handoff.'}`);
			return 0;
		}
		case 'list': {
			const users = server ? ((await viaServer(server, 'GET', '/api/users')) as { users: UserRow[] }).users : await local(() => listUsers(db));
			if (values.json) console.log(JSON.stringify(users, null, 2));
			else printUsers(users);
			return 0;
		}
		case 'role': {
			const [username, newRole] = positionals;
			if (!username || !newRole) usage('handoff user role NAME ROLE');
			if (!ROLES.includes(newRole as Role)) usage(`ROLE must be one of ${ROLES.join(', ')}`);
			if (server) await viaServer(server, 'PATCH', `/api/users/${encodeURIComponent(username)}`, { role: newRole });
			else await local(() => setRole(username, newRole as Role, db));
			console.log(`${username} is now ${newRole}.`);
			return 0;
		}
		case 'passwd': {
			const username = await name();
			const password = await newPassword(values['password-stdin'], usage);
			if (server) await viaServer(server, 'PATCH', `/api/users/${encodeURIComponent(username)}`, { password });
			else await local(() => setPassword(username, password, db));
			console.log(`New password set for ${username}; it was signed out everywhere.`);
			return 0;
		}
		case 'remove': {
			const username = await name();
			if (server) await viaServer(server, 'DELETE', `/api/users/${encodeURIComponent(username)}`);
			else await local(() => removeUser(username, db));
			console.log(`Removed ${username}.`);
			return 0;
		}
		default:
			return usage(sub ? `unknown user command "${sub}"` : 'handoff user needs a command: add, list, role, passwd or remove');
	}
}
