// Script in user-supplied text, in Chromium against the shared e2e server: tickets whose
// subjects, descriptions and event notes carry <script>, onerror, onload and javascript: are
// imported through the server's own upload API, a review of them is written through the UI
// with the same text in its title, summary, moment, analysis, finding and action, and every
// page that shows that text (ticket list and page, review steps, print page, /actions,
// /reviews) shows it as text: nothing runs, no element or link is made of it, no dialog opens.
// Other specs share the server: this one only adds data (XSS-* tickets dated 2019, before the
// demo data and outside the periods other specs read) and clears nothing.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { open, screenshots } from './e2e-helpers';

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror="window.__xss=1">';
const SVG = '<svg onload=window.__xss=1>';
const LINK = '[click](javascript:window.__xss=1)';
const ANCHOR = '<a href="javascript:window.__xss=1">link</a>';

/** RFC 4180 quoting for the files we upload. */
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

const TICKETS = [
	'ticket_id,created_at,resolved_at,priority,channel,category,subject,description',
	`XSS-1,2019-03-04T09:00:00Z,2019-03-04T15:00:00Z,high,email,billing,${q(SCRIPT)},${q(`${IMG} and ${SVG} and javascript:window.__xss=1`)}`,
	`XSS-2,2019-03-05T09:00:00Z,2019-03-05T15:00:00Z,normal,email,billing,${q(IMG)},${q(SVG)}`,
	`XSS-3,2019-03-06T09:00:00Z,,low,chat,login,${q(SVG)},${q(ANCHOR)}`
].join('\n');
const EVENTS = [
	'ticket_id,occurred_at,type,from_tier,to_tier,note',
	'XSS-1,2019-03-04T09:00:00Z,created,,,',
	`XSS-1,2019-03-04T10:00:00Z,escalated,1,2,${q(SCRIPT)}`,
	`XSS-1,2019-03-04T11:00:00Z,note,,,${q(`${ANCHOR} ${SVG}`)}`,
	'XSS-1,2019-03-04T15:00:00Z,resolved,,,',
	`XSS-2,2019-03-05T10:00:00Z,escalated,1,2,${q(IMG)}`,
	'XSS-2,2019-03-05T15:00:00Z,resolved,,,'
].join('\n');

/** Markup that would exist only if a payload had been read as HTML. */
const INJECTED = 'img[src="x"], svg[onload], a[href^="javascript:" i], iframe, script:not([src]):not([type])';

let reviewUrl = '';

async function upload(request: APIRequestContext, name: string, body: string): Promise<string> {
	const res = await request.post(`/api/uploads?name=${name}`, { data: body, headers: { 'content-type': 'text/csv' } });
	expect(res.status()).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

/** The page ran none of the payloads, holds no markup made of them, and shows `texts` as text. */
async function expectInert(page: Page, texts: string[]) {
	expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), 'a payload ran').toBeUndefined();
	await expect(page.locator(`main :is(${INJECTED})`)).toHaveCount(0);
	for (const text of texts) await expect(page.getByText(text).filter({ visible: true }).first(), text).toBeVisible();
}

/** The server's HTML holds no payload as markup, neither in the page nor in its hydration data. */
async function expectEscapedHtml(request: APIRequestContext, path: string) {
	const html = await (await request.get(path)).text();
	expect(html, `${path} holds the text`).toContain('window.__xss=1');
	for (const payload of [SCRIPT, IMG, SVG, ANCHOR]) expect(html, `${path}: ${payload}`).not.toContain(payload);
}

test.describe.configure({ mode: 'serial' });

let dialogs: string[] = [];
test.beforeEach(async ({ page }) => {
	dialogs = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
});
test.afterEach(() => expect(dialogs, 'no dialog opened').toEqual([]));

test('tickets with script in their text are imported through the server and shown as text', async ({ page, request }) => {
	const tickets = await upload(request, 'xss-tickets.csv', TICKETS);
	const events = await upload(request, 'xss-events.csv', EVENTS);
	const started = await request.post('/api/imports', { data: { tickets, events, source: 'upload' } });
	expect(started.status()).toBe(202);
	let job = (await started.json()) as { id: string; state: string; summary?: { tickets: { rejected: number }; events: { rejected: number } } };
	while (job.state === 'queued' || job.state === 'running') {
		await new Promise((r) => setTimeout(r, 200));
		job = await (await request.get(`/api/imports/jobs/${job.id}`)).json();
	}
	expect(job.state).toBe('done');
	expect(job.summary!.tickets.rejected + job.summary!.events.rejected).toBe(0);

	// The list: every subject as text (in the cell and in its tooltip).
	await open(page, '/tickets?from=2019-03-04&to=2019-03-11&sort=ticket_id&dir=asc');
	await expectInert(page, [SCRIPT, IMG, SVG]);
	await expect(page.getByTestId('ticket-table').locator('.subject').first()).toHaveAttribute('title', SCRIPT);
	await screenshots(page, 'hostile-ticket-list');
	await expectEscapedHtml(request, '/tickets?from=2019-03-04&to=2019-03-11');

	// The search box holds the text it was given, and finds the ticket by it.
	await open(page, `/tickets?from=2019-03-04&to=2019-03-11&q=${encodeURIComponent(SCRIPT)}`);
	await expect(page.getByLabel('Search id or subject')).toHaveValue(SCRIPT);
	await expect(page.getByTestId('ticket-table').locator('tbody tr')).toHaveCount(1);
	await expectInert(page, [SCRIPT]);

	// The ticket page: subject, description and event notes.
	await open(page, '/tickets/XSS-1');
	await expectInert(page, [SCRIPT, `${IMG} and ${SVG} and javascript:window.__xss=1`, `${ANCHOR} ${SVG}`]);
	await screenshots(page, 'hostile-ticket');
	await expectEscapedHtml(request, '/tickets/XSS-1');
	await open(page, '/tickets/XSS-3');
	await expectInert(page, [SVG, ANCHOR]);
});

test('a review of them, written through the forms with the same text, keeps it as text on every step', async ({ page, request }) => {
	test.setTimeout(120_000);
	await open(page, '/reviews/new?source=ticket&ticket=XSS-1');
	await expect(page.getByTestId('review-scope')).toContainText(`Ticket XSS-1, “${SCRIPT}”`);
	await expectInert(page, [SCRIPT]);
	await page.getByLabel('Title of the review').fill(`XSS review ${SCRIPT}`);
	await page.getByTestId('start-review').click();
	await page.waitForURL(/\/reviews\/\d+$/);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	reviewUrl = new URL(page.url()).pathname;

	// Step 1: the title and summary.
	await expect(page.getByTestId('review-title')).toHaveText(`XSS review ${SCRIPT}`);
	await page.getByLabel('Summary: what happened?').fill(`${IMG}\n${LINK}`);
	await page.getByTestId('save-continue').click();
	await page.waitForURL(/step=2/);

	// Step 2: a moment; the imported notes are in the timeline beside it.
	await page.locator('#moment-at').fill('2019-03-04T10:30');
	await page.getByRole('radio', { name: /^Diagnosis/ }).check();
	await page.locator('#moment-note').fill(`${SVG} ${ANCHOR}`);
	await page.getByTestId('add-moment').click();
	await expect(page.getByTestId('timeline').locator('tr.moment')).toContainText(`${SVG} ${ANCHOR}`);
	await expectInert(page, [`${SVG} ${ANCHOR}`, SCRIPT, `${ANCHOR} ${SVG}`]);
	await screenshots(page, 'hostile-review-timeline');
	await page.getByTestId('continue').click();

	// Step 3: the trigger and a why.
	await page.waitForURL(/step=3/);
	await page.getByLabel('The trigger').fill(LINK);
	await page.locator('#why-0').fill(SCRIPT);
	await page.getByTestId('save-continue').click();

	// Step 4: a finding and an action item.
	await page.waitForURL(/step=4/);
	await page.locator('#finding-title').fill(IMG);
	await page.locator('#finding-detail').fill(`${SCRIPT}\n${LINK}`);
	await page.getByTestId('add-finding').click();
	await expect(page.getByTestId('findings')).toContainText(IMG);
	const form = page.getByTestId('action-form');
	await form.getByLabel('What will be done?').fill(`Fix ${SCRIPT}`);
	await form.getByLabel('Type').selectOption('prevent');
	await form.getByLabel('Owner').fill('XSS owner');
	await form.getByLabel('Due date').fill('2030-12-31');
	await page.getByTestId('add-action').click();
	await expect(page.getByTestId('actions').locator('li').filter({ hasText: `Fix ${SCRIPT}` })).toHaveCount(1);
	await expectInert(page, [IMG, `Fix ${SCRIPT}`]);
	await screenshots(page, 'hostile-review-actions');

	// Every step again from the server: the text as text, the form fields holding it as values.
	await open(page, `${reviewUrl}?step=1`);
	await expect(page.getByLabel('Summary: what happened?')).toHaveValue(`${IMG}\n${LINK}`);
	await expectInert(page, [`XSS review ${SCRIPT}`]);
	await open(page, `${reviewUrl}?step=3`);
	await expect(page.getByLabel('The trigger')).toHaveValue(LINK);
	await expect(page.locator('#why-0')).toHaveValue(SCRIPT);
	await expectInert(page, [`XSS review ${SCRIPT}`]);
	await open(page, `${reviewUrl}?step=5`);
	await expectInert(page, [`XSS review ${SCRIPT}`]);
	for (const step of [1, 2, 3, 4, 5]) await expectEscapedHtml(request, `${reviewUrl}?step=${step}`);
});

test('the print page, /actions and /reviews show the review text as text', async ({ page, request }) => {
	expect(reviewUrl, 'the review of the previous test').not.toBe('');
	await open(page, `${reviewUrl}/print`);
	await expectInert(page, [`XSS review ${SCRIPT}`, `Fix ${SCRIPT}`, `${SVG} ${ANCHOR}`, LINK]);
	await expect(page.getByTestId('print-title')).toHaveText(`XSS review ${SCRIPT}`);
	await screenshots(page, 'hostile-review-print');
	await expectEscapedHtml(request, `${reviewUrl}/print`);

	const id = reviewUrl.split('/').pop();
	await open(page, `/actions?review=${id}`);
	await expectInert(page, [`Fix ${SCRIPT}`, `XSS review ${SCRIPT}`]);
	await screenshots(page, 'hostile-actions');
	await expectEscapedHtml(request, `/actions?review=${id}`);

	await open(page, `/reviews?q=${encodeURIComponent('XSS review')}`);
	await expect(page.getByTestId('review-row').filter({ hasText: `XSS review ${SCRIPT}` })).toHaveCount(1);
	await expectInert(page, [`XSS review ${SCRIPT}`]);
	await expectEscapedHtml(request, '/reviews?q=XSS%20review');
});
