// The ticket list and a ticket's timeline in Chromium, on the seeded demo data: the view lives
// in the URL, a KPI drill-down lists exactly what /api/tickets lists, ids open the timeline,
// and the CSV holds the whole list.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

/** The period the list shows by default (the last complete week), as the filter bar has it. */
async function defaultPeriod(page: Page) {
	await open(page, '/tickets');
	const bar = page.getByTestId('filter-bar');
	const from = await bar.locator('input[name="from"]').inputValue();
	const to = await bar.locator('input[name="to"]').inputValue();
	expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	return { from, to };
}

/** "Page 1 of 3 · 123 tickets" -> 123. */
async function listTotal(page: Page): Promise<number> {
	const text = (await page.getByTestId('page-count').first().textContent()) ?? '';
	const m = /· ([\d,]+) (tickets|segments)/.exec(text);
	expect(m, text).not.toBeNull();
	return Number(m![1].replace(/,/g, ''));
}

const rowIds = (page: Page) => page.getByTestId('ticket-link').allTextContents();

test('list filters and sort in the URL survive a reload', async ({ page }) => {
	const { to } = await defaultPeriod(page);
	// Twelve weeks: enough escalated billing tickets among the 1,500 demo ones.
	const from = new Date(Date.parse(`${to}T00:00:00Z`) - 84 * 86_400_000).toISOString().slice(0, 10);
	await open(page, `/tickets?from=${from}&to=${to}&category=billing&escalated=true&sort=handoffs&dir=desc`);
	await expect(page.getByTestId('list-heading')).toHaveText(/^Escalated tickets created .* \(category billing\)$/);
	const before = await rowIds(page);
	expect(before.length).toBeGreaterThan(0);
	// Every row is escalated, and handoffs never go up down the list.
	await expect(page.getByTestId('ticket-table').locator('tbody tr').filter({ hasNot: page.locator('.badge.bad') })).toHaveCount(0);
	const handoffs = (await page.getByTestId('ticket-table').locator('tbody tr td:nth-child(8)').allTextContents()).map(Number);
	expect(handoffs).toEqual([...handoffs].sort((a, b) => b - a));

	// A filter chosen in the filter bar goes into the URL and keeps the list's own parameters.
	const bar = page.getByTestId('filter-bar');
	await bar.locator('select[name="vip"]').selectOption('false');
	await page.waitForURL(/vip=false/);
	expect(page.url()).toContain('escalated=true');
	expect(page.url()).toContain('sort=handoffs');
	const filtered = await rowIds(page);
	expect(filtered.length).toBeGreaterThan(0);
	await page.reload();
	await expect(bar.locator('select[name="category"]')).toHaveValue('billing');
	await expect(bar.locator('select[name="vip"]')).toHaveValue('false');
	await expect(page.locator('select[name="escalated"]')).toHaveValue('true');
	await expect(page.getByRole('columnheader', { name: /Handoffs/ })).toHaveAttribute('aria-sort', 'descending');
	expect(await rowIds(page)).toEqual(filtered);
	expect(filtered.every((id) => before.includes(id))).toBe(true);
});

test('a KPI drill-down lists exactly the tickets of /api/tickets', async ({ page, request }) => {
	const { from, to } = await defaultPeriod(page);
	const q = `kpi=escalation_rate&part=numerator&from=${from}&to=${to}`;
	const api = await (await request.get(`/api/tickets?${q}&page_size=500`)).json();
	const all = await (await request.get(`/api/tickets?kpi=escalation_rate&part=denominator&from=${from}&to=${to}&page_size=1`)).json();
	expect(api.total).toBeGreaterThan(0);
	expect(api.total).toBeLessThanOrEqual(500);

	await open(page, `/tickets?${q}&page_size=500`);
	await expect(page.getByTestId('list-heading')).toContainText(
		`Escalated tickets created`
	);
	await expect(page.getByTestId('list-heading')).toContainText(
		`: ${api.total.toLocaleString('en-US')} of ${all.total.toLocaleString('en-US')} (numerator of escalation rate)`
	);
	expect(await listTotal(page)).toBe(api.total);
	expect(await rowIds(page)).toEqual(api.tickets.map((t: { ticket_id: string }) => t.ticket_id));

	// The other part is one click away.
	await page.getByTestId('switch-part').click();
	await page.waitForURL(/part=denominator/);
	expect(await listTotal(page)).toBe(all.total);
});

test('an id in the list opens the ticket timeline: tier lanes drawn, events listed', async ({ page }) => {
	const { from, to } = await defaultPeriod(page);
	await open(page, `/tickets?from=${from}&to=${to}&escalated=true&sort=handoffs&dir=desc`);
	await screenshots(page, 'tickets');
	const link = page.getByTestId('ticket-link').first();
	const id = (await link.textContent())!.trim();
	await link.click();
	await page.waitForURL(new RegExp(`/tickets/${encodeURIComponent(id)}$`));
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	await expect(page.getByTestId('ticket-header')).toContainText(id);

	const chart = page.getByTestId('timeline');
	await expect(chart.locator('.chart[data-drawn="true"]')).toHaveCount(1);
	await expect(chart.locator(`svg[aria-label="Timeline of ticket ${id} in tier lanes"]`)).toBeVisible();
	await expect(chart.locator('svg').filter({ hasText: 'Tier 2' }).first()).toBeVisible();

	const events = page.getByTestId('event-list').locator('tbody tr');
	expect(await events.count()).toBeGreaterThanOrEqual(3);
	await expect(page.getByTestId('event-list')).toContainText(/escalated 1→\d/);
	// One SLA clock row per tier segment (the path has one segment per tier visited).
	const path = (await page.getByTestId('ticket-header').locator('.path').getAttribute('title'))!;
	const segments = path.replace('Tier path: ', '').split(' → ').length;
	await expect(page.getByTestId('sla-clocks').locator('tbody tr')).toHaveCount(segments);
	await expect(page.getByText(/Elapsed times are in/)).toContainText('calendar hours');
	await expect(page.getByTestId('review-slot')).toBeVisible();
	await screenshots(page, 'ticket-detail');
});

test('Download CSV gives the whole list, every page', async ({ page }) => {
	const { from, to } = await defaultPeriod(page);
	await open(page, `/tickets?from=${from}&to=${to}&page_size=25`);
	const total = await listTotal(page);
	expect(total).toBeGreaterThan(25);
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
	expect(download.suggestedFilename()).toBe(`tickets-${from}-to-${to}.csv`);
	const text = fs.readFileSync((await download.path())!, 'utf8');
	const lines = text.trimEnd().split('\r\n');
	expect(lines[0]).toMatch(/^ticket_id,subject,created_at,resolved_at,priority,/);
	// Descriptions are not exported, so quoted fields never span lines: one line per ticket.
	expect(lines.length).toBe(1 + total);
});

test('an unknown ticket id is a 404 that says so', async ({ page, request }) => {
	const res = await request.get('/tickets/NO-SUCH-TICKET');
	expect(res.status()).toBe(404);
	await open(page, '/tickets/NO-SUCH-TICKET');
	await expect(page.getByTestId('tickets-error')).toContainText('There is no ticket with the id “NO-SUCH-TICKET”');
});
