import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { appendTo } from '../helpers/append';
import { tempDir } from '../helpers/engine';
import { delivery } from '../helpers/events';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('migration 17 (may_be_first holds the whole rule)', () => {
  it('marks an older forged delivery, so the genuine one with its id is still the first', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = openDb({ dataDir: dir });
    // A log of version 16 holding a row stored before version 14: a forged delivery (invalid
    // signature) with a real delivery id, may_be_first left at its default.
    db.exec('DELETE FROM migrations WHERE version = 17;');
    let store = new EventStore(db);
    const forged = await appendTo(
      store,
      delivery({
        signature: { status: 'invalid', provider: 'stripe', reason: 'no match' },
        idempotency: { key: 'evt_real', source: 'body' },
      }),
    );
    db.prepare('UPDATE events SET may_be_first = 1 WHERE id = ?').run(forged.id);
    store.flush();
    db.close();

    db = openDb({ dataDir: dir });
    cleanups.unshift(() => db.close());
    store = new EventStore(db);
    const genuine = await appendTo(
      store,
      delivery({
        signature: { status: 'valid', provider: 'stripe', reason: '' },
        idempotency: { key: 'evt_real', source: 'body' },
      }),
    );
    expect(genuine.idempotency.duplicateOf).toBeNull();
  });
});
