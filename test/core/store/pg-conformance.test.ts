/**
 * The PostgreSQL log against the conformance suites (docs/ARCHITECTURE.md §7), on a real
 * server (test/helpers/postgres.ts): each case opens a fresh schema in the file's database;
 * `peer` is a second pool on the same schema, as a second process would have.
 */
import { randomBytes } from 'node:crypto';
import { openPool } from '../../../src/core/store/pg/db';
import { PgForwardQueue } from '../../../src/core/store/pg/forward-queue';
import { openPgLog } from '../../../src/core/store/pg/open';
import { describePg } from '../../helpers/postgres';
import { describeEventLog } from './conformance';
import { describeForwardQueue, type OpenStore } from './forward-conformance';

describePg('PostgreSQL log', (db) => {
  const schemas = new WeakMap<OpenStore, string>();

  async function openAt(schema: string): Promise<OpenStore> {
    const pg = await openPgLog({ url: db.url, schema });
    const o: OpenStore = {
      log: pg.log,
      queue: pg.queue,
      async reopen() {
        await pg.close();
        return openAt(schema);
      },
      close: () => pg.close(),
    };
    schemas.set(o, schema);
    return o;
  }
  const fresh = (): Promise<OpenStore> => openAt(`hs_${randomBytes(5).toString('hex')}`);

  describeEventLog('PostgreSQL', fresh);

  describeForwardQueue('PostgreSQL', {
    open: fresh,
    async peer(o) {
      const pool = openPool({ url: db.url, schema: schemas.get(o)! });
      return { queue: new PgForwardQueue(pool), close: () => pool.end() };
    },
    // A brand-new backend: no older schema version of it exists to migrate from yet. Its
    // first migration after this one adds a version here (openAtVersion: the migrations up
    // to it, a seeded event and job, then opened).
    olderVersions: [],
    openAtVersion() {
      throw new Error('no older PostgreSQL schema version exists yet');
    },
    // Shared by several processes: a job left running is freed by its lease, not at start.
    freesAtStart: false,
  });
});
