// The Trends page in Chromium on the demo data: its charts, its toggles in the URL, and its
// numbers against the KPI engine and the escalation analysis for the same period.
import { expect, test } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const count = (n: number) => n.toLocaleString('en-US');
const CHARTS = ['trend-category', 'trend-rate', 'trend-trigger', 'trend-kind', 'trend-mttr', 'trend-csat'];

test('the page draws every chart for the default 26 weeks, with titles, units and a table', async ({ page, request }) => {
	const api = await (await request.get('/api/trends')).json();
	const days = (Date.parse(api.period.to) - Date.parse(api.period.from)) / 86_400_000;
	expect(days).toBe(26 * 7);
	await open(page, '/trends');
	for (const id of CHARTS) {
		const card = page.getByTestId(id);
		await expect(card.locator('h2')).not.toBeEmpty();
		await expect(card.locator('.chart[data-drawn="true"] svg').first()).toBeVisible();
		await expect(card.getByText('Show as a table')).toBeVisible();
	}
	await expect(page.getByTestId('trend-category')).toContainText('Escalation events per ISO week');
	await expect(page.getByTestId('trend-rate')).toContainText('per ISO week of creation');
	// Every category with escalations has its own panel, in the category palette's colour.
	const categories = [...new Set(api.escalations.category.map((r: { key: string }) => r.key))] as string[];
	expect(categories.length).toBeGreaterThan(1);
	await expect(page.getByTestId('category-table').locator('thead th')).toHaveCount(categories.length + 2);
	// Each spike of the rule is named with its week and links to that week's escalated tickets.
	expect(api.spikes.length).toBeGreaterThan(0);
	const s = api.spikes[0];
	await expect(page.getByTestId('spikes')).toContainText(`${api.spikes.length} category spike`);
	await page.getByTestId('spikes').locator('summary').click();
	const link = page.getByTestId('spikes').getByRole('link', { name: `${s.category} tickets escalated that week` }).first();
	const href = new URL((await link.getAttribute('href'))!, 'http://x');
	expect(href.pathname).toBe('/tickets');
	expect(Object.fromEntries(href.searchParams)).toEqual({
		from: s.week_start,
		to: s.week_end,
		category: s.category,
		kpi: 'escalation_events',
		part: 'numerator'
	});
	// The list holds the tickets behind the spike's escalation events: at most one per event.
	const listed = await (await request.get(`/api/tickets${href.search}&page_size=1`)).json();
	expect(listed.total).toBeGreaterThan(0);
	expect(listed.total).toBeLessThanOrEqual(s.escalations);
	await screenshots(page, 'trends');
});

test("the escalation-rate table is the KPI engine's weekly series for the same period", async ({ page, request }) => {
	await open(page, '/trends');
	const from = await page.locator('input[name="from"]').inputValue();
	const to = await page.locator('input[name="to"]').inputValue();
	const trends = await (await request.get(`/api/trends?from=${from}&to=${to}`)).json();
	const kpis = await (await request.get(`/api/kpis?from=${from}&to=${to}&weeks=${trends.rate.kpi_weeks}`)).json();
	const weeks = kpis.weekly.slice(-26);
	expect(weeks.some((w: { tickets_created: number }) => w.tickets_created > 0)).toBe(true);

	await page.getByTestId('trend-rate').getByText('Show as a table').click();
	const rows = page.getByTestId('rate-table').locator('tbody tr');
	await expect(rows).toHaveCount(26);
	for (let i = 0; i < weeks.length; i++) {
		const w = weeks[i];
		await expect(rows.nth(i).locator('td')).toHaveText([w.week, count(w.tickets_created), count(w.escalated_tickets), pct(w.escalation_rate), /%|–/]);
	}
	// The last row's rolling rate is the engine's escalation rate over the last 4 weeks.
	const last4 = await (await request.get(`/api/kpis?from=${weeks[22].week_start}&to=${to}`)).json();
	await expect(rows.last().locator('td').last()).toHaveText(pct(last4.escalation_rate));
});

test('the category counts add up to the escalation mix of /api/escalations for the period', async ({ page, request }) => {
	await open(page, '/trends');
	const from = await page.locator('input[name="from"]').inputValue();
	const to = await page.locator('input[name="to"]').inputValue();
	const mix = await (await request.get(`/api/escalations?from=${from}&to=${to}`)).json();
	await page.getByTestId('trend-category').getByText('Show as a table').click();
	const totals = await page.getByTestId('category-table').locator('tbody tr td:last-child').allTextContents();
	const sum = totals.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0);
	expect(sum).toBe(mix.mix.by_category.reduce((s: number, r: { events: number }) => s + r.events, 0));
	// Per category too: the column of billing adds up to billing's escalations in the mix.
	const headers = await page.getByTestId('category-table').locator('thead th').allTextContents();
	const col = headers.indexOf('billing');
	const cells = await page.getByTestId('category-table').locator(`tbody tr td:nth-child(${col + 1})`).allTextContents();
	const billing = cells.reduce((s, t) => s + Number(t.replace(/[^\d]/g, '')), 0);
	expect(billing).toBe(mix.mix.by_category.find((r: { key: string }) => r.key === 'billing').events);
});

test('the month grain and the share toggle live in the URL and survive a reload', async ({ page }) => {
	await open(page, '/trends?category=billing');
	await page.getByTestId('grain-month').click();
	await expect(page).toHaveURL(/grain=month/);
	await page.getByTestId('share-on').click();
	await expect(page).toHaveURL(/grain=month/);
	await expect(page).toHaveURL(/share=1/);
	await expect(page).toHaveURL(/category=billing/);
	await page.reload();
	await expect(page.getByTestId('grain-month')).toHaveAttribute('aria-current', 'true');
	await expect(page.getByTestId('share-on')).toHaveAttribute('aria-current', 'true');
	await expect(page.getByTestId('trends-period')).toContainText('category billing');
	await expect(page.getByTestId('trend-category')).toContainText('Share of all escalation events in each month');
	// Month rows, each a share: with one category, every month with escalations is 100%.
	await page.getByTestId('trend-category').getByText('Show as a table').click();
	const table = page.getByTestId('category-table');
	await expect(table.locator('thead th').first()).toHaveText('month');
	await expect(table.locator('thead th')).toHaveCount(2);
	const cells = await table.locator('tbody tr td:nth-child(2)').allTextContents();
	expect(cells.length).toBeGreaterThanOrEqual(6);
	expect(cells.length).toBeLessThanOrEqual(8);
	expect(cells.filter((c) => c.startsWith('100.0%')).length).toBeGreaterThan(0);
	expect(cells.every((c) => /^(100\.0%|–)/.test(c))).toBe(true);
	// The filter bar keeps the toggles when the period changes.
	await page.locator('input[name="from"]').fill('2026-01-05');
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/from=2026-01-05/);
	await expect(page).toHaveURL(/grain=month/);
	await expect(page).toHaveURL(/share=1/);
	// Back to weeks and counts.
	await page.getByTestId('grain-week').click();
	await expect(page).not.toHaveURL(/grain=/);
	await page.getByTestId('share-off').click();
	await expect(page).not.toHaveURL(/grain=|share=/);
	await expect(page.getByTestId('trend-category')).toContainText('Escalation events per ISO week');
});

test('a filter that matches nothing gives every chart its empty state instead of a blank plot', async ({ page }) => {
	await open(page, '/trends?category=no-such-category');
	await expect(page.getByTestId('trend-category')).toContainText('No escalations in this period with these filters.');
	await expect(page.getByTestId('trend-rate')).toContainText('No tickets were created in this period with these filters.');
	await expect(page.getByTestId('trend-mttr')).toContainText('No tickets were resolved in this period with these filters.');
	await expect(page.getByTestId('trend-csat')).toContainText('No rated tickets were resolved');
	await expect(page.locator('.chart')).toHaveCount(0);
	await expect(page.getByTestId('spikes')).toHaveCount(0);
});

test('bad trend parameters are a 400 with the reason, on the page and the API', async ({ request }) => {
	const page = await request.get('/trends?grain=year');
	expect(page.status()).toBe(400);
	expect(await page.text()).toContain('grain');
	const api = await request.get('/api/trends?from=2026-03-09&to=2026-03-02');
	expect(api.status()).toBe(400);
	expect((await api.json()).message).toContain('from must be before to');
});
