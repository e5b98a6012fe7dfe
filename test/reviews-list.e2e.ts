// The reviews list in Chromium: it shows its reviews or says how to start one, its search and
// filters live in the URL and survive a reload, "Start a review" builds the URL agreed with the
// review-creation page (with and without JavaScript), and the leadership metrics are drawn for
// exactly the reviews listed. Other e2e files create reviews in the same server, so nothing
// here assumes the list is empty.
import { expect, test, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const FILTERS = ['team', 'channel', 'priority', 'category', 'vip', 'tier'];

/** The number of reviews the list shows (0 for either empty state). */
async function listedCount(page: Page): Promise<number> {
	if (await page.getByTestId('review-table').isVisible()) return page.getByTestId('review-row').count();
	return 0;
}

test('the list shows every review or how to start one, with the start form and the metrics', async ({ page }) => {
	await open(page, '/reviews');
	await expect(page.getByRole('heading', { level: 1, name: 'Reviews' })).toBeVisible();
	await expect(page.getByTestId('start-review')).toBeVisible();
	await expect(page.getByTestId('start-hint')).toContainText("from a ticket's page");
	const rows = await listedCount(page);
	if (rows === 0) {
		await expect(page.getByTestId('reviews-empty')).toContainText('Start one above');
	} else {
		// Newest first, each title opening its review, with its Markdown and print versions.
		const first = page.getByTestId('review-row').first();
		const href = await first.getByRole('link').first().getAttribute('href');
		expect(href).toMatch(/^\/reviews\/\d+$/);
		await expect(first.getByRole('link', { name: /as Markdown$/ })).toHaveAttribute('href', `${href}/export.md`);
		await expect(first.getByRole('link', { name: /^Print version/ })).toHaveAttribute('href', `${href}/print`);
	}
	// The metrics are for exactly the reviews listed.
	const metrics = page.getByTestId('review-metrics');
	await expect(metrics.getByTestId('metric-reviews').locator('.value')).toHaveText(String(rows));
	await expect(metrics.getByTestId('metric-time-to-publish')).toContainText('Median time to publish');
	await expect(metrics.getByTestId('metric-completion')).toContainText('Action items done');
	await expect(metrics.getByTestId('metric-overdue')).toContainText('Overdue action items');
	for (const chart of ['chart-root-causes', 'chart-action-status', 'chart-factors']) {
		await expect(page.getByTestId(chart).getByRole('heading', { level: 2 })).toBeVisible();
	}
	// With reviews, the root-cause chart is drawn with a text description; without, it says why it is empty.
	if (rows === 0) await expect(page.getByTestId('chart-root-causes')).toContainText('No reviews to count yet.');
	else await expect(page.getByTestId('chart-root-causes').locator('svg[aria-description]')).toHaveCount(1);
	await screenshots(page, 'reviews');
});

test('the search and filters live in the URL, apply at once and survive a reload', async ({ page }) => {
	await open(page, '/reviews?q=billing&status=draft');
	const form = page.getByTestId('review-filters');
	await expect(form.getByRole('searchbox')).toHaveValue('billing');
	await expect(form.getByLabel('Status')).toHaveValue('draft');
	await expect(page.getByTestId('review-metrics')).toContainText('listed with these filters');

	// Choosing a root cause applies it without pressing Apply, keeping the others.
	await form.getByLabel('Root cause').selectOption('tooling');
	await expect(page).toHaveURL(/root_cause=tooling/);
	const url = new URL(page.url());
	expect(url.pathname).toBe('/reviews');
	expect(url.searchParams.get('q')).toBe('billing');
	expect(url.searchParams.get('status')).toBe('draft');
	await page.reload();
	await expect(form.getByLabel('Root cause')).toHaveValue('tooling');
	await expect(form.getByLabel('Status')).toHaveValue('draft');
	await expect(form.getByRole('searchbox')).toHaveValue('billing');

	// Back walks back through the views; "Clear filters" drops them all.
	await page.goBack();
	await expect(form.getByLabel('Root cause')).toHaveValue('');
	await form.getByRole('link', { name: 'Clear filters' }).click();
	await expect(page).toHaveURL(/\/reviews$/);
});

test('a filter value that does not exist is refused with a message', async ({ request }) => {
	const res = await request.get('/reviews?status=closed');
	expect(res.status()).toBe(400);
	expect(await res.text()).toContain('status');
});

test('"Start a review" sends the period and the chosen filters to /reviews/new?source=range', async ({ page }) => {
	// The overview's "Last complete week" is the period the form starts with.
	await open(page, '/');
	const lastWeek = new URL((await page.getByRole('link', { name: 'Last complete week' }).getAttribute('href'))!, page.url());

	let asked: URL | null = null;
	await page.route((url) => url.pathname === '/reviews/new', (route) => {
		asked = new URL(route.request().url());
		return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>the review-creation page</p>' });
	});
	await open(page, '/reviews');
	const form = page.getByTestId('start-review-form');
	await expect(form.getByLabel('From')).toHaveValue(lastWeek.searchParams.get('from')!);
	await expect(form.getByLabel('To (excluded)')).toHaveValue(lastWeek.searchParams.get('to')!);
	await form.getByLabel('From').fill('2026-01-05');
	await form.getByLabel('To (excluded)').fill('2026-01-12');
	await form.getByLabel('Priority').selectOption('high');
	const category = (await form.getByLabel('Category').locator('option').nth(1).getAttribute('value'))!;
	await form.getByLabel('Category').selectOption(category);
	await form.getByRole('button', { name: 'Start a review' }).click();
	await expect(page.getByText('the review-creation page')).toBeVisible();

	const got = asked as URL | null;
	expect(got?.pathname).toBe('/reviews/new');
	// Filters left at "All" stay out of the address.
	expect([...got!.searchParams.entries()]).toEqual([
		['source', 'range'],
		['from', '2026-01-05'],
		['to', '2026-01-12'],
		['priority', 'high'],
		['category', category]
	]);
});

test('without JavaScript, "Start a review" is a plain GET form to the same address', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	let asked: URL | null = null;
	await page.route((url) => url.pathname === '/reviews/new', (route) => {
		asked = new URL(route.request().url());
		return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>the review-creation page</p>' });
	});
	await page.goto('/reviews');
	const form = page.getByTestId('start-review-form');
	await form.getByLabel('From').fill('2026-02-02');
	await form.getByLabel('To (excluded)').fill('2026-02-09');
	await form.getByLabel('VIP').selectOption('true');
	await form.getByRole('button', { name: 'Start a review' }).click();
	await expect(page.getByText('the review-creation page')).toBeVisible();
	const got = asked as URL | null;
	expect(got?.pathname).toBe('/reviews/new');
	expect(got!.searchParams.get('source')).toBe('range');
	expect(got!.searchParams.get('from')).toBe('2026-02-02');
	expect(got!.searchParams.get('to')).toBe('2026-02-09');
	expect(got!.searchParams.get('vip')).toBe('true');
	// The other filters come along empty, which means "all".
	for (const f of FILTERS.filter((f) => f !== 'vip')) expect(got!.searchParams.get(f)).toBe('');
	await context.close();
});

test('the Markdown and print versions of a review that does not exist are not found, and a malformed id is refused', async ({ request }) => {
	for (const path of ['/reviews/987654/export.md', '/reviews/987654/print']) {
		expect((await request.get(path)).status(), path).toBe(404);
	}
	expect((await request.get('/reviews/not-a-number/export.md')).status()).toBe(400);
});
