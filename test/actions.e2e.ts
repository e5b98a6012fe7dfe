// The action tracker in Chromium, on the seeded demo data plus a review and actions filed
// through POST /api/actions (the server has no reviews when it starts, and other e2e files add
// their own, so every check here narrows to this file's review or owner): filters and order
// live in the URL, overdue stands out, the CSV holds the filtered list, and marking an action
// done changes its status and shows its impact note, also without JavaScript; a stale page is
// told so instead of overwriting.
import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

/** A date `offset` days from today, in UTC (the e2e server's HANDOFF_TZ). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

interface Filed {
	review_id: number;
	action_id: number;
	version: number;
}

async function file(request: APIRequestContext, data: object): Promise<Filed> {
	const res = await request.post('/api/actions', { data });
	expect(res.status(), await res.text()).toBe(201);
	return res.json();
}

/** A review of the last four weeks' escalations with three actions: overdue, due soon, later. */
async function seed(request: APIRequestContext, tag: string) {
	const owner = `Owner ${tag}`;
	const first = await file(request, {
		review: { scope: { source: 'range', from: day(-28), to: day(0), filters: {} }, title: `E2E review ${tag}` },
		action: { title: `Alert on escalation spikes ${tag}`, type: 'detect', owner, due_date: day(-3), target: { metric: 'escalation_rate' } }
	});
	const second = await file(request, {
		review_id: first.review_id,
		version: first.version,
		action: { title: `Refund macro ${tag}`, type: 'knowledge_base', owner: `Other ${tag}`, due_date: day(2), status: 'in_progress' }
	});
	const third = await file(request, {
		review_id: first.review_id,
		version: second.version,
		action: { title: `Train tier 1 ${tag}`, type: 'training', owner, due_date: day(30), target: { metric: 'fcr_rate' } }
	});
	return { review: first.review_id, version: third.version, owner, titles: [`Alert on escalation spikes ${tag}`, `Refund macro ${tag}`, `Train tier 1 ${tag}`] };
}

const rowTitles = (page: Page) => page.getByTestId('action-title').allTextContents();
const row = (page: Page, title: string) => page.getByTestId('action-row').filter({ has: page.getByText(title, { exact: true }) });

test('filters and order live in the URL, overdue stands out, and the CSV holds the list', async ({ page }) => {
	const { review, owner, titles } = await seed(page.request, 'list');
	await open(page, `/actions?review=${review}`);
	expect(await rowTitles(page)).toEqual(titles);
	// Overdue: not finished and due 3 days ago; due soon: in 2 days.
	await expect(page.locator('tr.overdue')).toHaveCount(1);
	await expect(row(page, titles[0])).toHaveClass(/overdue/);
	await expect(row(page, titles[0]).getByTestId('overdue')).toHaveText('Overdue');
	await expect(row(page, titles[1]).getByTestId('due-soon')).toHaveText('Due soon');
	await expect(row(page, titles[2]).getByTestId('overdue')).toHaveCount(0);

	// A filter chosen in the form goes into the URL and survives a reload.
	const filters = page.getByTestId('action-filters');
	await filters.locator('select[name="owner"]').selectOption(owner);
	await page.waitForURL(/owner=/);
	expect(new URL(page.url()).searchParams.get('review')).toBe(String(review));
	expect(await rowTitles(page)).toEqual([titles[0], titles[2]]);
	await page.getByTestId('sort-due').click();
	await page.waitForURL(/dir=desc/);
	expect(await rowTitles(page)).toEqual([titles[2], titles[0]]);
	await page.reload();
	await expect(filters.locator('select[name="owner"]')).toHaveValue(owner);
	await expect(filters.locator('select[name="review"]')).toHaveValue(String(review));
	await expect(page.getByRole('columnheader', { name: /Due/ })).toHaveAttribute('aria-sort', 'descending');
	expect(await rowTitles(page)).toEqual([titles[2], titles[0]]);

	// The CSV is this filtered list, in this order.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
	const lines = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
	expect(lines[0]).toBe('action_id,title,review_id,review_title,type,owner,due_date,status,overdue,due_soon,finding,target_metric,target_filters,completed_at,created_at');
	expect(lines).toHaveLength(3);
	expect(lines[1]).toContain(`,${titles[2]},${review},`);
	expect(lines[2]).toContain(`,${titles[0]},${review},`);
	expect(lines[2]).toContain(`,detect,${owner},${day(-3)},open,true,false,,escalation_rate,`);

	// Filters that match nothing say so.
	await open(page, '/actions?owner=nobody%20at%20all');
	await expect(page.getByTestId('no-match')).toContainText('No actions match');
});

test('marking an action done changes its status and shows its impact note', async ({ page }) => {
	const { review, titles } = await seed(page.request, 'done');
	await open(page, `/actions?review=${review}`);
	const counts = page.getByTestId('action-counts');
	const overdueBefore = Number(await counts.getByTestId('action-count-overdue').locator('.value').textContent());
	await row(page, titles[0]).getByTestId('mark-done').click();
	await expect(page.getByTestId('status-message')).toHaveText(`“${titles[0]}” is now done.`);
	await expect(row(page, titles[0]).getByTestId('action-status')).toHaveText('Done');
	await expect(page.locator('tr.overdue')).toHaveCount(0);
	await expect(counts.getByTestId('action-count-overdue').locator('.value')).toHaveText(String(overdueBefore - 1));
	// Done this week: no full week after it is in the data yet.
	await expect(row(page, titles[0]).getByTestId('impact-cell')).toContainText('Too early');
	const panel = page.getByTestId('impact-panel');
	await expect(panel).toHaveCount(1);
	await expect(panel.getByTestId('impact-note')).toHaveText('Too early to tell: no full week after completion is in the data yet (0 of 4 weeks so far).');
	await expect(panel.locator('.chart[data-drawn]')).toHaveCount(1);
	await screenshots(page, 'actions');
});

test('a status changes without JavaScript, and a stale page is refused', async ({ browser, page, request, baseURL }) => {
	const { review, titles } = await seed(request, 'nojs');
	const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
	try {
		const plain = await context.newPage();
		await plain.goto(`/actions?review=${review}`);
		const r = row(plain, titles[2]);
		await r.getByText('Change').click();
		await r.locator('select[name="status"]').selectOption('in_progress');
		await r.getByRole('button', { name: 'Save' }).click();
		await expect(plain.getByTestId('status-message')).toHaveText(`“${titles[2]}” is now in progress.`);
		await expect(row(plain, titles[2]).getByTestId('action-status')).toHaveText('In progress');
	} finally {
		await context.close();
	}

	// This page shows the review's current version; then someone files another action.
	await open(page, `/actions?review=${review}`);
	const current = await request.get(`/api/actions?review=${review}`);
	const version = (await current.json()).actions[0].review_version as number;
	await file(request, { review_id: review, version, action: { title: 'Filed meanwhile', type: 'process', owner: 'Someone', due_date: day(10) } });
	await row(page, titles[1]).getByTestId('mark-done').click();
	await expect(page.getByTestId('status-message')).toContainText('Not saved: the review “E2E review nojs” was changed by someone else');
	await expect(row(page, titles[1]).getByTestId('action-status')).toHaveText('In progress');
	// The list reloaded with the new action and the current version: trying again works.
	await expect(row(page, 'Filed meanwhile')).toHaveCount(1);
	await row(page, titles[1]).getByTestId('mark-done').click();
	await expect(row(page, titles[1]).getByTestId('action-status')).toHaveText('Done');
});
