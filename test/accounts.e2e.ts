// Accounts in Chromium, on a server that has them: sign in, add a viewer on the Users page,
// sign in as the viewer and find only what a viewer may open, and a refused page that says why;
// then what an admin does to accounts (roles, new passwords, removal), what a user does to their
// own password, and that each of these ends the sessions it should.
//
// Sign-in failures from this address are limited (20 in 15 minutes); this file makes 4 on purpose.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';
import { open, screenshots } from './e2e-helpers';

const VIEWER = { username: 'leah', password: 'leadership view 1' };

async function signIn(page: Page, username: string, password: string, next = '/') {
	// After hydration: hydrating the form empties a user name typed before it.
	await open(page, `/login?next=${encodeURIComponent(next)}`);
	await page.getByLabel('User name').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

test('signed out, every page sends you to sign in, and a wrong password says so', async ({ page }) => {
	await page.goto('/trends?grain=month');
	await expect(page).toHaveURL(/\/login\?next=%2Ftrends%3Fgrain%3Dmonth$/);
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	// Nothing about the data shows before signing in: no navigation, no demo badge.
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(0);
	await screenshots(page, 'sign-in');
	await signIn(page, E2E_ADMIN.username, 'not the password', '/trends?grain=month');
	await expect(page.getByRole('alert')).toHaveText('That user name and password do not match an account.');
	// The right password lands on the page asked for.
	await page.getByLabel('Password').fill(E2E_ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/trends\?grain=month$/);
});

test('an admin adds a viewer, who sees the dashboards but not reviews, imports or accounts', async ({ page }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/users');
	await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
	const add = page.locator('form[action="?/add"]');
	await add.getByLabel('User name').fill(VIEWER.username);
	await add.getByLabel('Display name').fill('Leah (leadership)');
	await add.getByLabel('Role').selectOption('viewer');
	await add.getByLabel('First password').fill(VIEWER.password);
	await add.getByRole('button', { name: 'Add user' }).click();
	await expect(page.getByRole('status')).toContainText('Account created. (leah)');
	await expect(page.getByRole('row', { name: /Leah \(leadership\)/ })).toBeVisible();
	await screenshots(page, 'users');

	await open(page, '/audit?kind=accounts');
	await expect(page.getByRole('row', { name: /ada user created/ })).toContainText('username: leah');
	await screenshots(page, 'audit');

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);

	await signIn(page, VIEWER.username, VIEWER.password);
	await expect(page.getByTestId('kpi-escalation-rate')).toBeVisible();
	const nav = page.getByRole('navigation', { name: 'Main' });
	await expect(nav.getByRole('link')).toHaveText(['Overview', 'Trends', 'Tiers', 'Tickets', 'Weekly report']);
	await expect(page.getByText('Leah (leadership)')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Clear demo data' })).toHaveCount(0);

	const refused = await page.goto('/reviews');
	expect(refused?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: "You can't open this page" })).toBeVisible();
	await expect(page.getByText('This needs the reviewer role; you are signed in as leah (viewer).')).toBeVisible();
	await screenshots(page, 'forbidden');
});

test('pages run no script but their own: no CSP violation while a reviewer works', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
	});
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password);
	for (const url of ['/', '/trends', '/tiers', '/tickets', '/report', '/reviews', '/actions', '/imports', '/settings', '/users', '/account']) {
		await open(page, url);
		await expect(page.locator('.chart:not([data-drawn])')).toHaveCount(0);
	}
	expect(violations).toEqual([]);
});

// ---- account management ------------------------------------------------------------------------

/** A fresh browser (its own cookies), signed in as `username`, on `next`. */
async function browserAs(browser: Browser, username: string, password: string, next = '/'): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, username, password, next);
	await expect(page).toHaveURL(new RegExp(`${next.replace(/[?]/g, '\\?')}$`));
	return { context, page };
}

/** On the Users page: adds an account and checks the page says so. */
async function addUser(page: Page, username: string, role: 'viewer' | 'reviewer', password: string) {
	const add = page.locator('form[action="?/add"]');
	await add.getByLabel('User name').fill(username);
	await add.getByLabel('Role').selectOption(role);
	await add.getByLabel('First password').fill(password);
	await add.getByRole('button', { name: 'Add user' }).click();
	await expect(page.getByRole('status')).toHaveText(`Account created. (${username})`);
}

const userRow = (page: Page, username: string) => page.getByRole('row').filter({ has: page.getByLabel(`Role of ${username}`, { exact: true }) });

async function changeRole(page: Page, username: string, role: 'viewer' | 'reviewer' | 'admin') {
	await page.getByLabel(`Role of ${username}`, { exact: true }).selectOption(role);
	await userRow(page, username).getByRole('button', { name: 'Save' }).click();
}

async function setNewPassword(page: Page, username: string, password: string) {
	await page.getByLabel(`New password for ${username}`, { exact: true }).fill(password);
	await userRow(page, username).getByRole('button', { name: 'Set' }).click();
}

/** Tries to sign in and expects to be refused. */
async function expectSignInRefused(page: Page, username: string, password: string) {
	await signIn(page, username, password);
	await expect(page.getByRole('alert')).toHaveText('That user name and password do not match an account.');
	await expect(page).toHaveURL(/\/login/);
}

test('an admin changes a role and back, and a new password signs the account out everywhere', async ({ page, browser }) => {
	const ROB = { username: 'rob', first: 'rob first password', second: 'rob second password' };
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/users');
	await addUser(page, ROB.username, 'reviewer', ROB.first);
	await expect(page.getByLabel('Role of rob', { exact: true })).toHaveValue('reviewer');

	// Rob's own browser, signed in before any change: a reviewer may open the reviews.
	const rob = await browserAs(browser, ROB.username, ROB.first);
	expect((await rob.page.goto('/reviews'))?.status()).toBe(200);

	await changeRole(page, ROB.username, 'viewer');
	await expect(page.getByRole('status')).toHaveText('Role changed. (rob)');
	await expect(page.getByLabel('Role of rob', { exact: true })).toHaveValue('viewer');
	// The new role applies to the session he already has, at once.
	expect((await rob.page.goto('/reviews'))?.status()).toBe(403);
	await expect(rob.page.getByText('This needs the reviewer role; you are signed in as rob (viewer).')).toBeVisible();

	await changeRole(page, ROB.username, 'reviewer');
	await expect(page.getByRole('status')).toHaveText('Role changed. (rob)');
	await expect(page.getByLabel('Role of rob', { exact: true })).toHaveValue('reviewer');
	expect((await rob.page.goto('/reviews'))?.status()).toBe(200);
	// Nobody else became an admin along the way (the next test needs ada to be the only one).
	await open(page, '/users');
	await expect(page.getByLabel('Role of rob', { exact: true })).toHaveValue('reviewer');
	await expect(userRow(page, ROB.username)).toContainText('1 browser');

	await setNewPassword(page, ROB.username, ROB.second);
	await expect(page.getByRole('status')).toHaveText('Password set; the account was signed out everywhere. (rob)');
	await expect(userRow(page, ROB.username)).toContainText('0 browsers');
	await screenshots(page, 'users-after-changes');
	// On a phone the page scrolls only up and down, status message included (the table scrolls in its card).
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await page.setViewportSize({ width: 1440, height: 900 });

	// The browser he signed in with before the reset is signed out: its next page is the sign-in.
	await rob.page.goto('/trends');
	await expect(rob.page).toHaveURL(/\/login\?next=%2Ftrends$/);
	await expect(rob.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	// The old password no longer signs in (failure 2 from this address); the new one does.
	await expectSignInRefused(rob.page, ROB.username, ROB.first);
	await rob.page.getByLabel('Password').fill(ROB.second);
	await rob.page.getByRole('button', { name: 'Sign in' }).click();
	await expect(rob.page).toHaveURL(/\/$/);
	await expect(rob.page.getByTestId('kpi-escalation-rate')).toBeVisible();
	await rob.context.close();
});

test('the only admin cannot take away her own admin role', async ({ page }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/users');
	await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
	// The premise: ada is the one admin.
	const roles = await page.locator('select[aria-label^="Role of "]').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));
	expect(roles.filter((r) => r === 'admin')).toEqual(['admin']);
	await expect(page.getByLabel('Role of ada', { exact: true })).toHaveValue('admin');
	// Her own row has no Remove button.
	await expect(userRow(page, 'ada').getByRole('button', { name: 'Remove' })).toHaveCount(0);

	await changeRole(page, 'ada', 'viewer');
	await expect(page.getByRole('alert')).toHaveText('cannot change the role of the last admin: make another account admin first');
	await expect(page.getByRole('status')).toHaveCount(0);
	await expect(page.getByLabel('Role of ada', { exact: true })).toHaveValue('admin');

	// Loaded afresh, she is still an admin, and can still open what only admins may.
	await open(page, '/users');
	await expect(page.getByLabel('Role of ada', { exact: true })).toHaveValue('admin');
	expect((await page.goto('/imports'))?.status()).toBe(200);
	await open(page, '/audit?kind=accounts');
	await expect(page.getByRole('row').filter({ hasText: 'username: ada' }).filter({ hasText: 'role changed' })).toHaveCount(0);
});

test('a user changes their own password on the Account page and stays signed in there alone', async ({ page, browser }) => {
	const VERA = { username: 'vera', first: 'vera first password', second: 'vera second password' };
	const admin = await browserAs(browser, E2E_ADMIN.username, E2E_ADMIN.password, '/users');
	await addUser(admin.page, VERA.username, 'viewer', VERA.first);
	await admin.context.close();

	// Another browser of hers, signed in before the change.
	const other = await browserAs(browser, VERA.username, VERA.first);

	await signIn(page, VERA.username, VERA.first, '/account');
	await expect(page).toHaveURL(/\/account$/);
	await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
	await expect(page.getByText('Signed in as vera (vera). Viewer: dashboards and reports.')).toBeVisible();
	const form = page.locator('form[action="?/password"]');
	async function change(current: string, next: string, again: string) {
		await form.getByLabel('Current password').fill(current);
		await form.getByLabel('New password (at least 10 characters)').fill(next);
		await form.getByLabel('New password again').fill(again);
		await form.getByRole('button', { name: 'Change password' }).click();
	}

	// A wrong current password (counted against vera from this address, not a sign-in) changes nothing.
	await change('not vera password', VERA.second, VERA.second);
	await expect(page.getByRole('alert')).toHaveText('That is not your current password.');
	await expect(page.getByRole('status')).toHaveCount(0);
	// Two different new passwords change nothing either.
	await change(VERA.first, VERA.second, `${VERA.second}!`);
	await expect(page.getByRole('alert')).toHaveText('The two new passwords differ.');
	// Neither attempt changed anything: her other browser is still signed in.
	await other.page.goto('/tiers');
	await expect(other.page).toHaveURL(/\/tiers$/);

	await change(VERA.first, VERA.second, VERA.second);
	await expect(page.getByRole('status')).toHaveText('Password changed.');
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(page).toHaveURL(/\/account/);
	await screenshots(page, 'account-after-change');
	// Still signed in here, on every page.
	await open(page, '/trends');
	await expect(page).toHaveURL(/\/trends$/);
	await open(page, '/account');
	await expect(page.getByText('Signed in as vera (vera).')).toBeVisible();

	// Signed out in the other browser; there the old password fails (failure 3) and the new one works.
	await other.page.goto('/tiers');
	await expect(other.page).toHaveURL(/\/login\?next=%2Ftiers$/);
	await expectSignInRefused(other.page, VERA.username, VERA.first);
	await other.page.getByLabel('Password').fill(VERA.second);
	await other.page.getByRole('button', { name: 'Sign in' }).click();
	await expect(other.page).toHaveURL(/\/$/);
	await other.context.close();
});

test('an admin removes a user: their session ends, and the audit log names who did each change', async ({ page, browser }) => {
	const NORA = { username: 'nora', first: 'nora first password', second: 'nora second password' };
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/users');
	await addUser(page, NORA.username, 'reviewer', NORA.first);
	await changeRole(page, NORA.username, 'viewer');
	await expect(page.getByRole('status')).toHaveText('Role changed. (nora)');
	await setNewPassword(page, NORA.username, NORA.second);
	await expect(page.getByRole('status')).toHaveText('Password set; the account was signed out everywhere. (nora)');

	const nora = await browserAs(browser, NORA.username, NORA.second, '/tickets');
	await open(page, '/users');
	await expect(userRow(page, NORA.username)).toContainText('1 browser');
	await userRow(page, NORA.username).getByRole('button', { name: 'Remove' }).click();
	await expect(page.getByRole('status')).toHaveText('Account removed. (nora)');
	await expect(page.getByLabel('Role of nora', { exact: true })).toHaveCount(0);

	// Her open session has ended, and she cannot sign in again (failure 4).
	await nora.page.goto('/tickets');
	await expect(nora.page).toHaveURL(/\/login\?next=%2Ftickets$/);
	await expectSignInRefused(nora.page, NORA.username, NORA.second);
	await nora.context.close();

	await open(page, '/audit?kind=accounts');
	const rows = page.getByRole('row').filter({ hasText: 'username: nora' });
	// Newest first: who, what, change, detail.
	const cells = async (i: number) => (await rows.nth(i).getByRole('cell').allInnerTexts()).slice(1).map((t) => t.trim());
	await expect(rows).toHaveCount(4);
	expect(await cells(0)).toEqual(['ada', 'user', 'removed', 'username: nora · role: viewer']);
	expect(await cells(1)).toEqual(['ada', 'user', 'password changed', 'username: nora']);
	expect(await cells(2)).toEqual(['ada', 'user', 'role changed', 'username: nora · from: reviewer · to: viewer']);
	expect(await cells(3)).toEqual(['ada', 'user', 'created', 'username: nora · role: reviewer']);
});

test('after signing out, the dashboards ask to sign in again, and the session is over on the server too', async ({ page, browser }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/trends');
	await expect(page).toHaveURL(/\/trends$/);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	const [session] = (await page.context().cookies()).filter((c) => c.name === 'handoff_session');
	expect(session).toBeDefined();

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(0);
	// Back to the dashboard: whatever the browser shows from its cache (see the next test), a
	// reload asks to sign in.
	await page.goBack();
	await page.reload();
	await expect(page).toHaveURL(/\/login\?next=%2Ftrends$/);
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	// Opening a dashboard's address.
	await page.goto('/tickets');
	await expect(page).toHaveURL(/\/login\?next=%2Ftickets$/);

	// The session ended on the server, not just its cookie here: copied into another browser, it opens nothing.
	const copy = await browser.newContext();
	await copy.addCookies([session!]);
	const copyPage = await copy.newPage();
	await copyPage.goto('/');
	await expect(copyPage).toHaveURL(/\/login\?next=%2F$/);
	await copy.close();
});

/** Once `page` has its scripts, signs the same browser out from a second tab. */
async function signOutInAnotherTab(page: Page) {
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
	const other = await page.context().newPage();
	await open(other, '/tiers');
	await other.getByRole('button', { name: 'Sign out' }).click();
	await expect(other).toHaveURL(/\/login$/);
}

test('a tab left open on a dashboard asks to sign in once another tab has signed out', async ({ page }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/trends');
	await expect(page).toHaveURL(/\/trends$/);
	await signOutInAnotherTab(page);
	// The first tab still shows the trends; its next in-app navigation lands on the sign-in page.
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tiers' }).click();
	await expect(page).toHaveURL(/\/login\?next=%2Ftiers$/);
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	// Signing in again there goes on to the page asked for.
	await page.getByLabel('User name').fill(E2E_ADMIN.username);
	await page.getByLabel('Password').fill(E2E_ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/tiers$/);
});

// When a session ends while a tab is open (signed out in another tab, a new password, removed),
// the tab's next in-app link lands on the sign-in page, without the old session's header.
test('a tab whose session ended elsewhere shows the sign-in page without the old name and menu', async ({ page }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/trends');
	await signOutInAnotherTab(page);
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tiers' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(0, { timeout: 3000 });
	await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0, { timeout: 1000 });
});

// Pages are sent with `cache-control: no-store`: after "Sign out", Back asks the server again
// instead of showing the signed-in page (names, figures, the admin's menu) from the cache.
test('after signing out, the Back button does not show the signed-in page from the cache', async ({ page }) => {
	await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password, '/trends');
	await expect(page).toHaveURL(/\/trends$/);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goBack();
	await expect(page).toHaveURL(/\/login\?next=%2Ftrends$/, { timeout: 3000 });
});
