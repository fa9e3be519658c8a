/**
 * vitest globalSetup: one PostgreSQL server for the whole run (test/helpers/postgres.ts hands
 * each test file its own database on it). HOOKSCOPE_TEST_DATABASE_URL names a server to use
 * instead. A throwaway one (scripts/pg-cluster.mjs, ~2 s) is started only when the run
 * includes a PostgreSQL test file (named `pg-*.test.ts`), so other runs pay nothing.
 * When none can be started, the reason is provided instead and those tests skip, saying it.
 */
import { basename } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/pg-cluster.mjs';

/** What the PostgreSQL test files get: a server's URL, or why there is none. */
export type PgServer = { url: string; reason: null } | { url: null; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    pgServer: PgServer;
  }
}

/** A test file that needs PostgreSQL (the naming rule the lazy start relies on). */
export const isPgTestFile = (file: string): boolean => /^pg-.*\.test\.tsx?$/.test(basename(file));

async function runIncludesPg(project: TestProject): Promise<boolean> {
  try {
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const specs = await project.vitest.globTestSpecifications(filters ?? []);
    return specs.some((s) => isPgTestFile(s.moduleId));
  } catch {
    return true; // cannot tell: start it rather than skip tests that need it
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.HOOKSCOPE_TEST_DATABASE_URL;
  if (given) {
    project.provide('pgServer', { url: given, reason: null });
    return undefined;
  }
  if (!(await runIncludesPg(project))) {
    project.provide('pgServer', { url: null, reason: 'no PostgreSQL test file in this run' });
    return undefined;
  }
  try {
    const cluster = await startCluster({ fsync: true });
    project.provide('pgServer', { url: cluster.url, reason: null });
    return () => cluster.stop();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    project.provide('pgServer', { url: null, reason });
    return undefined;
  }
}
