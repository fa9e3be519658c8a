import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DB_FILE, openDb } from '../../../src/core/store/db';
import { EventStore } from '../../../src/core/store/event-store';
import { ForwardStore } from '../../../src/core/store/forward-store';
import { migrations } from '../../../src/core/store/migrations';
import { tempDir } from '../../helpers/engine';
import { describeEventLog } from './conformance';
import { describeForwardQueue, type OpenStore, type Seed } from './forward-conformance';

/** Each open store's data folder (a peer opens the same file). */
const folders = new WeakMap<OpenStore, string>();

/** The SQLite log as the engine opens it: a real file, with its forward queue. */
function openSqlite(dir: string, cleanup: () => void): OpenStore {
  const db = openDb({ dataDir: dir });
  const queue = new ForwardStore(db);
  const log = new EventStore(db, 20, queue);
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await log.drained();
      await log.close();
      if (db.open) db.close();
    })());
  const o: OpenStore = {
    log,
    queue,
    async reopen() {
      await close();
      return openSqlite(dir, cleanup);
    },
    async close() {
      await close();
      cleanup();
    },
  };
  folders.set(o, dir);
  return o;
}

/**
 * A log made by the migrations up to `version` (as that version of Hookscope left it), holding
 * one delivery and, from version 2 (the forward queue), its pending job.
 */
function makeLogAt(dir: string, version: number, seed: Seed): void {
  const db = new Database(join(dir, DB_FILE));
  db.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT)');
  for (const m of migrations.filter((x) => x.version <= version)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)').run(m.version, 'then');
  }
  const queued = version >= 2;
  db.prepare(
    `INSERT INTO events (seq, rev, id, received_at, endpoint_id, method, path, query, source_ip,
     via_tunnel, public_url, event_type, job_id, headers, size, content_type, sig_status,
     sig_provider, sig_reason, idem_key, idem_source, duplicate_of, delivery_count, schema_status,
     schema_name, schema_issues, response_status, forward_status)
     VALUES (1, 1, ?, ?, 'default', 'POST', '/hooks', '', '127.0.0.1', 0, NULL, NULL, NULL, ?, 12,
     'application/json', 'none', NULL, '', NULL, NULL, NULL, 1, 'none', NULL, NULL, 200, ?)`,
  ).run(
    seed.eventId,
    seed.receivedAt,
    JSON.stringify([['Content-Type', 'application/json']]),
    queued ? 'pending' : 'none',
  );
  db.prepare('INSERT INTO bodies (seq, body) VALUES (1, ?)').run(Buffer.from('{"old":true}'));
  if (queued) {
    db.prepare(
      `INSERT INTO forward_jobs (event_id, target_url, attempts, next_at, state, created_at, updated_at)
       VALUES (?, ?, 0, ?, 'pending', ?, ?)`,
    ).run(seed.eventId, seed.targetUrl, seed.receivedAt, seed.receivedAt, seed.receivedAt);
  }
  db.close();
}

describeEventLog('SQLite', async () => {
  const t = tempDir();
  return openSqlite(t.dir, t.cleanup);
});

describeForwardQueue('SQLite', {
  async open() {
    const t = tempDir();
    return openSqlite(t.dir, t.cleanup);
  },
  async peer(o) {
    // Another connection on the same file, as a second process would have.
    const db = openDb({ dataDir: folders.get(o)! });
    return {
      queue: new ForwardStore(db),
      async close() {
        if (db.open) db.close();
      },
    };
  },
  freesAtStart: true,
  olderVersions: migrations.map((m) => m.version).filter((v) => v < migrations.at(-1)!.version),
  async openAtVersion(version, seed) {
    const t = tempDir();
    makeLogAt(t.dir, version, seed);
    return openSqlite(t.dir, t.cleanup);
  },
});
