/**
 * What only the PostgreSQL log must prove besides the conformance suites: migrations applied
 * once when two processes start at once, the cursor's late-commit gap closed, and duplicates
 * classified by the database when two instances append one key at once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPool } from '../../../src/core/store/pg/db';
import { migrate, pgMigrations } from '../../../src/core/store/pg/migrations';
import { openPgLog } from '../../../src/core/store/pg/open';
import { delivery } from '../../helpers/events';
import { describePg } from '../../helpers/postgres';
import { NOT_FORWARDED } from './conformance';

const schema = (): string => `hs_${randomBytes(5).toString('hex')}`;

describePg('PostgreSQL log', (db) => {
  describe('migrations', () => {
    it('two runners starting at once on one fresh database apply each migration exactly once', async () => {
      const s = schema();
      const a = openPool({ url: db.url, schema: s });
      const b = openPool({ url: db.url, schema: s });
      try {
        // Migrations that fail or count twice if run twice.
        const list = [
          { version: 1, sql: 'CREATE TABLE t (n integer NOT NULL)' },
          { version: 2, sql: 'INSERT INTO t (n) VALUES (1)' },
          { version: 3, sql: 'INSERT INTO t (n) VALUES (2)' },
        ];
        const [x, y] = await Promise.all([migrate(a, s, list), migrate(b, s, list)]);
        expect([...x, ...y].sort()).toEqual([1, 2, 3]);
        expect((await a.query('SELECT n FROM t ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
        const versions = await a.query('SELECT version FROM migrations ORDER BY version');
        expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3]);
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
    });

    it('two logs opening one fresh schema at once both start, on the schema made once', async () => {
      const s = schema();
      const [p, q] = await Promise.all([
        openPgLog({ url: db.url, schema: s }),
        openPgLog({ url: db.url, schema: s }),
      ]);
      try {
        const e = await p.log.append(delivery(), NOT_FORWARDED);
        expect((await q.log.summary(e.id))?.seq).toBe(e.seq);
        const versions = await p.pool.query('SELECT version FROM migrations ORDER BY version');
        expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(
          pgMigrations.map((m) => m.version),
        );
      } finally {
        await Promise.all([p.close(), q.close()]);
      }
    });
  });

  it('closes the late-commit gap: a rev taken first commits first, so a cursor reader misses nothing', async () => {
    const s = schema();
    const a = await openPgLog({ url: db.url, schema: s });
    const b = await openPgLog({ url: db.url, schema: s });
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      const first = await a.log.append(delivery(), NOT_FORWARDED);
      const cursor = await a.log.currentRev();
      // Another instance's transaction takes the next rev and writes its event, not committed.
      await writer.query(`SET search_path = ${s}`);
      await writer.query('BEGIN');
      const held = await writer.query<{ rev: string }>(
        'SELECT rev FROM log_state WHERE id = 1 FOR UPDATE',
      );
      const rev = Number(held.rows[0]!.rev) + 1;
      expect(rev).toBe(cursor + 1);
      const lateId = `late-${randomBytes(4).toString('hex')}`;
      await writer.query(
        `INSERT INTO events SELECT * FROM jsonb_populate_record(NULL::events,
           (SELECT to_jsonb(e) || jsonb_build_object('seq', $1::bigint, 'rev', $1::bigint, 'id', $2::text)
            FROM events e WHERE id = $3))`,
        [rev, lateId, first.id],
      );
      await writer.query('UPDATE log_state SET rev = $1 WHERE id = 1', [rev]);
      // Meanwhile this instance appends: it must not commit a later rev before the open one.
      const appended = b.log.append(delivery(), NOT_FORWARDED);
      let waiting = 0;
      while (waiting === 0) {
        const w = await a.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        waiting = Number(w.rows[0]!.n);
      }
      // The reader following the cursor sees nothing yet: no later rev jumped ahead.
      expect(await a.log.changesSince(cursor, 100)).toEqual([]);
      await writer.query('COMMIT');
      const mine = await appended;
      expect(mine.rev).toBeGreaterThan(rev);
      const seen = await a.log.changesSince(cursor, 100);
      expect(seen.map((e) => e.id)).toEqual([lateId, mine.id]);
    } finally {
      await writer.end();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('classifies duplicates in the database: two instances appending one key at once, one first', async () => {
    const s = schema();
    const a = await openPgLog({ url: db.url, schema: s });
    const b = await openPgLog({ url: db.url, schema: s });
    try {
      const key = { key: 'evt_both', source: 'webhook-id' };
      const all = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? a : b).log.append(delivery({ idempotency: key }), NOT_FORWARDED),
        ),
      );
      const firsts = all.filter((e) => e.idempotency.duplicateOf === null);
      expect(firsts).toHaveLength(1);
      expect(all.map((e) => e.idempotency.deliveryCount).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect((await b.log.summary(firsts[0]!.id))?.idempotency.deliveryCount).toBe(30);
      // The constraint: a second first delivery of the key is refused, whoever writes it.
      await expect(
        a.pool.query(
          `INSERT INTO events SELECT * FROM jsonb_populate_record(NULL::events,
             (SELECT to_jsonb(e) || jsonb_build_object('seq', 999999, 'rev', 999999, 'id', 'x2')
              FROM events e WHERE id = $1))`,
          [firsts[0]!.id],
        ),
      ).rejects.toThrow(/events_first_of_key/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('survives the server dropping a connection in the middle of a batch: that append fails, the next one is stored', async () => {
    const s = schema();
    const a = await openPgLog({ url: db.url, schema: s });
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await a.log.append(delivery(), NOT_FORWARDED);
      // Hold the log's lock so the next append's transaction waits inside, checked out.
      await blocker.query(`SET search_path = ${s}`);
      await blocker.query('BEGIN');
      await blocker.query('SELECT rev FROM log_state WHERE id = 1 FOR UPDATE');
      const appended = a.log.append(delivery(), NOT_FORWARDED);
      let pid: number | undefined;
      while (pid === undefined) {
        const w = await blocker.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        pid = w.rows[0]?.pid;
      }
      // The server ends that connection (an admin, a failover, a restart): the client emits
      // 'error', which must not take the process down.
      await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
      await expect(appended).rejects.toThrow();
      await blocker.query('ROLLBACK');
      const next = await a.log.append(delivery(), NOT_FORWARDED);
      expect((await a.log.summary(next.id))?.id).toBe(next.id);
    } finally {
      await blocker.end();
      await a.close();
    }
  });

  it("stores a delivery whose text fields hold NUL (a stranger's \\u0000), and never fails the others in its batch", async () => {
    const s = schema();
    const a = await openPgLog({ url: db.url, schema: s });
    try {
      const nul = delivery({
        eventType: 'a\u0000b',
        jobId: 'job\u0000',
        idempotency: { key: 'evt\u00001', source: 'body id' },
      });
      const honest = Array.from({ length: 5 }, () => delivery());
      const all = await Promise.all([nul, ...honest].map((e) => a.log.append(e, NOT_FORWARDED)));
      expect(all).toHaveLength(6);
      const stored = await a.log.summary(nul.id);
      expect(stored?.eventType).toBe('a\ufffdb');
      expect(stored?.jobId).toBe('job\ufffd');
      // A repeat of it is its duplicate, as on SQLite.
      const again = await a.log.append(
        delivery({ idempotency: { key: 'evt\u00001', source: 'body id' } }),
        NOT_FORWARDED,
      );
      expect(again.idempotency.duplicateOf).toBe(nul.id);
    } finally {
      await a.close();
    }
  });
});
