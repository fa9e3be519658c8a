import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { tempDir } from '../helpers/engine';
import { appendTo, type TestEvent } from '../helpers/append';
import { delivery } from '../helpers/events';

/** A delivery received now, with a Content-Type header only. */
function newEvent(over: Partial<TestEvent> = {}): TestEvent {
  return delivery({
    receivedAt: Date.now(),
    headers: [['Content-Type', 'application/json']],
    ...over,
  });
}

const open: { db: Db; cleanup: () => void; store: EventStore }[] = [];
function store(dir?: string, searchBudgetMs?: number): { s: EventStore; db: Db; dir: string } {
  const t = dir ? { dir, cleanup: () => undefined } : tempDir();
  const db = openDb({ dataDir: t.dir });
  const s = new EventStore(db, searchBudgetMs);
  open.push({ db, cleanup: t.cleanup, store: s });
  return { s, db, dir: t.dir };
}
afterEach(() => {
  for (const o of open.splice(0)) {
    void o.store.close(); // stops the idle indexer's timer before the file goes
    if (o.db.open) o.db.close();
    o.cleanup();
  }
});

describe('EventStore', () => {
  it('sets WAL and synchronous=FULL on every open', () => {
    const { db, dir } = store();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
    const again = store(dir);
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('commits appends of one event-loop turn in one transaction and notifies once', async () => {
    const { s, db } = store();
    const batches: number[] = [];
    s.onChange((items) => batches.push(items.length));
    let commits = 0;
    const orig = db.transaction.bind(db);
    (db as { transaction: typeof db.transaction }).transaction = ((fn: () => unknown) => {
      commits++;
      return orig(fn as never);
    }) as typeof db.transaction;
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => appendTo(s, newEvent())));
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([5]);
    expect(commits).toBe(1);
    expect(await s.count()).toBe(5);
  });

  it('pages newest first by seq with hasMore', async () => {
    const { s } = store();
    for (let i = 0; i < 7; i++) await appendTo(s, newEvent());
    const p1 = await s.list({ limit: 3 });
    expect(p1.items.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(p1.hasMore).toBe(true);
    const p3 = await s.list({ limit: 3, beforeSeq: 2 });
    expect(p3.items.map((e) => e.seq)).toEqual([1]);
    expect(p3.hasMore).toBe(false);
    expect((await s.list({ limit: 10, afterSeq: 5 })).items.map((e) => e.seq)).toEqual([7, 6]);
  });

  it('classifies repeated idempotency keys as duplicates of the first delivery', async () => {
    const { s } = store();
    // The log classifies each append by (endpoint, idempotency key) as it commits.
    const add = (over: Partial<TestEvent>, endpointId = 'default') =>
      appendTo(s, newEvent({ ...over, endpointId }));
    const changes: { id: string; deliveryCount: number }[] = [];
    s.onChange((items) =>
      changes.push(...items.map((i) => ({ id: i.id, deliveryCount: i.idempotency.deliveryCount }))),
    );
    const key = { key: 'evt_1', source: 'webhook-id' };
    const first = await add({ idempotency: key });
    const [second, third] = await Promise.all([
      add({ idempotency: key }),
      add({ idempotency: key }),
    ]);
    const other = await add({ idempotency: { key: 'evt_2', source: 'webhook-id' } });
    // The same key on another endpoint is a first delivery there.
    const elsewhere = await add({ idempotency: key }, 'other-endpoint');
    // Duplicates within one commit batch point at the first of the batch.
    const [b1, b2] = await Promise.all([
      add({ idempotency: { key: 'evt_3', source: 'x' } }),
      add({ idempotency: { key: 'evt_3', source: 'x' } }),
    ]);
    expect(b1!.idempotency.duplicateOf).toBeNull();
    expect(b2!.idempotency).toEqual({ duplicateOf: b1!.id, deliveryCount: 2, deliveryId: 'evt_3' });
    expect(elsewhere.idempotency).toEqual({
      duplicateOf: null,
      deliveryCount: 1,
      deliveryId: 'evt_1',
    });
    expect(first.idempotency).toEqual({ duplicateOf: null, deliveryCount: 1, deliveryId: 'evt_1' });
    expect(second!.idempotency).toEqual({
      duplicateOf: first.id,
      deliveryCount: 2,
      deliveryId: 'evt_1',
    });
    expect(third!.idempotency).toEqual({
      duplicateOf: first.id,
      deliveryCount: 3,
      deliveryId: 'evt_1',
    });
    expect(other.idempotency.duplicateOf).toBeNull();
    // The first delivery now carries the running total, pushed as an update.
    expect((await s.get(first.id))!.idempotency).toMatchObject({ key: 'evt_1', deliveryCount: 3 });
    expect(changes.filter((c) => c.id === first.id).map((c) => c.deliveryCount)).toEqual([1, 3]);
  });

  it('keeps classifying duplicates sensibly after retention removed the first delivery', async () => {
    const { s } = store();
    const add = (key: string) => appendTo(s, newEvent({ idempotency: { key, source: 'x' } }));
    const first = await add('evt_r');
    const second = await add('evt_r');
    expect(await s.deleteOldest({ keep: 1, limit: 10 })).toEqual([first.id]);
    const third = await add('evt_r');
    // The earliest delivery still stored stands in for the first one.
    expect(third.idempotency.duplicateOf).toBe(second.id);
    expect(third.idempotency.deliveryCount).toBeGreaterThanOrEqual(2);
    expect((await s.get(third.id))!.idempotency.duplicateOf).toBe(second.id);
  });

  it('finds events by words in path, headers and body, including ones not yet indexed', async () => {
    const { s } = store();
    await appendTo(
      s,
      newEvent({ path: '/openai/hooks', body: Buffer.from('{"type":"batch.completed"}') }),
    );
    await appendTo(s, newEvent({ headers: [['X-GitHub-Event', 'pull_request']] }));
    await appendTo(s, newEvent({ body: Buffer.from('{"type":"response.failed"}') }));
    expect((await s.list({ limit: 10, query: 'batch.completed' })).items).toHaveLength(1);
    expect((await s.list({ limit: 10, query: 'openai' })).items).toHaveLength(1);
    expect((await s.list({ limit: 10, query: 'pull_request' })).items).toHaveLength(1);
    expect((await s.list({ limit: 10, query: 'respon' })).items).toHaveLength(0); // whole words only
    expect((await s.list({ limit: 10, query: 'respon*' })).items).toHaveLength(1); // prefix when asked
    expect((await s.list({ limit: 10, query: 'nothing-like-this' })).items).toHaveLength(0);
    // FTS operators and quotes in user text are literal, never a syntax error.
    expect((await s.list({ limit: 10, query: '"unbalanced AND ( NEAR' })).items).toHaveLength(0);
    expect((await s.list({ limit: 10, query: '***' })).items).toHaveLength(3);
  });

  it('finds rows the index has not reached yet by the same rules, with _ joining a phrase', async () => {
    const { s } = store(undefined, 0); // no time to index: everything is in the tail
    await appendTo(
      s,
      newEvent({ path: '/openai/hooks', body: Buffer.from('{"type":"batch.completed"}') }),
    );
    await appendTo(s, newEvent({ headers: [['X-GitHub-Event', 'pull_request']] }));
    await appendTo(s, newEvent({ body: Buffer.from('{"id":"evt_abc"}') }));
    expect((await s.list({ limit: 10, query: 'batch completed' })).items).toHaveLength(1);
    expect((await s.list({ limit: 10, query: 'PULL_REQUEST' })).items).toHaveLength(1);
    expect((await s.list({ limit: 10, query: 'evt_abc' })).items).toHaveLength(1);
    await appendTo(s, newEvent({ body: Buffer.from('{"id":"evtXdef"}') }));
    expect((await s.list({ limit: 10, query: 'evt_def' })).items).toHaveLength(0); // _ is no wildcard
    expect((await s.list({ limit: 10, query: 'openai', beforeSeq: 1 })).items).toHaveLength(0);
  });

  it('deletes by id and all, also from the search index', async () => {
    const { s } = store();
    const a = await appendTo(s, newEvent({ body: Buffer.from('alpha') }));
    await appendTo(s, newEvent({ body: Buffer.from('beta') }));
    expect((await s.list({ limit: 10, query: 'alpha' })).items).toHaveLength(1);
    expect(await s.deleteIds([a.id, 'missing'])).toEqual([a.id]);
    expect(await s.get(a.id)).toBeUndefined();
    expect((await s.list({ limit: 10, query: 'alpha' })).items).toHaveLength(0);
    expect(await s.count()).toBe(1);
    expect(await s.deleteAll()).toBe(1);
    expect((await s.list({ limit: 10 })).items).toHaveLength(0);
    expect((await s.list({ limit: 10, query: 'beta' })).items).toHaveLength(0);
  });

  it('reports changes after a rev in order, and never reuses revs after a restart', async () => {
    const { s, db, dir } = store();
    for (let i = 0; i < 4; i++) await appendTo(s, newEvent());
    expect((await s.changesSince(2, 10)).map((e) => e.rev)).toEqual([3, 4]);
    await s.deleteAll();
    db.close();
    const again = store(dir);
    const next = await appendTo(again.s, newEvent());
    expect(next.seq).toBe(5);
  });

  it('deletes the oldest first for retention, by age and by count', async () => {
    const { s } = store();
    const now = Date.now();
    await appendTo(s, newEvent({ receivedAt: now - 10_000 }));
    await appendTo(s, newEvent({ receivedAt: now - 5_000 }));
    for (let i = 0; i < 3; i++) await appendTo(s, newEvent({ receivedAt: now }));
    expect(await s.deleteOldest({ olderThanMs: now - 1_000, limit: 100 })).toHaveLength(2);
    expect(await s.deleteOldest({ keep: 1, limit: 100 })).toHaveLength(2);
    expect((await s.list({ limit: 10 })).items.map((e) => e.seq)).toEqual([5]);
  });
});

describe('idle indexer', () => {
  it('does nothing (and throws nothing) when its timer fires after the log was closed', async () => {
    const { s, db } = store();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      await appendTo(s, newEvent()); // schedules the indexer for when the log is quiet
      db.close();
      expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Checkpointer', () => {
  it('reports a worker that cannot load better-sqlite3 as a failed checkpoint, not a crash', async () => {
    const { Checkpointer } = await import('../../src/core/store/checkpointer');
    const { dir, cleanup } = tempDir();
    const c = new Checkpointer(`${dir}/hookscope.db`, '/nonexistent/better_sqlite3.node');
    await expect(c.checkpoint('PASSIVE')).rejects.toBeInstanceOf(Error);
    await expect(c.checkpoint('PASSIVE')).rejects.toBeInstanceOf(Error);
    await c.close();
    cleanup();
  });
});

describe('EventStore under another writer', () => {
  it('holds the write lock from the start of a commit: a write from elsewhere between its read and its insert cannot make it fail', async () => {
    const { s, dir } = store();
    const other = new Database(join(dir, 'hookscope.db'));
    other.pragma('busy_timeout = 0');
    const outcomes: string[] = [];
    const stored = await s.append(newEvent({ idempotency: { key: 'k1', source: 'x' } }), () => {
      // Between the classification's read and the insert: another connection tries to write.
      try {
        other.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', '1')").run();
        outcomes.push('other wrote');
      } catch (err) {
        outcomes.push((err as { code?: string }).code ?? 'error');
      }
      return { responseStatus: 200, forwardStatus: 'none', forwardTarget: null };
    });
    other.close();
    expect(stored.id).toBeDefined();
    expect(outcomes).toEqual(['SQLITE_BUSY']);
  });
});
