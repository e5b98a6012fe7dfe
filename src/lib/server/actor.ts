// Who is making the current change. The request hook runs each request inside runAs(), so every
// write below it (reviews, actions, imports, mappings, settings, accounts) can name its author in
// the audit log without each function taking a user parameter. Outside a request it is the
// command line, or the open local server before any account exists.
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<string>();

/** Actor on an open loopback server with no accounts, and for direct command-line writes. */
export const LOCAL_ACTOR = 'local';

export function runAs<T>(actor: string, fn: () => T): T {
	return store.run(actor, fn);
}

export function currentActor(): string {
	return store.getStore() ?? LOCAL_ACTOR;
}
