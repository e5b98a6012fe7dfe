// The import adapters Handoff knows, and how an export's header picks one: the best
// detect() score of at least 0.6 wins; two formats that fit equally well, or none that fits,
// are refused with a message that names the formats (the user then passes --format).
import type { Adapter, AdapterId } from './types.ts';
import { zendeskAdapter } from './zendesk.ts';
import { freshdeskAdapter } from './freshdesk.ts';
import { jsmAdapter } from './jsm.ts';
import { servicenowAdapter, servicenowAuditAdapter } from './servicenow.ts';

export const ADAPTERS: Adapter[] = [zendeskAdapter, freshdeskAdapter, jsmAdapter, servicenowAdapter, servicenowAuditAdapter];

export const MIN_SCORE = 0.6;

export type Detection = { adapter: Adapter; score: number } | { error: string };

/** Looks like the canonical tickets or events file (which goes through the plain import). */
export function looksCanonical(header: string[]): boolean {
	const lower = new Set(header.map((h) => h.trim().toLowerCase()));
	return lower.has('ticket_id') && (lower.has('created_at') || lower.has('occurred_at'));
}

export function detectAdapter(header: string[], adapters: Adapter[] = ADAPTERS): Detection {
	const known = adapters.map((a) => a.label).join(', ');
	if (looksCanonical(header)) {
		return { error: `has the columns of Handoff's own format (ticket_id, created_at, ...): import it as tickets or events, not as a helpdesk export` };
	}
	const scored = adapters.map((adapter) => ({ adapter, score: adapter.detect(header) })).sort((a, b) => b.score - a.score);
	const [best, second] = scored;
	if (!best || best.score < MIN_SCORE) {
		return { error: `is not an export Handoff recognises (it knows ${known || 'no formats yet'}); choose the format, or map its columns on the Imports page` };
	}
	if (second && second.score >= MIN_SCORE && best.score - second.score < 0.05) {
		return { error: `fits both ${best.adapter.label} and ${second.adapter.label}; choose the format` };
	}
	return best;
}

export function adapterById(id: string, adapters: Adapter[] = ADAPTERS): Adapter | undefined {
	return adapters.find((a) => a.id === (id as AdapterId));
}
