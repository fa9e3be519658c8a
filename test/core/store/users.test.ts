/** People on SQLite (UserStore): the same suite as PostgreSQL's PgUserRepo. */
import { afterEach, describe } from 'vitest';
import { openDb, type Db } from '../../../src/core/store/db';
import { UserStore } from '../../../src/core/store/user-store';
import { testDir } from '../../helpers/engine';
import { userRepoTests } from './user-repo-suite';

describe('UserStore (SQLite)', () => {
  const opened: Db[] = [];
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });
  userRepoTests(async () => {
    const dir = testDir();
    const db = openDb({ dataDir: dir });
    opened.push(db);
    return {
      repo: new UserStore(db),
      again: async () => {
        const other = openDb({ dataDir: dir });
        opened.push(other);
        return new UserStore(other);
      },
    };
  });
});
