/** Check-up runs on PostgreSQL (PgCheckupRepo): the same suite as SQLite's CheckupStore. */
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { openPgLog, type PgLog } from '../../../src/core/store/pg/open';
import { PgCheckupRepo } from '../../../src/core/store/pg/repos';
import { describePg } from '../../helpers/postgres';
import { checkupRepoTests } from '../checkup/checkup-repo-suite';

describePg('PgCheckupRepo', (db) => {
  const opened: PgLog[] = [];
  afterEach(async () => {
    for (const l of opened.splice(0)) await l.close();
  });
  checkupRepoTests(async () => {
    // A schema of its own per test: the migrations make the checkups table.
    const log = await openPgLog({ url: db.url, schema: `hs_${randomBytes(5).toString('hex')}` });
    opened.push(log);
    return new PgCheckupRepo(log.pool);
  });
});
