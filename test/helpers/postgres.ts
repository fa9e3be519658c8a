/**
 * PostgreSQL for tests: the server the run's globalSetup started (pg-global-setup.ts) or
 * HOOKSCOPE_TEST_DATABASE_URL, and a fresh database per test file (`hs_<random>`, dropped
 * after), so files run in parallel. Files that need it are named `pg-*.test.ts` (the server is
 * started only for runs that include one) and wrap their suites in `describePg`, which skips
 * them with the reason printed when no server could be started, never silently (and fails
 * them instead with HOOKSCOPE_REQUIRE_POSTGRES=1, as CI runs).
 */
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { createDatabase } from './pg-database';
// (ProvidedContext['pgServer'] is declared in pg-global-setup.ts.)

export { createDatabase, withDatabase } from './pg-database';

/** The server's URL, or why there is none. */
export function pgServer(): { url: string | null; reason: string | null } {
  return inject('pgServer');
}

/**
 * A suite on PostgreSQL: `body(db)` gets the test file's database (its URL is set once
 * `beforeAll` ran). Skipped, saying why, when no server could be had.
 */
export function describePg(name: string, body: (db: { url: string }) => void): void {
  const { url, reason } = pgServer();
  if (url === null && process.env.HOOKSCOPE_REQUIRE_POSTGRES === '1') {
    // CI starts a server (.ci/run): there, a missing one is a failure, not a skip.
    throw new Error(`PostgreSQL is required (HOOKSCOPE_REQUIRE_POSTGRES=1) but: ${reason}`);
  }
  if (url === null) console.warn(`[postgres] skipping "${name}": ${reason}`);
  describe.skipIf(url === null)(name, () => {
    const db = { url: '' };
    let drop: (() => Promise<void>) | null = null;
    beforeAll(async () => {
      const made = await createDatabase(url!);
      db.url = made.url;
      drop = made.drop;
    });
    afterAll(async () => {
      await drop?.();
    });
    body(db);
  });
}
