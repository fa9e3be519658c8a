import { openDb } from '../../../src/core/store/db';
import { EventStore } from '../../../src/core/store/event-store';
import { ForwardStore } from '../../../src/core/store/forward-store';
import { tempDir } from '../../helpers/engine';
import { describeEventLog, type OpenLog } from './conformance';

/** The SQLite log as the engine opens it: a real file, with its forward queue. */
function openSqlite(dir: string, cleanup: () => void): OpenLog {
  const db = openDb({ dataDir: dir });
  const log = new EventStore(db, 20, new ForwardStore(db));
  const close = async (): Promise<void> => {
    await log.drained();
    await log.close();
    if (db.open) db.close();
  };
  return {
    log,
    async reopen() {
      await close();
      return openSqlite(dir, cleanup);
    },
    async close() {
      await close();
      cleanup();
    },
  };
}

describeEventLog('SQLite', async () => {
  const t = tempDir();
  return openSqlite(t.dir, t.cleanup);
});
