// Escalation analysis on desks worked out by hand: the mix, the transition matrix, bounces,
// handoffs, ping-pong, category spikes, and the coaching rows.
import { describe, expect, it } from 'vitest';
import { computeEscalations } from '../src/lib/server/escalations.ts';
import { kpiTickets, parseDrillParams, parseKpiParams } from '../src/lib/server/kpis.ts';
import { importCsv, withDb } from './helpers.ts';

const load = importCsv;

describe('computeEscalations(): mix, transitions, handoffs', () => {
	it('counts escalation events in the period by category, trigger, kind and tier change', () =>
		withDb(async (db, dir) => {
			await load(
				db,
				dir,
				`ticket_id,created_at,category,team,assignee
B,2026-03-02T09:00:00Z,billing,alpha,Ann
E,2026-03-04T09:00:00Z,login,beta,Bob
H,2026-03-01T20:00:00Z,api,beta,Bob
I,2026-03-06T09:00:00Z,api,beta,
P,2026-03-05T09:00:00Z,api,beta,Bob
Q,2026-03-05T09:00:00Z,api,alpha,Ann
`,
				`ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger
B,2026-03-02T11:00:00Z,escalated,1,2,functional,technical_complexity
B,2026-03-02T15:00:00Z,resolved,,,,
E,2026-03-04T10:00:00Z,escalated,1,2,functional,technical_complexity
E,2026-03-04T12:00:00Z,de_escalated,2,1,,
E,2026-03-04T13:00:00Z,resolved,,,,
H,2026-03-01T22:00:00Z,escalated,1,2,functional,sla_breach
I,2026-03-06T10:00:00Z,escalated,1,3,hierarchical,high_value_impact
P,2026-03-05T10:00:00Z,escalated,1,2,,
P,2026-03-05T11:00:00Z,de_escalated,2,1,,
P,2026-03-05T12:00:00Z,escalated,1,2,functional,customer_request
P,2026-03-05T13:00:00Z,reassigned,,,,
P,2026-03-05T15:00:00Z,resolved,,,,
Q,2026-03-05T10:00:00Z,reassigned,,,,
Q,2026-03-05T11:00:00Z,resolved,,,,
`
			);
			const r = await computeEscalations(parseKpiParams({ from: '2026-03-02', to: '2026-03-09' }), db);
			// Escalations in [Mar 2, Mar 9): B, E, I, P (twice); H's is on Mar 1, before the period.
			// By category: api I + P + P = 3, billing B = 1, login E = 1.
			expect(r.mix.by_category).toEqual([
				{ key: 'api', events: 3, bounced: 1 }, // P's first escalation bounced back to tier 1
				{ key: 'billing', events: 1, bounced: 0 },
				{ key: 'login', events: 1, bounced: 1 } // E bounced
			]);
			// Triggers: technical_complexity B, E; high_value_impact I; customer_request P; unknown P.
			expect(r.mix.by_trigger).toEqual([
				{ key: 'technical_complexity', events: 2, bounced: 1 },
				{ key: 'customer_request', events: 1, bounced: 0 },
				{ key: 'high_value_impact', events: 1, bounced: 0 },
				{ key: 'unknown', events: 1, bounced: 1 }
			]);
			// Kinds: functional B, E, P(2nd) = 3; hierarchical I; unknown P(1st).
			expect(r.mix.by_kind).toEqual([
				{ key: 'functional', events: 3, bounced: 1 },
				{ key: 'hierarchical', events: 1, bounced: 0 },
				{ key: 'unknown', events: 1, bounced: 1 }
			]);
			// Tier changes: escalated 1->2 B, E, P, P = 4 (2 bounced); de_escalated 2->1 E, P = 2; escalated 1->3 I.
			expect(r.mix.transitions).toEqual([
				{ type: 'escalated', from_tier: 1, to_tier: 2, events: 4, bounced: 2 },
				{ type: 'de_escalated', from_tier: 2, to_tier: 1, events: 2, bounced: 0 },
				{ type: 'escalated', from_tier: 1, to_tier: 3, events: 1, bounced: 0 }
			]);
			// Created in the period: B E I P Q (H on Mar 1). Handoffs: B 1, E 2, I 1, P 4
			// (3 tier changes + 1 reassignment), Q 1 -> mean 9/5; none with 0, three with 1, one with 2,
			// one with 3+. P's path 1->2->1->2 is ping-pong; E's 1->2->1 is a bounce only.
			expect(r.handoffs).toEqual({
				tickets: 5,
				mean: 9 / 5,
				distribution: { '0': 0, '1': 3, '2': 1, '3+': 1 },
				escalated_tickets: 4,
				bounced_escalations: 2,
				bounced_tickets: 2,
				ping_pong_tickets: 1,
				ping_pong_examples: ['P']
			});
			// The same counts as ticket lists: escalation events in the period are on B, E, I and
			// P (H's is on Mar 1); bounced escalations on E and P; ping-pong P only.
			const list = async (kpi: string) =>
				(await kpiTickets(parseDrillParams({ from: '2026-03-02', to: '2026-03-09', kpi, part: 'numerator' }).drill, parseKpiParams({ from: '2026-03-02', to: '2026-03-09' }), db)).tickets
					.map((t) => t.ticket_id)
					.sort();
			expect(await list('escalation_events')).toEqual(['B', 'E', 'I', 'P']);
			expect(await list('bounced')).toEqual(['E', 'P']);
			expect(await list('ping_pong')).toEqual(['P']);
		}));

	it('gives per-team and per-agent counts beside the desk, alphabetically', () =>
		withDb(async (db, dir) => {
			await load(
				db,
				dir,
				`ticket_id,created_at,team,assignee
T1,2026-03-02T09:00:00Z,alpha,Ann
T2,2026-03-02T09:00:00Z,alpha,Ann
T3,2026-03-03T09:00:00Z,beta,Bob
T4,2026-03-03T09:00:00Z,beta,
`,
				`ticket_id,occurred_at,type,from_tier,to_tier
T1,2026-03-02T10:00:00Z,resolved,,
T2,2026-03-02T10:00:00Z,escalated,1,2
T2,2026-03-02T13:00:00Z,resolved,,
T3,2026-03-03T11:00:00Z,resolved,,
T3,2026-03-03T12:00:00Z,reopened,,
T3,2026-03-03T15:00:00Z,resolved,,
`
			);
			const r = await computeEscalations(parseKpiParams({ from: '2026-03-02', to: '2026-03-09' }), db);
			// alpha: T1 (1 h, FCR), T2 (escalated, 4 h): escalation 1/2, FCR 1/2, median (1+4)/2 = 2.5 h.
			// beta: T3 (reopened, resolved after 6 h), T4 open: escalation 0/2, FCR 0/1, reopen 1/1.
			expect(r.teams).toEqual([
				{ name: 'alpha', created: 2, escalated: 1, escalation_rate: 0.5, resolved: 2, fcr_rate: 0.5, reopen_rate: 0, median_resolution_hours: 2.5 },
				{ name: 'beta', created: 2, escalated: 0, escalation_rate: 0, resolved: 1, fcr_rate: 0, reopen_rate: 1, median_resolution_hours: 6 }
			]);
			// Agents: T4 has no assignee and shows as "(none)", created but not resolved.
			expect(r.agents.map((a) => [a.name, a.created, a.resolved])).toEqual([
				['(none)', 1, 0],
				['Ann', 2, 2],
				['Bob', 1, 1]
			]);
			// The desk: 4 created, 1 escalated; 3 resolved, FCR 1/3, median of 1, 4, 6 = 4 h.
			expect(r.desk).toMatchObject({ created: 4, escalated: 1, escalation_rate: 0.25, resolved: 3, median_resolution_hours: 4 });
			expect(r.desk.fcr_rate).toBeCloseTo(1 / 3, 12);
		}));
});

describe('computeEscalations(): category spikes', () => {
	it('flags weeks with >= 2x the mean of the previous 4 weeks and >= 5, once 4 weeks of history exist', () =>
		withDb(async (db, dir) => {
			// ISO weeks starting W1 Feb 2, W2 Feb 9, W3 Feb 16, W4 Feb 23, W5 Mar 2 (2026).
			// billing: 1 escalation in each of W1-W4, then 5 in W5: baseline 1, 5 >= 2 and 5 >= 5: spike, ratio 5.
			// mobile: 2, 3, 3, 2, then 5: baseline 2.5, 5 >= 5 (inclusive) and 5 >= 5: spike, ratio 2.
			// login: 4 in W5 only: zero baseline but fewer than 5: no spike.
			// api: 6 in W5 only: zero baseline (zero-filled) with >= 5: spike, ratio null.
			// data: 9 in W4 only: W4 has just 3 weeks of history before it: not judged.
			const weeks = ['2026-02-03', '2026-02-10', '2026-02-17', '2026-02-24', '2026-03-03'];
			const plan: Record<string, number[]> = {
				billing: [1, 1, 1, 1, 5],
				mobile: [2, 3, 3, 2, 5],
				login: [0, 0, 0, 0, 4],
				api: [0, 0, 0, 0, 6],
				data: [0, 0, 0, 9, 0]
			};
			let tickets = 'ticket_id,created_at,category\n';
			let events = 'ticket_id,occurred_at,type,from_tier,to_tier\n';
			for (const [category, counts] of Object.entries(plan)) {
				counts.forEach((n, w) => {
					for (let i = 0; i < n; i++) {
						const id = `${category}-${w}-${i}`;
						tickets += `${id},${weeks[w]}T09:00:00Z,${category}\n`;
						events += `${id},${weeks[w]}T10:00:00Z,escalated,1,2\n`;
					}
				});
			}
			await load(db, dir, tickets, events);
			const r = await computeEscalations(parseKpiParams({ from: '2026-02-02', to: '2026-03-09' }), db);
			expect(r.spikes).toEqual([
				{ category: 'api', week_start: '2026-03-02', escalations: 6, baseline: 0, ratio: null },
				{ category: 'billing', week_start: '2026-03-02', escalations: 5, baseline: 1, ratio: 5 },
				{ category: 'mobile', week_start: '2026-03-02', escalations: 5, baseline: 2.5, ratio: 2 }
			]);
			// Only weeks starting in the period are reported.
			const before = await computeEscalations(parseKpiParams({ from: '2026-02-02', to: '2026-03-02' }), db);
			expect(before.spikes).toEqual([]);
		}));
});
