// Escalation analysis: the mix (category, trigger, kind, tier transitions), category spikes,
// handoffs, bounces and ping-pong, and per-team and per-agent figures for coaching. Each
// comes from one queries/*.sql file; this module binds the period and filters and reshapes.
import { withConnection } from './db.ts';
import { ensureFacts } from './facts.ts';
import { bounds, num, scopeParams, timeZone, type KpiFilters } from './kpis.ts';
import { runQuery, runScript } from './queries.ts';

export interface MixRow {
	key: string;
	events: number;
	bounced: number;
}

export interface Transition {
	type: 'escalated' | 'de_escalated';
	from_tier: number;
	to_tier: number;
	events: number;
	bounced: number;
}

export interface Spike {
	category: string;
	week_start: string;
	escalations: number;
	baseline: number;
	ratio: number | null;
}

export interface CoachingRow {
	name: string;
	created: number;
	escalated: number;
	escalation_rate: number | null;
	resolved: number;
	fcr_rate: number | null;
	reopen_rate: number | null;
	median_resolution_hours: number | null;
}

export interface EscalationReport {
	period: { from: string; to: string; time_zone: string };
	mix: { by_category: MixRow[]; by_trigger: MixRow[]; by_kind: MixRow[]; transitions: Transition[] };
	spikes: Spike[];
	handoffs: {
		tickets: number;
		mean: number | null;
		distribution: { '0': number; '1': number; '2': number; '3+': number };
		escalated_tickets: number;
		bounced_escalations: number;
		bounced_tickets: number;
		ping_pong_tickets: number;
		ping_pong_examples: string[];
	};
	/** The whole desk's rates, the context for every team and agent row. */
	desk: Omit<CoachingRow, 'name'>;
	teams: CoachingRow[];
	agents: CoachingRow[];
}

type Row = Record<string, unknown>;

const dateKey = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

function coaching(rows: Row[]): CoachingRow[] {
	return rows.map((r) => ({
		name: String(r.name),
		created: Number(r.created),
		escalated: Number(r.escalated),
		escalation_rate: num(r.escalation_rate),
		resolved: Number(r.resolved),
		fcr_rate: num(r.fcr_rate),
		reopen_rate: num(r.reopen_rate),
		median_resolution_hours: num(r.median_resolution_hours)
	}));
}

export async function computeEscalations(filters: KpiFilters, db?: string): Promise<EscalationReport> {
	const zone = timeZone();
	return withConnection(async (conn) => {
		await ensureFacts(conn);
		await runScript(conn, 'ticket_scope');
		const params = { ...scopeParams(filters), ...bounds(filters.from, filters.to, zone), from_day: filters.from, to_day: filters.to };
		const mix = await runQuery<Row>(conn, 'escalation_mix', params);
		const spikes = await runQuery<Row>(conn, 'category_spikes', params);
		const [h] = await runQuery<Row>(conn, 'handoffs', params);
		const teams = await runQuery<Row>(conn, 'coaching', { ...params, by: 'team' });
		const agents = await runQuery<Row>(conn, 'coaching', { ...params, by: 'assignee' });
		const [desk] = coaching(await runQuery<Row>(conn, 'coaching', { ...params, by: 'desk' }));
		const byDim = (d: string): MixRow[] =>
			mix.filter((r) => r.dimension === d).map((r) => ({ key: String(r.key), events: Number(r.events), bounced: Number(r.bounced) }));
		return {
			period: { from: filters.from, to: filters.to, time_zone: zone },
			mix: {
				by_category: byDim('category'),
				by_trigger: byDim('trigger'),
				by_kind: byDim('kind'),
				transitions: mix
					.filter((r) => r.dimension === 'transition')
					.map((r) => ({
						type: r.key as Transition['type'],
						from_tier: Number(r.from_tier),
						to_tier: Number(r.to_tier),
						events: Number(r.events),
						bounced: Number(r.bounced)
					}))
			},
			spikes: spikes.map((r) => ({
				category: String(r.category),
				week_start: dateKey(r.week),
				escalations: Number(r.escalations),
				baseline: Number(r.baseline),
				ratio: num(r.ratio)
			})),
			handoffs: {
				tickets: Number(h.tickets),
				mean: num(h.mean_handoffs),
				distribution: { '0': Number(h.with_0), '1': Number(h.with_1), '2': Number(h.with_2), '3+': Number(h.with_3_or_more) },
				escalated_tickets: Number(h.escalated_tickets),
				bounced_escalations: Number(h.bounced_escalations),
				bounced_tickets: Number(h.bounced_tickets),
				ping_pong_tickets: Number(h.ping_pong_tickets),
				ping_pong_examples: ((h.ping_pong_ids as unknown[] | null) ?? []).map(String)
			},
			desk: desk
				? (({ name: _name, ...rest }) => rest)(desk)
				: { created: 0, escalated: 0, escalation_rate: null, resolved: 0, fcr_rate: null, reopen_rate: null, median_resolution_hours: null },
			teams: coaching(teams),
			agents: coaching(agents)
		};
	}, db);
}
