/**
 * PostgreSQL for e2e specs (the team server, `serve --database`): the server named by
 * HOOKSCOPE_TEST_DATABASE_URL (CI sets it, .ci/run), else a throwaway one started the way
 * scripts/pg-cluster.mjs does, once per Playwright worker that runs such a spec and only then;
 * each test gets a fresh database on it. When no server can be had the test is skipped with
 * the reason printed, and fails instead with HOOKSCOPE_REQUIRE_POSTGRES=1.
 */
import { startCluster } from '../../../scripts/pg-cluster.mjs';
import { createDatabase } from '../../helpers/pg-database';
import { test as serveTest } from './serve';

type PgServer = { url: string; reason: null } | { url: null; reason: string };

export const test = serveTest.extend<{ database: string }, { pgServer: PgServer }>({
  // Servers are stopped before the database is dropped (launchServer depends on it).
  launchServer: async ({ database, launchServer }, use) => {
    void database;
    await use(launchServer);
  },
  pgServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
    async ({}, use) => {
      const given = process.env.HOOKSCOPE_TEST_DATABASE_URL;
      if (given) return use({ url: given, reason: null });
      let cluster: Awaited<ReturnType<typeof startCluster>> | null = null;
      let server: PgServer;
      try {
        cluster = await startCluster({ fsync: false });
        server = { url: cluster.url, reason: null };
      } catch (err) {
        server = { url: null, reason: err instanceof Error ? err.message : String(err) };
      }
      try {
        await use(server);
      } finally {
        cluster?.stop();
      }
    },
    { scope: 'worker' },
  ],
  database: async ({ pgServer }, use, info) => {
    if (pgServer.url === null) {
      if (process.env.HOOKSCOPE_REQUIRE_POSTGRES === '1') {
        throw new Error(
          `PostgreSQL is required (HOOKSCOPE_REQUIRE_POSTGRES=1) but: ${pgServer.reason}`,
        );
      }
      console.warn(`[postgres] skipping "${info.title}": ${pgServer.reason}`);
      info.skip(true, `no PostgreSQL server: ${pgServer.reason}`);
      return;
    }
    const db = await createDatabase(pgServer.url);
    try {
      await use(db.url);
    } finally {
      await db.drop();
    }
  },
});

export { expect } from './serve';
