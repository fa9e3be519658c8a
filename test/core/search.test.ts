import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore, type EventStoreSearchOptions } from '../../src/core/store/event-store';

import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startEngine, tempDir } from '../helpers/engine';
import { appendTo, type TestEvent } from '../helpers/append';
import { delivery } from '../helpers/events';
import { rawRequest } from '../helpers/http';
import { SEARCH_CASES, SEARCH_DELIVERIES, type SearchDelivery } from './search-cases';

function newEvent(d: SearchDelivery, receivedAt: number): TestEvent {
  const headers = d.headers ?? [
    ['Host', '127.0.0.1:7700'],
    ['Content-Type', 'application/json'],
  ];
  return delivery({
    id: d.id,
    receivedAt,
    method: d.method ?? 'POST',
    path: d.path ?? '/',
    query: d.query ?? '',
    headers,
    body: d.body,
    contentType: headers.find(([n]) => n === 'Content-Type')?.[1] ?? null,
  });
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function openStore(
  budgetMs: number,
  opts: EventStoreSearchOptions = {},
): { s: EventStore; db: Db; reopen: (budgetMs: number) => EventStore } {
  const { dir, cleanup } = tempDir();
  const db = openDb({ dataDir: dir });
  const stores: EventStore[] = [];
  const make = (ms: number): EventStore => {
    const s = new EventStore(db, ms, null, opts);
    stores.push(s);
    return s;
  };
  cleanups.push(() => {
    for (const s of stores) void s.close();
    db.close();
    cleanup();
  });
  return { s: make(budgetMs), db, reopen: make };
}

/** Appends in one commit and stops the idle indexer at once: what is not indexed stays so. */
async function add(s: EventStore, deliveries: SearchDelivery[]): Promise<void> {
  const t = Date.now();
  await Promise.all(deliveries.map((d, i) => appendTo(s, newEvent(d, t + i))));
  void s.close();
}

const indexedUpTo = (db: Db): number =>
  Number(
    (
      db.prepare("SELECT value FROM meta WHERE key = 'fts_seq'").get() as
        { value: string } | undefined
    )?.value ?? 0,
  );

const found = async (s: EventStore, query: string): Promise<string[]> =>
  (await s.list({ limit: 100, query })).items.map((e) => e.id).sort();

/** The same table, with every delivery indexed, none indexed (the tail), and half of each. */
const MODES: Record<string, () => Promise<{ s: EventStore; db: Db; indexed: number }>> = {
  indexed: async () => {
    const { s, db } = openStore(60_000);
    await add(s, SEARCH_DELIVERIES);
    await s.list({ limit: 1, query: 'anything' }); // catches up: everything goes into the index
    return { s, db, indexed: SEARCH_DELIVERIES.length };
  },
  tail: async () => {
    const { s, db } = openStore(0);
    await add(s, SEARCH_DELIVERIES);
    return { s, db, indexed: 0 };
  },
  mixed: async () => {
    const { s, db, reopen } = openStore(60_000);
    const half = Math.ceil(SEARCH_DELIVERIES.length / 2);
    await add(
      s,
      SEARCH_DELIVERIES.filter((_, i) => i % 2 === 0),
    );
    await s.list({ limit: 1, query: 'anything' });
    const rest = reopen(0);
    await add(
      rest,
      SEARCH_DELIVERIES.filter((_, i) => i % 2 === 1),
    );
    return { s: rest, db, indexed: half };
  },
};

describe.each(Object.keys(MODES))('search, %s', (mode) => {
  it('finds exactly the expected deliveries for every query in the table', async () => {
    const { s, db, indexed } = await MODES[mode]!();
    expect(indexedUpTo(db)).toBe(indexed);
    const results = [];
    for (const c of SEARCH_CASES)
      results.push({ query: c.query, why: c.why, ids: await found(s, c.query) });
    expect(results).toEqual(
      SEARCH_CASES.map((c) => ({ query: c.query, why: c.why, ids: [...c.expected].sort() })),
    );
    expect(indexedUpTo(db)).toBe(indexed); // the premise held through the searches
  });

  it('counts every match of every query exactly (withTotal)', async () => {
    const { s } = await MODES[mode]!();
    const totals = [];
    for (const c of SEARCH_CASES) {
      const r = await s.list({ limit: 100, query: c.query, withTotal: true });
      totals.push({ query: c.query, total: r.total, atLeast: r.totalAtLeast ?? false });
    }
    expect(totals).toEqual(
      SEARCH_CASES.map((c) => ({ query: c.query, total: c.expected.length, atLeast: false })),
    );
  });
});

describe.each(Object.keys(MODES))('search oldest first, %s', (mode) => {
  it('pages every query oldest first with afterSeq: the same deliveries, in the other order', async () => {
    const { s, db, indexed } = await MODES[mode]!();
    for (const c of SEARCH_CASES) {
      const newest = (await s.list({ limit: 100, query: c.query })).items.map((e) => e.id);
      const seen: string[] = [];
      let after: number | undefined;
      for (let n = 0; n < 100; n++) {
        const page = await s.list({ limit: 2, query: c.query, order: 'oldest', afterSeq: after });
        seen.push(...page.items.map((e) => e.id));
        if (!page.hasMore) break;
        after = page.items[page.items.length - 1]!.seq;
      }
      expect({ query: c.query, ids: seen }).toEqual({ query: c.query, ids: newest.reverse() });
      const all = await s.list({ limit: 100, query: c.query, order: 'oldest', withTotal: true });
      expect({ query: c.query, total: all.total, atLeast: all.totalAtLeast ?? false }).toEqual({
        query: c.query,
        total: c.expected.length,
        atLeast: false,
      });
    }
    expect(indexedUpTo(db)).toBe(indexed);
  });
});

describe('list totals (withTotal)', () => {
  it('counts the whole filter, paging aside, and follows deletes', async () => {
    const { s } = openStore(60_000);
    const t = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendTo(
          s,
          newEvent(
            { id: `t${i}`, method: i % 3 === 0 ? 'PUT' : 'POST', body: Buffer.from(`{"n":${i}}`) },
            t + i,
          ),
        ),
      ),
    );
    s.flush();
    const all = await s.list({ limit: 5, withTotal: true });
    expect(all).toMatchObject({ hasMore: true, total: 30 });
    expect(all.totalAtLeast).toBeUndefined();
    const puts = await s.list({ limit: 2, method: 'PUT', withTotal: true });
    expect(puts.total).toBe(10);
    const older = await s.list({
      limit: 2,
      method: 'PUT',
      beforeSeq: puts.items[1]!.seq,
      withTotal: true,
    });
    expect(older.total).toBe(10);
    expect((await s.list({ limit: 1 })).total).toBeUndefined(); // only when asked
    await s.deleteIds(['t0', 't1']);
    expect((await s.list({ limit: 1, withTotal: true })).total).toBe(28);
    expect((await s.list({ limit: 1, method: 'PUT', withTotal: true })).total).toBe(9);
    expect(await s.count()).toBe(28);
  });
});

describe('search over rows not indexed yet, with a bounded budget', () => {
  const rows: SearchDelivery[] = [1, 2, 3, 4, 5, 6].map((n) => ({
    id: `d${n}`,
    path: `/p${n}`,
    body: Buffer.from(n === 1 || n === 6 ? `{"note":"needle ${n}"}` : `{"note":"hay ${n}"}`),
  }));

  it('stops when the budget is spent: a correct first page, then a clear "still indexing"', async () => {
    // About two rows of text per search (path, two headers, a short body each).
    const { s, reopen } = openStore(0, { tailText: 120 });
    await add(s, rows);
    const first = await s.list({ limit: 10, query: 'needle' });
    expect(first.items.map((e) => e.id)).toEqual(['d6']);
    expect(first.hasMore).toBe(true); // the rest was not looked at yet
    await expect(
      s.list({ limit: 10, query: 'needle', beforeSeq: first.items[0]!.seq }),
    ).rejects.toThrow(/search is still indexing 6 recent deliveries .*try again shortly/);
    // Once indexed (a search with time to catch up), the whole answer is there.
    const caughtUp = reopen(60_000);
    expect(await caughtUp.list({ limit: 10, query: 'needle' })).toMatchObject({
      items: [{ id: 'd6' }, { id: 'd1' }],
      hasMore: false,
    });
  });

  it('oldest first, out of budget: the oldest matches found, then a clear "still indexing"', async () => {
    const { s } = openStore(0, { tailText: 120 });
    await add(s, rows);
    const first = await s.list({ limit: 10, query: 'needle', order: 'oldest' });
    expect(first.items.map((e) => e.id)).toEqual(['d1']);
    expect(first.hasMore).toBe(true);
    await expect(
      s.list({ limit: 10, query: 'needle', order: 'oldest', afterSeq: first.items[0]!.seq }),
    ).rejects.toThrow(/search is still indexing 6 recent deliveries/);
  });

  it('within the budget, the tail and the index together page newest first', async () => {
    const { s } = openStore(0);
    await add(s, rows);
    const p1 = await s.list({ limit: 1, query: 'needle' });
    expect(p1).toMatchObject({ items: [{ id: 'd6' }], hasMore: true });
    const p2 = await s.list({ limit: 1, query: 'needle', beforeSeq: p1.items[0]!.seq });
    expect(p2).toMatchObject({ items: [{ id: 'd1' }], hasMore: false });
  });
});

describe('migration 8', () => {
  it('empties an index built by the old rules; it is rebuilt in idle chunks, searchable meanwhile', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = openDb({ dataDir: dir });
    const old = new EventStore(db, 60_000);
    await add(old, SEARCH_DELIVERIES.slice(0, 4));
    // Turn the log back into one of version 7: the old index, fully "indexed" by its cursor.
    db.exec(`DROP TABLE events_fts;
      CREATE VIRTUAL TABLE events_fts USING fts5 (
        path, headers, body, content='', contentless_delete=1, tokenize='unicode61');
      INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_seq', '4');
      DELETE FROM migrations WHERE version = 8;`);
    db.close();

    db = openDb({ dataDir: dir });
    const s = new EventStore(db, 0);
    cleanups.unshift(() => {
      void s.close();
      db.close();
    });
    const sql = (
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").get() as {
        sql: string;
      }
    ).sql;
    expect(sql).toContain('remove_diacritics 2');
    expect(db.prepare("SELECT value FROM meta WHERE key = 'fts_seq'").get()).toBeUndefined();
    // Not indexed yet (the idle indexer waits for a quiet moment), and found all the same.
    expect(await found(s, 'evt_bulk_5')).toEqual(['bulk_5']);
    expect(await found(s, 'bulk')).toEqual(['bulk_5', 'bulk_50', 'bulk_59']);
    // The idle indexer was started by the open itself: it gets through without any write.
    await vi.waitFor(() => expect(indexedUpTo(db)).toBe(4), { timeout: 10_000 });
    expect(await found(s, 'bulkmark-12')).toEqual(['mark_12']);
  });
});

describe('what the event detail says search covers', () => {
  it('all of a text body, the first MB of a larger one (decoded size for gzip), none of binary', async () => {
    const { s } = openStore(0);
    const bigGzip: SearchDelivery = {
      id: 'big_gzip',
      headers: [['Content-Encoding', 'gzip']],
      // 1.2 MB decoded, within 64× its stored size (the display's cap, which search shares).
      body: gzipSync(
        Buffer.from(
          Array.from({ length: 200_000 }, (_, i) => `w${(i * 7919) % 100_003} `).join(''),
        ),
      ),
    };
    await add(s, [...SEARCH_DELIVERIES, bigGzip]);
    const coverage = async (id: string) => [id, (await s.get(id))!.bodySearch];
    expect(
      await Promise.all(['stripe', 'gzip', 'big', 'big_gzip', 'binary'].map(coverage)),
    ).toEqual([
      ['stripe', 'all'],
      ['gzip', 'all'],
      ['big', 'first'],
      ['big_gzip', 'first'],
      ['binary', 'none'],
    ]);
  });
});

describe('any text typed into search', () => {
  it('gives an answer, never an error, indexed or not', async () => {
    const indexed = openStore(60_000);
    const tail = openStore(0);
    await add(indexed.s, SEARCH_DELIVERIES.slice(0, 6));
    await add(tail.s, SEARCH_DELIVERIES.slice(0, 6));
    const nasty = fc.constantFrom(
      '\u0000',
      '"',
      '""',
      '*',
      ':',
      '{path}',
      '^',
      '-',
      '+',
      '(',
      ')',
      'NEAR',
      'body:',
      'path:"',
      '\ud800',
      'é',
      ' ',
      'evt',
    );
    const query = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(nasty, { maxLength: 12 }).map((a) => a.join('')),
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const a = (await indexed.s.list({ limit: 20, query: q })).items.map((e) => e.id);
        const b = (await tail.s.list({ limit: 20, query: q })).items.map((e) => e.id);
        expect(b).toEqual(a); // and the tail agrees with the index
      }),
      { numRuns: 300 },
    );
  });
});

describe('what an answer masks, search cannot find', () => {
  const TOKEN = 'gl-token-7f3a9c1e5b2d8f40';
  const QUERY_SECRET = 'qs_4b1e_secretword';

  it('an endpoint secret in a header or (percent-encoded) in the query: not found whole or by prefix; the other words are', async () => {
    const t = await startEngine();
    cleanups.push(() => void t.stop());
    await t.client.saveEndpoint({
      name: 'GitLab',
      path: '/gitlab',
      provider: 'gitlab',
      secrets: [TOKEN, QUERY_SECRET],
    });
    const encoded = [...Buffer.from(QUERY_SECRET)]
      .map((b) => `%${b.toString(16).toUpperCase()}`)
      .join('');
    await rawRequest(t.receiverUrl, {
      path: `/gitlab/push?team=alpha&token=${encoded}`,
      headers: [
        ['X-Gitlab-Token', TOKEN],
        ['X-Note', 'hello lighthouse'],
      ],
      body: '{"object_kind":"push"}',
    });
    const search = async (query: string): Promise<number> =>
      (await t.client.listEvents({ query })).items.length;
    for (const q of [
      TOKEN,
      '7f3a9c1e5b2d8f40',
      '7f3a*',
      'header:7f3a*',
      `"${TOKEN}"`,
      QUERY_SECRET,
      'secretword',
      '4b1e*',
      'path:secretw*',
    ]) {
      expect({ q, n: await search(q) }).toEqual({ q, n: 0 });
    }
    for (const q of [
      'alpha',
      'team',
      'path:alpha',
      'lighthouse',
      'gitlab',
      'header:hello',
      'push',
    ]) {
      expect({ q, n: await search(q) }).toEqual({ q, n: 1 });
    }
  });

  it('a secret saved after deliveries came in: the index is rebuilt, and the token is no longer found', async () => {
    const t = await startEngine();
    cleanups.push(() => void t.stop());
    const ep = await t.client.saveEndpoint({ name: 'Later', path: '/later', provider: 'gitlab' });
    for (let i = 0; i < 3; i++) {
      await rawRequest(t.receiverUrl, {
        path: '/later',
        headers: [
          ['X-Gitlab-Token', TOKEN],
          ['X-Note', `delivery ${i} lighthouse`],
        ],
        body: '{}',
      });
    }
    const search = async (query: string): Promise<number> =>
      (await t.client.listEvents({ query })).items.length;
    // No secret yet: nothing is masked, so the token is found (and indexed as sent).
    expect(await search('7f3a*')).toBe(3);
    await t.client.saveEndpoint({
      id: ep.id,
      rev: ep.rev,
      name: 'Later',
      path: '/later',
      provider: 'gitlab',
      secrets: [TOKEN],
    });
    expect(await search('7f3a*')).toBe(0);
    expect(await search(TOKEN)).toBe(0);
    expect(await search('lighthouse')).toBe(3);
    // Once the rebuilt index has caught up, the same answers from the index itself.
    await vi.waitFor(
      () =>
        expect((t.engine.events as unknown as { search: { pending: number } }).search.pending).toBe(
          0,
        ),
      { timeout: 10_000 },
    );
    expect(await search('7f3a*')).toBe(0);
    expect(await search('header:lighthouse')).toBe(3);
  });
});

describe('the total of a search', () => {
  it('is counted up to a cap, then said to be at least that (a common word in a big log)', async () => {
    const { s } = openStore(60_000, { countCap: 5 });
    const rows: SearchDelivery[] = Array.from({ length: 8 }, (_, n) => ({
      id: `c${n}`,
      body: Buffer.from(n < 7 ? `{"note":"common ${n}"}` : `{"note":"rare ${n}"}`),
    }));
    await add(s, rows);
    expect(await s.list({ limit: 2, query: 'common', withTotal: true })).toMatchObject({
      total: 5,
      totalAtLeast: true,
    });
    const rare = await s.list({ limit: 2, query: 'rare', withTotal: true });
    expect(rare.total).toBe(1);
    expect(rare.totalAtLeast).toBeUndefined();
    // The rows are not capped: paging still reaches every match.
    expect((await s.list({ limit: 100, query: 'common' })).items).toHaveLength(7);
  });
});
