// See https://svelte.dev/docs/kit/types#app.d.ts
import type { User } from '$lib/server/auth';

declare global {
	namespace App {
		interface Locals {
			/** Who is asking: a signed-in account, 'local' on an open loopback server, 'cli' for the command line. */
			user: User | null;
			/** No account exists yet and the request comes from this machine: everything is open. */
			open: boolean;
			/** The request came from the command line on the server's machine (it presented the link token). */
			viaLink: boolean;
		}
	}
}

export {};
