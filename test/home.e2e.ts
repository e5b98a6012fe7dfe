// The overview in Chromium: its numbers are the KPI engine's, for the same period.
import { expect, test } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const count = (n: number) => n.toLocaleString('en-US');

test('the overview shows the same numbers as /api/kpis for its period, with the previous period', async ({ page, request }) => {
	await page.goto('/');
	await page.getByRole('link', { name: 'Last complete week' }).click();
	await page.waitForURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
	const url = new URL(page.url());
	const api = await (await request.get(`/api/kpis?from=${url.searchParams.get('from')}&to=${url.searchParams.get('to')}`)).json();
	expect(api.tickets_created).toBeGreaterThan(0);

	await expect(page.getByTestId('kpi-escalation-rate').locator('.value')).toHaveText(pct(api.escalation_rate));
	await expect(page.getByTestId('kpi-escalation-rate')).toContainText(`${count(api.escalated_tickets)} of ${count(api.tickets_created)} tickets created`);
	await expect(page.getByTestId('kpi-fcr').locator('.value')).toHaveText(pct(api.fcr_rate));
	await expect(page.getByTestId('kpi-fcr')).toContainText(`${count(api.fcr_tickets)} of ${count(api.tickets_resolved)} tickets resolved`);
	await expect(page.getByTestId('kpi-reopen-rate').locator('.value')).toHaveText(pct(api.reopen_rate));
	await expect(page.getByTestId('kpi-csat').locator('.value').first()).toHaveText(pct(api.csat.escalated.satisfied_rate));
	// Week-over-week: the escalation-rate delta is the difference with the previous period, in points.
	const delta = (api.escalation_rate - api.previous.escalation_rate) * 100;
	await expect(page.getByTestId('kpi-escalation-rate').locator('.delta')).toContainText(`${Math.abs(delta).toFixed(1)} pts`);
	// Every tier with resolved tickets has a row, with its count.
	for (const [tier, m] of Object.entries(api.mttr_hours_by_tier as Record<string, { count: number }>)) {
		await expect(page.getByTestId('kpi-mttr').getByRole('row', { name: new RegExp(`^Tier ${tier} ${count(m.count)} `) })).toBeVisible();
	}
	await expect(page.getByTestId('kpi-sla')).toContainText(api.sla_calendar);
	// The 12-week sparkline describes its points for screen readers, the last one being this week.
	const spark = page.getByTestId('kpi-fcr').locator('svg[aria-label="First contact resolution, last 12 weeks"]');
	await expect(spark).toBeVisible();
	await expect(spark).toHaveAttribute('aria-description', new RegExp(`${pct(api.fcr_rate).replace('.', '\\.')}$`));
	await screenshots(page, 'overview');
});

test('each KPI says how it is computed, and which SQL file does it', async ({ page }) => {
	await page.goto('/');
	const card = page.getByTestId('kpi-fcr');
	await card.getByText('How is this computed?').click();
	await expect(card).toContainText('with 0 handoffs');
	await expect(card).toContainText('queries/fcr.sql');
});

test('a filter in the URL narrows the numbers and survives a reload', async ({ page, request }) => {
	await page.goto('/?category=billing');
	await page.getByRole('link', { name: 'Last complete week' }).click();
	await expect(page).toHaveURL(/category=billing.*from=\d{4}-\d{2}-\d{2}/);
	await page.reload();
	await expect(page.getByText('Filtered by')).toContainText('category billing');
	const url = new URL(page.url());
	const q = `from=${url.searchParams.get('from')}&to=${url.searchParams.get('to')}`;
	const billing = await (await request.get(`/api/kpis?${q}&category=billing`)).json();
	const all = await (await request.get(`/api/kpis?${q}`)).json();
	expect(billing.tickets_created).toBeLessThan(all.tickets_created);
	await expect(page.getByTestId('kpi-escalation-rate')).toContainText(`of ${count(billing.tickets_created)} tickets created`);
});

test('a bad period in the URL is a 400 with the reason', async ({ request }) => {
	const res = await request.get('/?from=2026-03-09&to=2026-03-02');
	expect(res.status()).toBe(400);
	expect(await res.text()).toContain('from must be before to');
});

test('every count on the overview links to the drill-down that lists exactly those tickets', async ({ page, request }) => {
	await page.goto('/?category=billing');
	await page.getByRole('link', { name: 'Last complete week' }).click();
	await page.waitForURL(/from=\d{4}-\d{2}-\d{2}/);
	const url = new URL(page.url());
	const q = `from=${url.searchParams.get('from')}&to=${url.searchParams.get('to')}&category=billing`;
	const api = await (await request.get(`/api/kpis?${q}`)).json();

	// Each link's query, sent to /api/tickets, must total the number the link shows.
	const links = page.locator('[data-testid^="kpi-"] a[href^="/tickets?"]');
	const n = await links.count();
	expect(n).toBeGreaterThanOrEqual(8); // 3 rate cards x 2, CSAT x 2, MTTR and SLA rows
	for (let i = 0; i < n; i++) {
		const link = links.nth(i);
		const href = new URL((await link.getAttribute('href'))!, url);
		expect(href.searchParams.get('category')).toBe('billing');
		const shown = Number((await link.textContent())!.replace(/,/g, ''));
		const drill = await (await request.get(`/api/tickets${href.search}&page_size=1`)).json();
		expect(drill.total, href.search).toBe(shown);
	}
	// And the first is the escalation rate's numerator, the card's own count.
	const first = new URL((await links.first().getAttribute('href'))!, url);
	expect([first.searchParams.get('kpi'), first.searchParams.get('part')]).toEqual(['escalation_rate', 'numerator']);
	expect(Number((await links.first().textContent())!.replace(/,/g, ''))).toBe(api.escalated_tickets);
});

test('"what moved" names a category spike in a sentence, linked to its tickets', async ({ page, request }) => {
	// The seeded demo data has spikes; take the latest week the KPI engine calls a spike.
	const all = await (await request.get('/api/escalations?from=2020-01-06&to=2030-01-07')).json();
	expect(all.spikes.length).toBeGreaterThan(0);
	const spike = all.spikes.at(-1) as { category: string; week_start: string; escalations: number };
	const to = new Date(Date.parse(`${spike.week_start}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
	await page.goto(`/?from=${spike.week_start}&to=${to}`);

	const panel = page.getByTestId('what-moved');
	await expect(panel.getByRole('heading', { name: 'What moved' })).toBeVisible();
	const item = panel.getByRole('listitem').filter({ hasText: `Spike: ${spike.category} escalations` });
	await expect(item).toContainText(`were ${spike.escalations},`);
	const href = new URL((await item.getByRole('link', { name: /tickets/ }).getAttribute('href'))!, page.url());
	expect(Object.fromEntries(href.searchParams)).toMatchObject({ kpi: 'escalation_events', part: 'numerator', category: spike.category, from: spike.week_start, to });
	// Every other sentence says which way its number went, and links to a drill-down too.
	for (const other of await panel.getByRole('listitem').all()) {
		await expect(other).toContainText(/(rose|fell|doubled|tripled|halved|went from|Spike)/);
		await expect(other.getByRole('link', { name: /tickets/ })).toHaveAttribute('href', /^\/tickets\?.*kpi=/);
	}
});

test('a filter chosen in the filter bar goes into the URL, and the back button takes it out again', async ({ page }) => {
	await open(page, '/');
	const before = page.url();
	await page.getByTestId('filter-bar').getByLabel('Priority').selectOption('urgent');
	await expect(page).toHaveURL(/priority=urgent/);
	await expect(page.getByText('Filtered by')).toContainText('priority urgent');
	await page.goBack();
	await expect(page).toHaveURL(before);
	await expect(page.getByText('Filtered by')).toHaveCount(0);
	await page.goForward();
	await expect(page.getByText('Filtered by')).toContainText('priority urgent');
});

test('with no account yet, the header says the app is open and leads to the first-admin setup', async ({ page }) => {
	await open(page, '/');
	await page.getByRole('link', { name: /Open: no sign-in/ }).click();
	await expect(page.getByRole('heading', { name: 'Create the first admin' })).toBeVisible();
	await expect(page.getByText('No account exists yet, so Handoff is open to anyone who can reach it on this machine.')).toBeVisible();
	await screenshots(page, 'setup');
});
