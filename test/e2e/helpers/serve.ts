import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { startServe, type ServeProcess, type StartOptions } from '../../helpers/serve-process';

export type HookscopeServer = ServeProcess;

export interface ServeFixtures {
  /** A temp dir of this test's own, removed after every server of the test has stopped. */
  scratchDir: string;
  /** Starts another server; every server started is stopped (and checked) after the test. */
  launchServer: (opts?: StartOptions) => Promise<HookscopeServer>;
  /** A server of this test's own, with a fresh data dir. */
  server: HookscopeServer;
}

/** `test` with a Hookscope server per test; each must shut down cleanly on SIGTERM. */
export const test = base.extend<ServeFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  scratchDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'hookscope-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  // Depends on scratchDir so that it is torn down (servers stopped) before the dir goes.
  launchServer: async ({ scratchDir }, use) => {
    void scratchDir;
    const started: HookscopeServer[] = [];
    await use(async (opts) => {
      const s = await startServe(opts);
      started.push(s);
      return s;
    });
    const failures: string[] = [];
    for (const s of started.reverse()) {
      const r = await s.dispose();
      const stopped = s.lines.some((l) => l.event === 'stopped');
      if (r.code !== 0 || !stopped) {
        failures.push(
          `${s.apiUrl}: exit code ${r.code}, signal ${r.signal}, stopped line ${stopped}` +
            `\nstdout after ready:\n${JSON.stringify(s.lines)}\nstderr:\n${r.stderr}`,
        );
      }
    }
    expect(failures, 'hookscope serve shuts down cleanly on SIGTERM').toEqual([]);
  },
  server: async ({ launchServer }, use) => {
    await use(await launchServer());
  },
});

export { expect };
