import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { EMPTY_FILTER, matchesFilter, toListInput, type Filter } from '../../src/shared/filters';
import { ForwardStatus, SignatureStatus, type EventSummary } from '../../src/shared/model';
import { tempDir } from '../helpers/engine';
import { appendTo, type TestEvent } from '../helpers/append';
import { delivery } from '../helpers/events';

// Each filter is described once for the UI (shared/filters.ts: URL, input, live match) and once
// as SQL (core/store/event-filters.ts). Whatever the filter, the store's page and the client's
// match over the same events must be the same events: otherwise a live delivery would appear in
// (or vanish from) a filtered list until the next reload.

const METHODS = ['POST', 'PUT', 'GET', 'DELETE'];
const ENDPOINTS = ['default', 'ep-a', 'ep-b'];
const JOBS = [null, 'batch_1', 'batch_2'];
const TYPES = [null, 'invoice.paid', 'batch.completed', 'push'];

const stored = fc.record({
  method: fc.constantFrom(...METHODS),
  endpointId: fc.constantFrom(...ENDPOINTS),
  sig: fc.constantFrom(...SignatureStatus.options),
  duplicate: fc.boolean(),
  rejected: fc.option(fc.constantFrom('body larger than 1 MB', 'rate limited'), { nil: undefined }),
  forward: fc.constantFrom(...ForwardStatus.options),
  jobId: fc.constantFrom(...JOBS),
  eventType: fc.constantFrom(...TYPES),
});

const filter: fc.Arbitrary<Filter> = fc.record({
  query: fc.constant(''),
  // Any case: the store and the client must both read it as the method it names.
  method: fc.constantFrom('', ...METHODS, 'post', 'Put', 'PATCH'),
  endpointId: fc.constantFrom('', ...ENDPOINTS, 'gone'),
  signature: fc.uniqueArray(fc.constantFrom(...SignatureStatus.options), { maxLength: 3 }),
  duplicatesOnly: fc.boolean(),
  refusedOnly: fc.boolean(),
  failedForwardsOnly: fc.boolean(),
  jobId: fc.constantFrom('', 'batch_1', 'batch_2', 'batch_9'),
  eventType: fc.constantFrom('', 'invoice.paid', 'push', 'nothing'),
});

let db: Db;
let store: EventStore;
let cleanup: () => void;
let all: EventSummary[];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  db = openDb({ dataDir: t.dir });
  store = new EventStore(db);
  const rows = fc.sample(stored, { numRuns: 400, seed: 20261203 });
  const first = new Map<string, string>();
  for (const [i, r] of rows.entries()) {
    const id = `evt-${i}`;
    const key = `${r.endpointId}:${r.eventType ?? ''}`;
    const duplicateOf = r.duplicate ? (first.get(key) ?? null) : null;
    if (!first.has(key)) first.set(key, id);
    const e: TestEvent = delivery({
      id,
      receivedAt: 1_700_000_000_000 + i,
      endpointId: r.endpointId,
      method: r.method,
      path: `/p/${i}`,
      headers: [],
      body: Buffer.from('{}'),
      eventType: r.eventType,
      jobId: r.jobId,
      signature: { status: r.sig, provider: null, reason: '' },
      idempotency: { key: duplicateOf ? key : null, source: null },
      responseStatus: r.rejected ? 413 : 200,
      // Stored as the receiver stores them; later states are what the forwarder sets.
      forwardStatus: 'none',
      forwardTarget: null,
      ...(r.rejected ? { rejected: r.rejected } : {}),
    });
    await appendTo(store, e);
    if (r.forward !== 'none') await store.setForwardStatus(id, r.forward);
  }
  all = (await store.list({ limit: 10_000 })).items;
});

afterAll(() => {
  void store.close();
  db.close();
  cleanup();
});

describe('filters: the store and the live match agree', () => {
  it('the stored events cover every value each filter looks at', () => {
    expect(all).toHaveLength(400);
    expect(new Set(all.map((e) => e.signature.status)).size).toBe(SignatureStatus.options.length);
    expect(new Set(all.map((e) => e.forward.status)).size).toBe(ForwardStatus.options.length);
    expect(all.some((e) => e.idempotency.duplicateOf !== null)).toBe(true);
    expect(all.some((e) => e.rejected !== undefined)).toBe(true);
  });

  it('for any filter, the page from the store is exactly the events the client would match', async () => {
    await fc.assert(
      fc.asyncProperty(filter, async (f) => {
        const fromStore = (await store.list({ ...toListInput(f), limit: 10_000 })).items.map(
          (e) => e.id,
        );
        const fromClient = all.filter((e) => matchesFilter(f, e) === true).map((e) => e.id);
        expect(fromStore).toEqual(fromClient);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('the empty filter matches everything on both sides', async () => {
    expect((await store.list({ ...toListInput(EMPTY_FILTER), limit: 10_000 })).items).toHaveLength(
      400,
    );
    expect(all.every((e) => matchesFilter(EMPTY_FILTER, e) === true)).toBe(true);
  });
});
