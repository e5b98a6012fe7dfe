// The printable weekly report in Chromium: its numbers are the KPI engine's for that ISO
// week, it moves between weeks through the URL, and it prints on one A4 page.
import { expect, test } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

test('the report shows one ISO week, with the KPI engine\'s numbers for it and the week before', async ({ page, request }) => {
	await open(page, '/report');
	const title = page.getByTestId('report-title');
	await expect(title).toHaveText(/^Week \d+, \d{4}: /);
	// The default week is the last complete week: the same one the overview's quick pick gives.
	await page.goto('/');
	const lastWeek = new URL((await page.getByRole('link', { name: 'Last complete week' }).getAttribute('href'))!, page.url());
	const from = lastWeek.searchParams.get('from')!;
	const to = lastWeek.searchParams.get('to')!;
	const api = await (await request.get(`/api/kpis?from=${from}&to=${to}`)).json();

	await open(page, '/report');
	const kpis = page.getByTestId('report-kpis');
	/** The "this week" and "week before" cells of a KPI's row. */
	const expectRow = async (name: RegExp, now: string, before: string) => {
		const cells = kpis.getByRole('row', { name }).getByRole('cell');
		await expect(cells.nth(0)).toHaveText(now);
		await expect(cells.nth(1)).toHaveText(before);
	};
	await expectRow(/^Escalation rate/, pct(api.escalation_rate), pct(api.previous.escalation_rate));
	await expectRow(/^First contact resolution/, pct(api.fcr_rate), pct(api.previous.fcr_rate));
	await expectRow(/^Reopen rate/, pct(api.reopen_rate), pct(api.previous.reopen_rate));
	await expectRow(/^CSAT satisfied, escalated/, pct(api.csat.escalated.satisfied_rate), pct(api.previous.csat.escalated.satisfied_rate));
	await expect(kpis.getByRole('row', { name: /^Escalation rate/ })).toContainText(`${api.escalated_tickets} of ${api.tickets_created} created`);
	await expect(page.getByTestId('report')).toContainText(api.sla_calendar);
	await expect(page.getByTestId('what-moved')).toBeVisible();
	// Both charts are drawn, each with a text description.
	await expect(page.getByTestId('report-rates').locator('svg[aria-description*="Escalation rate"]')).toHaveCount(1);
	await expect(page.getByTestId('report-categories').locator('svg[aria-description]')).toHaveCount(1);
	await screenshots(page, 'report');
});

test('the report moves a week back through the URL, and refuses a week that does not exist', async ({ page, request }) => {
	await open(page, '/report');
	const prev = page.getByRole('link', { name: /^← \d{4}-W\d{2}$/ });
	const week = (await prev.textContent())!.replace('← ', '');
	await prev.click();
	await expect(page).toHaveURL(new RegExp(`week=${week}`));
	await expect(page.getByTestId('report-title')).toContainText(`Week ${Number(week.slice(6))}, ${week.slice(0, 4)}`);
	await page.reload();
	await expect(page.getByTestId('report-title')).toContainText(`Week ${Number(week.slice(6))}`);

	const bad = await request.get('/report?week=2025-W53');
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('2025 has 52 ISO weeks');
});

test('the report prints on one A4 page, without the navigation and controls', async ({ page }) => {
	await open(page, '/report');
	await expect(page.locator('.chart:not([data-drawn])')).toHaveCount(0);
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
	await expect(page.getByRole('button', { name: 'Print this page' })).toBeHidden();
	await expect(page.getByTestId('report-kpis')).toBeVisible();
	const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
	// Each page of a PDF is one "/Type /Page" object ("/Type /Pages" is the page tree).
	const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
	expect(pages).toHaveLength(1);
});
