import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { migrations } from '../../src/core/store/migrations';
import { appendTo } from '../helpers/append';
import { tempDir } from '../helpers/engine';
import { delivery } from '../helpers/events';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** The opcodes SQLite runs for `sql` on `db` that build a temporary (ephemeral) table. */
function ephemeralTables(db: Database.Database, sql: string, params: unknown[]): number {
  return (db.prepare(`EXPLAIN ${sql}`).all(...params) as { opcode: string }[]).filter(
    (op) => op.opcode === 'OpenEphemeral',
  ).length;
}

/** How a row is written and removed: the store's own insert (its columns) and delete. */
const INSERT = `INSERT INTO events (seq, rev, id, received_at, endpoint_id, method, path, query,
  via_tunnel, headers, size, sig_status, sig_reason, delivery_count, schema_status,
  response_status, forward_status) VALUES (${Array.from({ length: 17 }, () => '?').join(', ')})`;
const INSERT_PARAMS = [
  9,
  9,
  'x',
  1,
  'e',
  'POST',
  '/',
  '',
  0,
  '[]',
  0,
  'invalid',
  '',
  1,
  'none',
  200,
  'dead',
];
const DELETE = 'DELETE FROM events WHERE seq = ?';

describe('migration 20 (the rare indexes without IN lists)', () => {
  it('writes and deletes a row without building a temporary table, and the rare filters still use their indexes', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    // A log as version 19 left it, with rows of rare and common verdicts and forward states.
    const old = new Database(join(dir, DB_FILE));
    old.exec('CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT)');
    for (const m of migrations.filter((x) => x.version <= 19)) {
      old.exec(m.sql);
      old
        .prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)')
        .run(m.version, 'then');
    }
    // What made every retention delete slow there: two temporary tables per row written.
    expect(ephemeralTables(old, DELETE, [1])).toBe(2);
    expect(ephemeralTables(old, INSERT, INSERT_PARAMS)).toBe(2);
    old.close();

    // Opened by this version: migration 20 runs.
    const db = openDb({ dataDir: dir });
    cleanups.push(() => db.close());
    const store = new EventStore(db);
    cleanups.push(() => void store.close());
    const rows = [
      { signature: 'invalid', forward: 'dead' },
      { signature: 'valid', forward: 'none' },
      { signature: 'stale', forward: 'none' },
      { signature: 'none', forward: 'dead' },
    ] as const;
    for (const [i, r] of rows.entries()) {
      await appendTo(
        store,
        delivery({
          path: `/${i}`,
          signature: { status: r.signature, provider: null, reason: '' },
          forwardStatus: r.forward,
        }),
      );
    }
    const indexes = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE name IN ('events_sig_rare', 'events_fwd_rare')",
      )
      .all() as { name: string; sql: string }[];
    expect(indexes).toHaveLength(2);
    for (const i of indexes) expect(i.sql).not.toMatch(/\bIN\s*\(/i);
    expect(ephemeralTables(db, DELETE, [1])).toBe(0);
    expect(ephemeralTables(db, INSERT, INSERT_PARAMS)).toBe(0);

    // The list walks them (INDEXED BY, which fails when the query's condition does not match
    // the index's) and finds the same rows.
    const paths = async (f: Parameters<EventStore['list']>[0]): Promise<string[]> =>
      (await store.list(f)).items.map((e) => e.path);
    expect(await paths({ limit: 10, signatureStatus: ['invalid'] })).toEqual(['/0']);
    expect(await paths({ limit: 10, signatureStatus: ['invalid', 'stale'] })).toEqual(['/2', '/0']);
    expect(await paths({ limit: 10, forwardStatus: ['dead'] })).toEqual(['/3', '/0']);
    expect(await paths({ limit: 10, signatureStatus: ['stale'], forwardStatus: ['none'] })).toEqual(
      ['/2'],
    );
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT seq FROM events e INDEXED BY events_sig_rare
         WHERE e.sig_status IN ('invalid') AND (e.sig_status = 'invalid' OR e.sig_status = 'stale'
         OR e.sig_status = 'missing' OR e.sig_status = 'future') ORDER BY e.seq DESC LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('events_sig_rare');
  });
});
