import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built UI in a real Chromium against a real `hookscope serve`
 * (project "chromium"), and the built desktop app through Playwright's Electron driver
 * (project "electron", which launches no browser). Run `npm run build` first.
 */

// The system Chromium (Debian's package) is used: Playwright's own browser download is not
// reachable from these machines. Without a binary at that path Playwright picks its default.
const chromiumPath =
  process.env.HOOKSCOPE_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(chromiumPath) ? chromiumPath : undefined;

// The network is closed here: without these flags Chromium stalls on background fetches.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: 'test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // Every test starts its own server with its own data dir, so tests are independent.
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: '**/electron.e2e.ts',
      use: {
        browserName: 'chromium',
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          args: chromiumArgs,
        },
      },
    },
    {
      name: 'electron',
      testMatch: '**/electron.e2e.ts',
    },
  ],
});
