// Accounts in Chromium, on a server that has them: sign in, add a viewer on the Users page,
// sign in as the viewer and find only what a viewer may open, and a refused page that says why.
import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';
import { open, screenshots } from './e2e-helpers';

const VIEWER = { username: 'leah', password: 'leadership view 1' };

async function signIn(page: Page, username: string, password: string, next = '/') {
	await page.goto(`/login?next=${encodeURIComponent(next)}`);
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
