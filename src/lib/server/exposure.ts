// Safe by default: with no account, Handoff is open to whoever can reach it, so it serves only
// this machine (loopback). Asked to listen anywhere else without an account, it refuses to start.
import { isLoopback } from './access.ts';
import { countUsers } from './auth.ts';

export class ExposedWithoutAccountsError extends Error {
	constructor(host: string) {
		super(
			`Handoff will not serve ${host} without accounts: anyone on the network could open it without signing in.\n` +
				`Add an admin first, then start it again:\n` +
				`  handoff user add --role admin <name>\n` +
				`or serve this machine only with --host 127.0.0.1.`
		);
		this.name = 'ExposedWithoutAccountsError';
	}
}

/** Refuses a listening address, or a public ORIGIN (a proxy in front), while no account exists. */
export async function refuseOpenNetworkBind(host: string, db?: string, origin = process.env.ORIGIN): Promise<void> {
	const publicOrigin = origin && !isLoopback(new URL(origin).hostname) ? origin : null;
	if (isLoopback(host) && !publicOrigin) return;
	if ((await countUsers(db)) === 0) throw new ExposedWithoutAccountsError(publicOrigin ?? host);
}
