// Shared by the *.e2e.ts files: open a page and wait until its scripts have taken over, so
// a test never races hydration (a file picked before then would not be previewed).
import { expect, type Page } from '@playwright/test';

export async function open(page: Page, url: string) {
	await page.goto(url);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
}
