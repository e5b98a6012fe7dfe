// Shared by the *.e2e.ts files: open a page and wait until its scripts have taken over, so
// a test never races hydration (a file picked before then would not be previewed).
import { expect, type Page } from '@playwright/test';

export async function open(page: Page, url: string) {
	await page.goto(url);
	await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
}

export const SIZES = [
	{ name: 'desktop', width: 1440, height: 900 },
	{ name: 'phone', width: 390, height: 844 }
] as const;

/**
 * Saves a full-page screenshot of the current page at 1440×900 and at 390×844 under
 * test-results/screenshots/ (CI keeps test-results as the run's artifacts), waiting for
 * every chart on the page to be drawn at each size first.
 */
export async function screenshots(page: Page, name: string) {
	for (const size of SIZES) {
		await page.setViewportSize({ width: size.width, height: size.height });
		await expect(page.locator('.chart:not([data-drawn])')).toHaveCount(0);
		await page.screenshot({ path: `test-results/screenshots/${name}-${size.name}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
}
