import type pg from 'pg';
import { openPool, type PgOptions } from './db';
import { PgEventLog } from './event-log';
import { PgForwardQueue } from './forward-queue';
import { migrate } from './migrations';

/** The event log and forward queue on one PostgreSQL database, migrated. */
export interface PgLog {
  pool: pg.Pool;
  log: PgEventLog;
  queue: PgForwardQueue;
  /** Waits for the appends in flight, then closes the pool. */
  close(): Promise<void>;
}

/**
 * Opens the log on PostgreSQL: a pool, the migrations applied (once across processes), the
 * EventLog and ForwardQueue on it. (The engine's factory, `Storage` on PostgreSQL with the
 * other repos, comes next: docs/ARCHITECTURE.md §8, "A storage backend".)
 */
export async function openPgLog(o: PgOptions): Promise<PgLog> {
  const pool = openPool(o);
  try {
    await migrate(pool, o.schema);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const queue = new PgForwardQueue(pool);
  const log = new PgEventLog(pool, queue);
  let closed: Promise<void> | null = null;
  return {
    pool,
    log,
    queue,
    close: () =>
      (closed ??= (async () => {
        await log.close();
        await pool.end();
      })()),
  };
}
