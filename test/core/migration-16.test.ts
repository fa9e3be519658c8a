import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { tempDir } from '../helpers/engine';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('migration 16 (the filter pills counted with the log)', () => {
  it('counts the events an older log already holds, then keeps counting', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = openDb({ dataDir: dir });
    // A log of version 15: no counters, three events already in it.
    db.exec(`DROP TRIGGER events_count_insert; DROP TRIGGER events_count_delete;
      DROP TRIGGER events_count_update; DROP TABLE event_counts;
      DELETE FROM migrations WHERE version = 16;`);
    const insert = db.prepare(
      `INSERT INTO events (seq, rev, id, received_at, endpoint_id, method, path, query, via_tunnel,
         headers, size, sig_status, sig_reason, duplicate_of, delivery_count, schema_status,
         response_status, forward_status, rejected)
       VALUES (?, ?, ?, 1, ?, 'POST', '/', '', 0, '[]', 0, ?, '', ?, 1, 'none', 200, ?, ?)`,
    );
    insert.run(1, 1, 'a', 'default', 'valid', null, 'ok', null);
    insert.run(2, 2, 'b', 'default', 'valid', 'a', 'dead', null);
    insert.run(3, 3, 'c', 'ep-x', 'invalid', null, 'none', 'rate limited');
    db.close();

    db = openDb({ dataDir: dir });
    cleanups.unshift(() => db.close());
    const store = new EventStore(db);
    expect(await store.counts()).toMatchObject({
      total: 3,
      signature: { valid: 2, invalid: 1, none: 0 },
      forward: { ok: 1, dead: 1, none: 1 },
      duplicates: 1,
      refused: 1,
      failedForwards: 1,
      endpoints: { default: 2, 'ep-x': 1 },
    });
    expect((await store.counts('ep-x')).total).toBe(1);
    await store.setForwardStatus('b', 'ok');
    expect((await store.counts()).forward).toMatchObject({ ok: 2, dead: 0 });
    expect((await store.counts()).failedForwards).toBe(0);
  });
});
