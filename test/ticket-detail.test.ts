// The ticket detail on tickets worked out by hand: tier segments and event lanes, the SLA
// clock per segment against SPEC.md's default targets in calendar hours (tier 1 1 h / 24 h,
// tier 2 4 h / 72 h, tier 3 0.5 h / 8 h), and the frustration highlighting.
import { describe, expect, it } from 'vitest';
import { ticketTimeline } from '../src/lib/charts/ticketTimeline.ts';
import { highlightPhrases, ticketDetail } from '../src/lib/server/ticket-detail.ts';
import { importCsv, withDb } from './helpers.ts';

const TICKETS = `ticket_id,created_at,first_response_at,resolved_at,priority,category,vip,csat_score,team,assignee,subject,description,csat_comment
D1,2026-03-02T09:00:00Z,,,normal,billing,true,2,alpha,Ann,Charged twice,"This is the THIRD TIME I write.
I am extremely frustrated!",Took far too long
D2,2026-03-02T09:00:00Z,,,normal,login,false,,beta,,Cannot log in,Nothing unacceptableness here,
D3,2026-03-04T09:30:00Z,,,normal,login,false,,beta,,Password reset,,
`;
const EVENTS = `ticket_id,occurred_at,type,from_tier,to_tier,kind,trigger,actor,note
D1,2026-03-02T09:00:00Z,created,,,,,,
D1,2026-03-02T09:30:00Z,responded,,,,,Ann,
D1,2026-03-02T11:00:00Z,escalated,1,2,functional,technical_complexity,Ann,Needs a developer
D1,2026-03-02T16:00:00Z,responded,,,,,Bo,
D1,2026-03-03T11:00:00Z,escalated,2,3,hierarchical,customer_sentiment,Bo,
D1,2026-03-03T11:20:00Z,responded,,,,,Cy,
D1,2026-03-03T20:00:00Z,de_escalated,3,2,,,Cy,Back to tier 2
D1,2026-03-04T10:00:00Z,resolved,,,,,Bo,
`;
// D1, path 1 -> 2 -> 3 -> 2, resolved Mar 4 10:00 in its fourth segment:
//   seg 0 tier 1  Mar 2 09:00-11:00  reply 09:30 = 0.5 h <= 1 h: met;   held 2 h <= 24 h: met
//   seg 1 tier 2  Mar 2 11:00-Mar 3 11:00  reply 16:00 = 5 h > 4 h: missed; held 24 h <= 72 h: met
//   seg 2 tier 3  Mar 3 11:00-20:00  reply 11:20 = 1/3 h <= 0.5 h: met; held 9 h > 8 h: missed
//   seg 3 tier 2  Mar 3 20:00-resolved Mar 4 10:00  no reply inside: missed; held 14 h <= 72 h: met
// The data's as-of time is the latest timestamp: D1's resolution, Mar 4 10:00.
// D2, no events, open since Mar 2 09:00: 49 h at the as-of time, past both tier 1 targets: missed, missed.
// D3, no events, open since Mar 4 09:30: 0.5 h, inside both targets: running, running (left out of the KPIs).

describe('ticketDetail()', () => {
	it('returns the header, with the CSAT comment from an extra column', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d = (await ticketDetail('D1', db))!;
			expect(d.ticket).toMatchObject({
				ticket_id: 'D1',
				subject: 'Charged twice',
				priority: 'normal',
				vip: true,
				csat_score: 2,
				csat_comment: 'Took far too long',
				escalated: true,
				handoffs: 3,
				tier_path: [1, 2, 3, 2],
				resolving_tier: 2,
				resolved_at: '2026-03-04T10:00:00.000Z',
				resolution_hours: 49, // Mar 2 09:00 to Mar 4 10:00
				tier_resolution_hours: 14 // from the last tier 2 segment's start, Mar 3 20:00
			});
			expect(await ticketDetail('nope', db)).toBeNull();
		}));

	it('puts every event in the lane of the tier holding the ticket, tier changes in the tier they open', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d = (await ticketDetail('D1', db))!;
			expect(d.events.map((e) => [e.n, e.type, e.tier])).toEqual([
				[1, 'created', 1],
				[2, 'responded', 1],
				[3, 'escalated', 2],
				[4, 'responded', 2],
				[5, 'escalated', 3],
				[6, 'responded', 3],
				[7, 'de_escalated', 2],
				[8, 'resolved', 2]
			]);
			const esc = d.events.filter((e) => e.type !== 'responded' && e.from_tier !== null);
			// The 2 -> 3 escalation is followed by a de-escalation back to 2: bounced. The 1 -> 2 is not.
			expect(esc.map((e) => [e.from_tier, e.to_tier, e.trigger, e.kind, e.bounced])).toEqual([
				[1, 2, 'technical_complexity', 'functional', false],
				[2, 3, 'customer_sentiment', 'hierarchical', true],
				[3, 2, null, null, false]
			]);
		}));

	it('gives each tier segment its SLA clock and the judgement of sla_judged.sql', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d = (await ticketDetail('D1', db))!;
			expect(d.sla_calendar).toBe('calendar hours');
			const s = d.segments;
			expect(s.map((x) => [x.tier, x.end, x.response, x.resolution])).toEqual([
				[1, 'handed_on', 'met', 'met'],
				[2, 'handed_on', 'missed', 'met'],
				[3, 'handed_on', 'met', 'missed'],
				[2, 'resolved', 'missed', 'met']
			]);
			expect(s.map((x) => [x.response_target_hours, x.resolution_target_hours])).toEqual([
				[1, 24],
				[4, 72],
				[0.5, 8],
				[4, 72]
			]);
			expect(s[0].response_hours).toBeCloseTo(0.5, 9);
			expect(s[1].response_hours).toBeCloseTo(5, 9);
			expect(s[2].response_hours).toBeCloseTo(1 / 3, 9);
			expect(s[3].response_hours).toBeNull();
			expect(s.map((x) => x.held_hours)).toEqual([2, 24, 9, 14]);
		}));

	it('judges open segments at the data as-of time: missed past the target, running inside it', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d2 = (await ticketDetail('D2', db))!;
			expect(d2.segments).toHaveLength(1);
			expect(d2.segments[0]).toMatchObject({ tier: 1, end: 'open', held_hours: null, open_hours: 49, response: 'missed', resolution: 'missed' });
			const d3 = (await ticketDetail('D3', db))!;
			expect(d3.segments[0]).toMatchObject({ end: 'open', open_hours: 0.5, response: 'running', resolution: 'running' });
			expect(d3.events).toEqual([]);
		}));

	it('marks the frustration phrases of the description', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d = (await ticketDetail('D1', db))!;
			expect(d.description).toEqual([
				{ text: 'This is the ', mark: false },
				{ text: 'THIRD TIME', mark: true },
				{ text: ' I write.\nI am ', mark: false },
				{ text: 'extremely frustrated', mark: true },
				{ text: '!', mark: false }
			]);
			expect(d.frustration).toEqual(['third time', 'extremely frustrated']);
			const d2 = (await ticketDetail('D2', db))!;
			expect(d2.frustration).toEqual([]);
		}));
});

describe('highlightPhrases()', () => {
	it('splits text into plain and marked parts that join back to the original', () => {
		const text = 'Still not working. It is <b>unacceptable</b>, truly UNACCEPTABLE.';
		const parts = highlightPhrases(text);
		expect(parts.map((p) => p.text).join('')).toBe(text);
		expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['Still not working', 'unacceptable', 'UNACCEPTABLE']);
		// Markup in the text stays text: the page renders each part as text, never as HTML.
		expect(parts.some((p) => !p.mark && p.text.includes('<b>'))).toBe(true);
	});

	it('matches whole words only and prefers the longest phrase', () => {
		expect(highlightPhrases('unacceptableness').every((p) => !p.mark)).toBe(true);
		expect(highlightPhrases('I am extremely frustrated').filter((p) => p.mark).map((p) => p.text)).toEqual(['extremely frustrated']);
		expect(highlightPhrases('')).toEqual([]);
		// Phrases are text, not patterns: "a.b" does not match "axb".
		expect(highlightPhrases('axb a.b', ['a.b']).filter((p) => p.mark)).toEqual([{ text: 'a.b', mark: true }]);
	});
});

describe('ticketTimeline()', () => {
	it('draws a lane per tier and describes every segment and tier change in words', () =>
		withDb(async (db, dir) => {
			await importCsv(db, dir, TICKETS, EVENTS);
			const d = (await ticketDetail('D1', db))!;
			const segments = d.segments.map((s) => ({
				tier: s.tier,
				start: new Date(s.start_at),
				end: new Date(s.end_at ?? d.ticket.resolved_at!),
				open: s.end === 'open',
				label: `tier ${s.tier}`
			}));
			const events = d.events.map((e) => ({ ...e, at: new Date(e.occurred_at) }));
			const o = ticketTimeline({ segments, events }, { width: 900, tiers: [1, 2, 3], formatTime: (x) => x.toISOString(), ticketId: 'D1' });
			expect(o.y?.ticks).toEqual([1, 2, 3]);
			expect(o.ariaLabel).toBe('Timeline of ticket D1 in tier lanes');
			expect(o.ariaDescription).toContain('tier 1; tier 2; tier 3; tier 2');
			expect(o.ariaDescription).toContain('escalated 1→2 · technical complexity · functional');
			expect(o.ariaDescription).toContain('escalated 2→3 · customer sentiment · hierarchical (bounced back)');
			expect(o.ariaDescription).toContain('de-escalated 3→2');
		}));
});
