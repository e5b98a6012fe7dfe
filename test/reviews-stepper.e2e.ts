// The guided review in Chromium against the built server: starting one from a ticket page and
// from a category spike, filling in every step, the blameless check while typing (never
// blocking a save), publishing, resuming on the furthest step, and a save from a stale page
// answered with both versions. Other e2e files create reviews too: nothing here counts them.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

async function escalatedTicket(page: Page): Promise<string> {
	const res = await page.request.get('/api/tickets?kpi=escalation_events&part=numerator&from=2020-01-06&to=2030-01-07&page_size=1');
	expect(res.ok()).toBe(true);
	const body = (await res.json()) as { tickets: { ticket_id: string }[] };
	return body.tickets[0].ticket_id;
}

/** Starts a review of one ticket and returns its page's URL. */
async function startTicketReview(page: Page, id: string): Promise<string> {
	await open(page, `/reviews/new?source=ticket&ticket=${encodeURIComponent(id)}`);
	await page.getByTestId('start-review').click();
	await page.waitForURL(/\/reviews\/\d+$/);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	return page.url();
}

test('a ticket page starts a review of that ticket', async ({ page }) => {
	const id = await escalatedTicket(page);
	await open(page, `/tickets/${encodeURIComponent(id)}`);
	await page.getByTestId('review-slot').getByRole('link', { name: 'Start a review' }).click();
	await page.waitForURL(/\/reviews\/new\?source=ticket&ticket=/);
	await expect(page.getByTestId('review-scope')).toContainText(`Ticket ${id}`);
	await expect(page.getByTestId('scope-count')).toContainText('1 ticket');
	await expect(page.getByLabel('Title of the review')).toHaveValue(`Escalation of ticket ${id}`);
	await screenshots(page, 'review-new');

	await page.getByTestId('start-review').click();
	await page.waitForURL(/\/reviews\/\d+$/);
	await expect(page.getByTestId('review-title')).toHaveText(`Escalation of ticket ${id}`);
	await expect(page.getByTestId('step-title')).toHaveText('Step 1: Summary and impact');
	await expect(page.getByTestId('review-status')).toHaveText('Draft');
	await expect(page.getByTestId('review-tickets').getByRole('link', { name: id })).toBeVisible();
	await expect(page.getByTestId('fact-sheet')).toContainText('Escalations');
});

test('a drill-down list starts a review of exactly its tickets', async ({ page }) => {
	const q = 'from=2020-01-06&to=2030-01-07&kpi=reopen_rate&part=numerator';
	const api = (await (await page.request.get(`/api/tickets?${q}&page_size=1`)).json()) as { total: number };
	expect(api.total).toBeGreaterThan(0);
	await open(page, `/tickets?${q}`);
	await page.getByTestId('drill-notice').getByRole('link', { name: 'Start a review of these tickets' }).click();
	await page.waitForURL((u) => u.pathname === '/reviews/new' && u.searchParams.get('source') === 'tickets' && u.searchParams.get('kpi') === 'reopen_rate');
	await expect(page.getByTestId('review-scope')).toContainText('Reopened tickets resolved');
	await expect(page.getByTestId('scope-count').locator('strong')).toHaveText(api.total.toLocaleString('en-US'));
	await page.getByTestId('start-review').click();
	await page.waitForURL(/\/reviews\/\d+$/);
	await expect(page.getByTestId('review-tickets').getByRole('heading')).toHaveText(
		api.total === 1 ? 'The ticket in this review' : `The ${api.total.toLocaleString('en-US')} tickets in this review`
	);
});

test('bad parameters on /reviews/new get a 400 with the reason', async ({ page }) => {
	const spike = await page.goto('/reviews/new?source=spike&category=billing&week_start=2026-10-14');
	expect(spike?.status()).toBe(400);
	await expect(page.locator('main')).toContainText('week_start must be a Monday');
	const source = await page.goto('/reviews/new?source=everything');
	expect(source?.status()).toBe(400);
	await expect(page.locator('main')).toContainText('source must be one of ticket, tickets, spike, range');
	await expect(page.getByRole('link', { name: 'Pick a period and filters instead' })).toHaveAttribute('href', '/reviews/new');
	const review = await page.goto('/reviews/999999');
	expect(review?.status()).toBe(404);
	await expect(page.getByTestId('review-error')).toContainText('There is no review 999999');
});

test('from a spike on the trends page to a published review: every step, Markdown, and an action done on /actions and the trend chart', async ({ page }) => {
	test.setTimeout(120_000);
	const res = await page.request.get('/api/escalations?from=2020-01-06&to=2030-01-07');
	const spikes = ((await res.json()) as { spikes: { category: string; week_start: string; escalations: number }[] }).spikes;
	expect(spikes.length).toBeGreaterThan(0);
	const spike = [...spikes].sort((a, b) => b.escalations - a.escalations)[0];

	// From the spike as the trends page lists it, for the week it happened.
	const weekEnd = new Date(Date.parse(`${spike.week_start}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
	await open(page, `/trends?from=${spike.week_start}&to=${weekEnd}`);
	const listed = page.getByTestId('spikes');
	if ((await listed.getAttribute('open')) === null) await listed.locator('summary').click();
	await listed.getByRole('listitem').filter({ hasText: spike.category }).getByRole('link', { name: 'start a review' }).first().click();
	await page.waitForURL(/\/reviews\/new\?source=spike/);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	await expect(page.getByTestId('review-scope')).toContainText(`The spike of ${spike.category} escalations`);
	const count = Number((await page.getByTestId('scope-count').locator('strong').textContent())!.replace(/,/g, ''));
	expect(count).toBeGreaterThan(0);
	expect(count).toBeLessThanOrEqual(spike.escalations); // tickets escalated that week, some more than once
	await page.getByLabel('Title of the review').fill(`Spike in ${spike.category}, e2e`);
	await page.getByTestId('start-review').click();
	await page.waitForURL(/\/reviews\/\d+$/);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	const reviewUrl = page.url();

	// Step 1: the facts, the tickets, and the texts; a blameless flag appears while typing.
	await expect(page.getByTestId('review-title')).toHaveText(`Spike in ${spike.category}, e2e`);
	await expect(page.getByTestId('review-tickets').getByRole('link')).toHaveCount(Math.min(count, 40));
	const summary = page.getByLabel('Summary: what happened?');
	await expect(summary).toHaveValue(new RegExp(`^${count} tickets? \\(`));
	await summary.fill('Login tickets piled up after the SSO change. Tier 1 called it human error and escalated.');
	await expect(page.locator('#f-summary-flags')).toContainText('human error');
	await expect(page.locator('#f-summary-flags')).toContainText('You can still save');
	await screenshots(page, 'review-step-1');
	await page.getByTestId('save-continue').click();

	// Step 2: the timeline; annotate an escalation as the moment of diagnosis.
	await page.waitForURL(/step=2/);
	await expect(page.getByTestId('step-title')).toHaveText('Step 2: Timeline');
	await expect(page.getByTestId('furthest-step')).toHaveText('Furthest step saved: 1');
	const firstEscalation = page.getByTestId('timeline').locator('tr[data-type="escalated"]').first();
	await expect(firstEscalation).toBeVisible();
	await firstEscalation.getByRole('link', { name: /^Annotate/ }).click();
	await expect(page.locator('#moment-at')).not.toHaveValue('');
	await page.getByRole('radio', { name: /^Diagnosis/ }).check();
	await page.locator('#moment-note').fill('Tier 2 saw the same SSO error on three tickets and opened a bug.');
	await page.getByTestId('add-moment').click();
	const moment = page.getByTestId('timeline').locator('tr.moment');
	await expect(moment).toHaveCount(1);
	await expect(moment).toContainText('Tier 2 saw the same SSO error');
	await expect(moment).toContainText('Diagnosis');
	await expect(page.locator('#moment-note')).toHaveValue('');
	await expect(page.getByTestId('furthest-step')).toHaveText('Furthest step saved: 2');
	await screenshots(page, 'review-step-2');
	await page.getByTestId('continue').click();

	// Step 3: trigger, whys, root cause, factors and the look back.
	await page.waitForURL(/step=3/);
	await page.getByLabel('The trigger').fill('The SSO provider rotated its signing certificate on Monday morning.');
	await page.locator('#why-0').fill('Customers could not log in with SSO.');
	await page.locator('#why-1').fill('Our login service rejected the new certificate.');
	await page.locator('#why-2').fill('The certificate is pinned in the config and nobody is told when it rotates.');
	await page.getByRole('radio', { name: 'Product bug' }).check();
	await page.getByLabel('The root cause in detail').fill('The login service pins the identity provider certificate instead of reading its metadata.');
	await page.getByLabel('What can we change to prevent it?').fill('Read the certificate from the provider metadata.');
	await page.locator('#factor-cat-0').selectOption('knowledge');
	await page.locator('#factor-desc-0').fill('Tier 1 had no article on SSO login failures.');
	await page.getByLabel('What went well?').fill('Tier 2 linked the tickets within hours.');
	await screenshots(page, 'review-step-3');
	await page.getByTestId('save-continue').click();

	// Step 4: a finding and two action items, one with a target metric.
	await page.waitForURL(/step=4/);
	await expect(page.getByTestId('furthest-step')).toHaveText('Furthest step saved: 3');
	await page.locator('#finding-title').fill('Certificate rotation breaks SSO logins');
	await page.getByTestId('add-finding').click();
	await expect(page.getByTestId('findings')).toContainText('Certificate rotation breaks SSO logins');

	const form = page.getByTestId('action-form');
	await form.getByLabel('What will be done?').fill('Read the SSO certificate from the provider metadata');
	await form.getByLabel('Type').selectOption('prevent');
	await form.getByLabel('Owner').fill('Platform team lead');
	await form.getByLabel('Due date').fill('2030-01-31');
	await form.getByLabel('Answers the finding').selectOption({ label: 'Certificate rotation breaks SSO logins' });
	await form.getByLabel('Metric').selectOption('escalation_count');
	await form.getByLabel('Category').selectOption(spike.category);
	await page.getByTestId('add-action').click();
	await expect(page.getByTestId('actions').locator('li')).toHaveCount(1);

	const second = page.getByTestId('action-form');
	await expect(second.getByLabel('What will be done?')).toHaveValue('');
	await second.getByLabel('What will be done?').fill('Write a KB article on SSO login failures');
	await second.getByLabel('Type').selectOption('knowledge_base');
	await second.getByLabel('Owner').fill('Support enablement');
	await second.getByLabel('Due date').fill('2030-01-15');
	await page.getByTestId('add-action').click();
	const actions = page.getByTestId('actions').locator('li');
	await expect(actions).toHaveCount(2);
	await expect(actions.first().getByTestId('action-target')).toContainText(`target: Escalated tickets (count), category ${spike.category}`);
	await expect(actions.nth(1)).toContainText('Write a KB article on SSO login failures');
	await expect(actions.nth(1).getByTestId('action-target')).toHaveCount(0);

	// A third one, deleted again once confirmed.
	const third = page.getByTestId('action-form');
	await third.getByLabel('What will be done?').fill('Remind everyone about certificate rotations');
	await third.getByLabel('Type').selectOption('training');
	await third.getByLabel('Owner').fill('Team leads');
	await third.getByLabel('Due date').fill('2030-02-01');
	await page.getByTestId('add-action').click();
	await expect(actions).toHaveCount(3);
	page.once('dialog', (d) => void d.accept());
	await actions.nth(2).getByRole('button', { name: 'Delete the action item Remind everyone about certificate rotations' }).click();
	await expect(actions).toHaveCount(2);
	await screenshots(page, 'review-step-4');
	await page.getByTestId('continue').click();

	// Step 5: what is missing is listed, not enforced; tick the checklist, sign off, publish.
	await page.waitForURL(/step=5/);
	await expect(page.getByTestId('missing')).toContainText('The timeline has no detection or repair moment.');
	await expect(page.getByTestId('missing')).toContainText('1 spot reads as blame in the blameless check.');
	for (const box of await page.getByTestId('publish-form').getByRole('checkbox').all()) await box.check();
	await page.getByLabel('Signed off by').fill('Sam Lee, Head of Support');
	await page.getByRole('radio', { name: /^Published/ }).check();
	await page.getByTestId('save-status').click();
	await expect(page.getByTestId('review-status')).toHaveText('Published');
	await expect(page.getByTestId('missing')).not.toContainText('checklist');
	await screenshots(page, 'review-step-5');

	// Reopened later, the review resumes on its furthest step; the saved texts kept their flag.
	await open(page, reviewUrl);
	await expect(page.getByTestId('step-title')).toHaveText('Step 5: Review and publish');
	await expect(page.getByTestId('review-status')).toHaveText('Published');
	await expect(page.getByTestId('furthest-step')).toHaveText('Furthest step saved: 5');
	await page.getByRole('navigation', { name: 'Review steps' }).getByRole('link', { name: /Root cause/ }).click();
	await expect(page.getByLabel('The trigger')).toHaveValue('The SSO provider rotated its signing certificate on Monday morning.');
	await expect(page.locator('#why-2')).toHaveValue('The certificate is pinned in the config and nobody is told when it rotates.');
	await expect(page.getByRole('radio', { name: 'Product bug' })).toBeChecked();
	await expect(page.locator('#factor-desc-0')).toHaveValue('Tier 1 had no article on SSO login failures.');
	await open(page, `${reviewUrl}?step=1`);
	await expect(page.getByLabel('Summary: what happened?')).toHaveValue(/called it human error/);
	await expect(page.locator('#f-summary-flags')).toContainText('human error');

	// The published review exports as Markdown, with its action items.
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Markdown' }).click();
	const md = fs.readFileSync(await (await download).path(), 'utf8');
	expect(md.split('\n')[0]).toMatch(/^# Spike in /);
	expect(md).toContain('Read the SSO certificate from the provider metadata');
	expect(md).toContain('Write a KB article on SSO login failures');

	// The action with a target metric is marked done on /actions, which then shows it done
	// with its impact, and the trends page marks the day it was done.
	const reviewId = new URL(reviewUrl).pathname.split('/').pop();
	const target = 'Read the SSO certificate from the provider metadata';
	await open(page, `/actions?review=${reviewId}`);
	const row = page.getByTestId('action-row').filter({ hasText: target });
	await row.getByTestId('mark-done').click();
	await expect(row.getByTestId('action-status')).toHaveText('Done');
	await expect(row.getByTestId('impact-cell')).not.toHaveText('–');
	const monday = new Date();
	monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7)); // the next Monday
	const to = monday.toISOString().slice(0, 10);
	const from = new Date(monday.getTime() - 26 * 7 * 86_400_000).toISOString().slice(0, 10);
	await open(page, `/trends?from=${from}&to=${to}`);
	const rate = page.getByTestId('trend-rate');
	await expect(rate).toContainText('green: review actions marked done');
	await expect(rate.locator('svg title').filter({ hasText: `Action done: ${target}` }).first()).toBeAttached();
	await screenshots(page, 'trends-with-action');
});

test('a save from a page showing an older version gets both versions and keeps the input', async ({ browser }) => {
	const first = await browser.newPage();
	const id = await escalatedTicket(first);
	const url = await startTicketReview(first, id);
	const second = await browser.newPage();
	await open(second, url);

	// The first person saves a new title: version 2.
	await first.getByLabel('Title', { exact: true }).fill('Title from the first person');
	await first.getByRole('button', { name: 'Save', exact: true }).click();
	await expect(first.getByTestId('saved-at')).toContainText('version 2');

	// The second, still on version 1, saves theirs: refused, with both versions side by side.
	await second.getByLabel('Title', { exact: true }).fill('Title from the second person');
	await second.getByRole('button', { name: 'Save', exact: true }).click();
	const conflict = second.getByTestId('conflict');
	await expect(conflict).toBeVisible();
	await expect(conflict).toContainText('now at version 2');
	await expect(conflict.getByTestId('conflict-saved')).toHaveText('Title from the first person');
	await expect(conflict.getByTestId('conflict-yours')).toHaveText('Title from the second person');
	await expect(second.getByLabel('Title', { exact: true })).toHaveValue('Title from the second person');
	await screenshots(second, 'review-conflict');

	// Saving again applies it on top of version 2.
	await second.getByRole('button', { name: 'Save', exact: true }).click();
	await expect(second.getByTestId('conflict')).toHaveCount(0);
	await expect(second.getByTestId('saved-at')).toContainText('version 3');
	await expect(second.getByTestId('review-title')).toHaveText('Title from the second person');
	await first.close();
	await second.close();
});

test('without JavaScript the forms still save, and a stale save still shows both versions', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	const scripted = await browser.newPage();
	const id = await escalatedTicket(scripted);
	const url = await startTicketReview(scripted, id);

	await page.goto(`${url}?step=4`);
	await page.locator('#finding-title').fill('Found without JavaScript');
	await page.getByTestId('add-finding').click();
	await expect(page).toHaveURL(/step=4$/);
	await expect(page.getByTestId('findings')).toContainText('Found without JavaScript');

	// Someone else saves meanwhile; this page still holds their previous version.
	await scripted.goto(`${url}?step=4`);
	await scripted.locator('#finding-title').fill('Found with JavaScript');
	await scripted.getByTestId('add-finding').click();
	await expect(scripted.getByTestId('findings')).toContainText('Found with JavaScript');

	await page.locator('#finding-title').fill('A second one without JavaScript');
	await page.getByTestId('add-finding').click();
	await expect(page.getByTestId('conflict')).toContainText('Your finding was not added.');
	await expect(page.getByTestId('conflict-saved')).toContainText('Found with JavaScript');
	await expect(page.getByTestId('conflict-yours')).toContainText('A second one without JavaScript (new)');
	await expect(page.locator('#finding-title')).toHaveValue('A second one without JavaScript');
	await page.getByTestId('add-finding').click();
	await expect(page.getByTestId('findings')).toContainText('A second one without JavaScript');
	await page.getByRole('button', { name: 'Delete the finding Found without JavaScript' }).click();
	await expect(page.getByTestId('findings').locator('li')).toHaveCount(2);
	await expect(page.getByTestId('findings')).not.toContainText('Found without JavaScript');
	await context.close();
	await scripted.close();
});
