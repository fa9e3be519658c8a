import { afterEach, describe } from 'vitest';
import { CheckupStore } from '../../../src/core/store/checkup-store';
import { openDb, type Db } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/engine';
import { checkupRepoTests } from './checkup-repo-suite';

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
});

describe('CheckupStore (SQLite)', () => {
  checkupRepoTests(async () => {
    const dir = tempDir();
    cleanup = dir.cleanup;
    db = openDb({ dataDir: dir.dir });
    return new CheckupStore(db);
  });
});
