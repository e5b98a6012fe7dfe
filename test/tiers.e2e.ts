// The tiers page in Chromium, on the seeded demo data: its charts are drawn, the numbers of its
// tables are those of /api/tiers, /api/escalations and /api/kpis for the same period, SLA cells
// lead to the segments they count, and the SLA calendar is named.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const count = (n: number) => n.toLocaleString('en-US');
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

interface Transition {
	type: 'escalated' | 'de_escalated';
	from_tier: number;
	to_tier: number;
	events: number;
	bounced: number;
	bounced_share: number;
	tickets: number;
}

/** The period the page shows (its default, the last 4 complete weeks, when the URL has none). */
async function shownPeriod(page: Page) {
	const bar = page.getByTestId('filter-bar');
	return { from: await bar.locator('input[name=from]').inputValue(), to: await bar.locator('input[name=to]').inputValue() };
}

/** The rows of a chart's table alternative, as cell texts, after opening it. */
async function tableRows(card: Locator, table: string) {
	await card.getByText('Show as a table').click();
	const rows = card.getByTestId(table).locator('tbody tr');
	await expect(rows.first()).toBeVisible();
	return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
}

test('the tiers page draws its charts, and its tables match the APIs for the same period', async ({ page, request }) => {
	await open(page, '/tiers');
	for (const id of ['chart-transitions', 'chart-time-in-tier', 'chart-sla-response', 'chart-sla-resolution']) {
		await expect(page.getByTestId(id).locator('.chart[data-drawn] svg').first()).toBeVisible();
	}
	const { from, to } = await shownPeriod(page);
	expect(from < to).toBe(true);
	const q = `from=${from}&to=${to}`;
	const tiers = await (await request.get(`/api/tiers?${q}`)).json();
	const esc = await (await request.get(`/api/escalations?${q}`)).json();
	const kpis = await (await request.get(`/api/kpis?${q}`)).json();
	expect(tiers.transitions.length).toBeGreaterThan(0);

	// The transition matrix, as a table: every from/to pair with the API's counts, which are
	// also the escalation analysis' matrix.
	const matrix = await tableRows(page.getByTestId('chart-transitions'), 'transitions-table');
	expect(matrix).toEqual(
		(tiers.transitions as Transition[]).map((r) => [
			`Tier ${r.from_tier}`,
			`Tier ${r.to_tier}`,
			r.type === 'escalated' ? 'escalated' : 'de-escalated',
			count(r.events),
			r.type === 'escalated' ? count(r.bounced) : '–',
			r.type === 'escalated' ? pct(r.bounced_share) : '–',
			count(r.tickets)
		])
	);
	const key = (r: Transition) => `${r.type} ${r.from_tier}->${r.to_tier}`;
	expect(Object.fromEntries((tiers.transitions as Transition[]).map((r) => [key(r), [r.events, r.bounced]]))).toEqual(
		Object.fromEntries((esc.mix.transitions as Transition[]).map((r) => [key(r), [r.events, r.bounced]]))
	);
	// The chart itself says the same to screen readers.
	const first = tiers.transitions[0] as Transition;
	await expect(page.getByTestId('chart-transitions').locator('svg[aria-label="Tier transition matrix"]')).toHaveAttribute(
		'aria-description',
		new RegExp(`from tier ${first.from_tier} to tier ${first.to_tier} \\(${first.type}\\): ${first.events} events, ${first.bounced} bounced`)
	);

	// SLA: the calendar is named, and each tier's "all priorities" row is the overview's sla_by_tier.
	await expect(page.getByTestId('sla-calendar')).toContainText(`Clock: ${kpis.sla_calendar}`);
	expect(tiers.sla.calendar).toBe(kpis.sla_calendar);
	const sla = await tableRows(page.getByTestId('chart-sla-resolution'), 'sla-resolution-table');
	for (const [tier, s] of Object.entries(kpis.sla_by_tier as Record<string, { resolution_met_rate: number | null; resolution_met_count: number; resolution_judged: number }>)) {
		expect(sla).toContainEqual([`Tier ${tier}`, 'all', pct(s.resolution_met_rate), count(s.resolution_met_count), count(s.resolution_judged)]);
	}

	// Bounces and ping-pong: the escalation analysis' counts, each ticket linking to its page.
	await expect(page.getByTestId('bounced-count')).toHaveText(count(esc.handoffs.bounced_escalations));
	await expect(page.getByTestId('bounced')).toContainText(`on ${count(esc.handoffs.bounced_tickets)} tickets`);
	await expect(page.getByTestId('ping-pong-count')).toHaveText(count(esc.handoffs.ping_pong_tickets));
	const firstPingPong = tiers.ping_pong.list[0].ticket_id as string;
	await expect(page.getByTestId('ping-pong').getByRole('link', { name: firstPingPong, exact: true })).toHaveAttribute(
		'href',
		`/tickets/${encodeURIComponent(firstPingPong)}`
	);
	// "List all of them" lists exactly the bounced and the ping-pong tickets counted above.
	for (const [testid, kpi, expected] of [
		['bounced', 'bounced', esc.handoffs.bounced_tickets],
		['ping-pong', 'ping_pong', esc.handoffs.ping_pong_tickets]
	] as const) {
		const all = page.getByTestId(testid).getByRole('link', { name: 'List all of them →' });
		await expect(all).toHaveAttribute('href', `/tickets?${q}&kpi=${kpi}&part=numerator`);
		const listed = await (await request.get(`/api/tickets?${q}&kpi=${kpi}&part=numerator&page_size=1`)).json();
		expect(listed.total, kpi).toBe(expected);
	}

	await screenshots(page, 'tiers');
});

test('an SLA cell leads to exactly the segments it counts', async ({ page, request }) => {
	await open(page, '/tiers');
	const card = page.getByTestId('chart-sla-response');
	await card.getByText('Show as a table').click();
	// Tier 1, high priority: the link on its judged count is the drill-down for that cell.
	const row = card.getByTestId('sla-response-table').locator('tbody tr', { has: page.locator('td', { hasText: /^high$/ }) }).first();
	const link = row.getByRole('link');
	const judged = Number((await link.textContent())!.replace(/,/g, ''));
	const href = (await link.getAttribute('href'))!;
	const url = new URL(href, 'http://x');
	expect(url.pathname).toBe('/tickets');
	expect(Object.fromEntries(url.searchParams)).toMatchObject({ kpi: 'sla_response', part: 'denominator', priority: 'high' });
	const drill = await (await request.get(`/api/tickets${url.search}`)).json();
	expect(drill.total).toBe(judged);
	expect(drill.tickets.every((t: { priority: string; segment: { tier: number } }) => t.priority === 'high' && t.segment.tier === Number(url.searchParams.get('sla_tier')))).toBe(true);
});

test('a transition count leads to the tier changes it counts', async ({ page, request }) => {
	await open(page, '/tiers');
	const { from, to } = await shownPeriod(page);
	const tiers = await (await request.get(`/api/tiers?from=${from}&to=${to}`)).json();
	const cell = (tiers.transitions as Transition[]).find((r) => r.type === 'escalated' && r.bounced > 0)!;
	// The chart's cell is a link, like the count in its table.
	await expect(page.getByTestId('chart-transitions').locator('svg a')).toHaveCount(tiers.transitions.length);
	const card = page.getByTestId('chart-transitions');
	await card.getByText('Show as a table').click();
	const row = card.getByTestId('transitions-table').locator('tbody tr').filter({ hasText: new RegExp(`^Tier ${cell.from_tier}\\s*Tier ${cell.to_tier}\\s*escalated`) });
	await row.getByRole('link', { name: count(cell.events) }).click();
	await expect(page).toHaveURL(new RegExp(`transition=escalated(%3A|:)${cell.from_tier}-${cell.to_tier}`));
	const list = page.getByTestId('transition-tickets');
	await expect(list.getByRole('heading')).toHaveText(`Tickets behind the tier ${cell.from_tier} → ${cell.to_tier} escalations`);
	await expect(list).toContainText(`${count(cell.events)} events in the period`);
	await expect(list.locator('tbody tr')).toHaveCount(Math.min(cell.events, tiers.list_limit));
	await expect(list.locator('.badge', { hasText: 'bounced' }).first()).toBeVisible();
});

test('a filter narrows the page as it narrows the other pages', async ({ page, request }) => {
	await open(page, '/tiers?priority=urgent');
	const { from, to } = await shownPeriod(page);
	const urgent = await (await request.get(`/api/escalations?from=${from}&to=${to}&priority=urgent`)).json();
	await expect(page.getByTestId('tiers-period')).toContainText('filtered by priority urgent');
	await expect(page.getByTestId('ping-pong-count')).toHaveText(count(urgent.handoffs.ping_pong_tickets));
	await expect(page.getByTestId('bounced-count')).toHaveText(count(urgent.handoffs.bounced_escalations));
});

test('a bad period is a 400 with the reason, on the page and the API', async ({ request }) => {
	const res = await request.get('/tiers?from=2026-03-09&to=2026-03-02');
	expect(res.status()).toBe(400);
	expect(await res.text()).toContain('from must be before to');
	const api = await request.get('/api/tiers?from=2026-03-02&to=2026-03-09&priority=asap');
	expect(api.status()).toBe(400);
	expect((await api.json()).message).toContain('priority');
});
