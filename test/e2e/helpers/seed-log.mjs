// Seeds a large event log quickly, for the big-list e2e test and the UI benchmark. Posting
// 100,000 deliveries to the receiver takes about a minute on a 2-core machine, so instead
// one real delivery stored by `hookscope serve` is multiplied inside SQLite. Only the columns
// that must differ per event are named here (seq, rev, id, time, path, body and size, type,
// idempotency); every other column is copied from the real row, so the helper keeps working
// when the schema gains columns. Plain JS (with seed-log.d.mts) so bench/*.mjs can use it.
import Database from 'better-sqlite3';
import { join } from 'node:path';

/** The SQLite file `hookscope serve` keeps in its data dir. */
export const DB_FILE = 'hookscope.db';

/**
 * Adds `count - 1` copies of the oldest stored event to the log in `dataDir` (the server must
 * be stopped), so that the log holds `count` events, one second apart, the newest now. Each
 * body is `{"type":"seed.event","n":<i>,"note":"item-<i>"}`; the one at position `needleAt`
 * (1 = oldest copy) says `needle` instead of `item-<i>`. Returns how long it took in ms.
 */
export function seedLog(dataDir, count, { needle = 'quokka', needleAt = 1 } = {}) {
  const t0 = performance.now();
  const db = new Database(join(dataDir, DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    const template = db.prepare('SELECT seq FROM events ORDER BY seq LIMIT 1').get();
    if (!template) throw new Error('seedLog needs one stored event to copy');
    const base = db.prepare('SELECT max(rev) AS r FROM events').get().r;
    const n = count - 1;
    const columns = db
      .prepare("SELECT name FROM pragma_table_info('events')")
      .all()
      .map((c) => c.name);
    const body = `CAST(printf('{"type":"seed.event","n":%d,"note":"%s"}', i,
      CASE WHEN i = @needleAt THEN @needle ELSE 'item-' || i END) AS BLOB)`;
    const values = {
      seq: '@base + i',
      rev: '@base + i',
      id: "printf('seed_%08d', i)",
      received_at: '@now - (@n - i) * 1000',
      path: "'/seed/' || i",
      query: "''",
      size: `length(${body})`,
      event_type: "'seed.event'",
      job_id: 'NULL',
      idem_key: 'NULL',
      idem_source: 'NULL',
      duplicate_of: 'NULL',
      delivery_count: '1',
    };
    const select = columns.map((c) => values[c] ?? `t.${c}`).join(', ');
    const cte = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)';
    const params = { n, base, now: Date.now(), needle, needleAt };
    db.transaction(() => {
      db.prepare(
        `${cte} INSERT INTO events (${columns.join(', ')})
         SELECT ${select} FROM c, events t WHERE t.seq = ${template.seq}`,
      ).run(params);
      db.prepare(`${cte} INSERT INTO bodies (seq, body) SELECT @base + i, ${body} FROM c`).run(
        params,
      );
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return performance.now() - t0;
}
