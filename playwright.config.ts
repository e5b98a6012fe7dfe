import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Debian's Chromium when present (CI and this machine cannot download Playwright's browsers).
const systemChromium = '/usr/bin/chromium';
const executablePath = fs.existsSync(systemChromium) ? systemChromium : undefined;
const port = Number(process.env.E2E_PORT ?? 4173);
// A second server with accounts (the first runs open, as a fresh install does).
const accountsPort = port + 1;
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-e2e-'));
export const E2E_ADMIN = { username: 'ada', password: 'e2e admin password' };

export default defineConfig({
	testDir: 'test',
	testMatch: '**/*.e2e.ts',
	timeout: 60_000,
	workers: 1,
	reporter: [['list']],
	// The imports tests change the data (they clear the demo tickets), so they run after
	// every read-only page test.
	projects: [
		{ name: 'pages', testIgnore: ['**/imports.e2e.ts', '**/accounts.e2e.ts'] },
		{ name: 'imports', testMatch: '**/imports.e2e.ts', dependencies: ['pages'] },
		{ name: 'accounts', testMatch: '**/accounts.e2e.ts', use: { baseURL: `http://127.0.0.1:${accountsPort}` } }
	],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		screenshot: 'only-on-failure',
		viewport: { width: 1440, height: 900 },
		launchOptions: {
			executablePath,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
		}
	},
	webServer: [
		{
			command: `node bin/handoff.js serve --no-build`,
			url: `http://127.0.0.1:${port}/api/health`,
			timeout: 120_000,
			reuseExistingServer: false,
			env: {
				PORT: String(port),
				HOST: '127.0.0.1',
				HANDOFF_DB: path.join(dbDir, 'e2e.duckdb'),
				HANDOFF_DEMO_TICKETS: '1500'
			}
		},
		{
			// The first admin is made with the CLI, as the README says to before serving a network.
			command: `echo '${E2E_ADMIN.password}' | node bin/handoff.js user add ${E2E_ADMIN.username} --role admin --password-stdin && node bin/handoff.js serve --no-build`,
			url: `http://127.0.0.1:${accountsPort}/api/health`,
			timeout: 120_000,
			reuseExistingServer: false,
			env: {
				PORT: String(accountsPort),
				HOST: '127.0.0.1',
				HANDOFF_DB: path.join(dbDir, 'accounts.duckdb'),
				HANDOFF_DEMO_TICKETS: '600'
			}
		}
	]
});
