/**
 * The conformance suite every EventLog backend must pass (docs/ARCHITECTURE.md §7):
 * `describeEventLog(name, factory)`. Backend-neutral: it speaks only the port
 * (src/core/store/ports.ts). SQLite runs it in sqlite-conformance.test.ts; a PostgreSQL log
 * will run the same cases against a real server.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog } from '../../../src/core/store/ports';
import type { Disposition } from '../../../src/core/types';
import { EMPTY_FILTER, matchesFilter, toListInput, type Filter } from '../../../src/shared/filters';
import { ForwardStatus, SignatureStatus } from '../../../src/shared/model';
import { SEARCH_CASES, SEARCH_DELIVERIES } from '../search-cases';
import { delivery } from '../../helpers/events';

/** One open log; `reopen` closes it and opens the same storage again (a restart). */
export interface OpenLog {
  log: EventLog;
  reopen(): Promise<OpenLog>;
  close(): Promise<void>;
}

export type LogFactory = () => Promise<OpenLog>;

export const NOT_FORWARDED: Disposition = {
  responseStatus: 200,
  forwardStatus: 'none',
  forwardTarget: null,
};
export const QUEUED: Disposition = {
  responseStatus: 200,
  forwardStatus: 'pending',
  forwardTarget: 'http://127.0.0.1:9/hooks',
};

export function describeEventLog(name: string, factory: LogFactory): void {
  describe(`EventLog conformance: ${name}`, () => {
    const open: OpenLog[] = [];
    const fresh = async (): Promise<OpenLog> => {
      const o = await factory();
      open.push(o);
      return o;
    };
    afterEach(async () => {
      for (const o of open.splice(0)) await o.close().catch(() => undefined);
    });

    it('keeps bodies byte for byte: binary, empty, invalid UTF-8, large', async () => {
      const { log } = await fresh();
      const bodies = [
        Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x0a, 0x00]),
        Buffer.alloc(0),
        Buffer.from([0xc3, 0x28, 0x41]),
        Buffer.alloc(3 * 1024 * 1024 + 7, 0xab),
      ];
      const stored = await Promise.all(
        bodies.map((body) => log.append(delivery({ body }), NOT_FORWARDED)),
      );
      for (const [i, s] of stored.entries()) {
        const src = await log.source(s.id);
        expect(src!.body.equals(bodies[i]!)).toBe(true);
        const detail = await log.get(s.id);
        expect(Buffer.from(detail!.body.base64, 'base64').equals(bodies[i]!)).toBe(true);
        expect(s.size).toBe(bodies[i]!.length);
      }
      const big = stored[3]!;
      const part = await log.bodyPart(big.id, 1024 * 1024, 10);
      expect(part).toMatchObject({ size: bodies[3]!.length, offset: 1024 * 1024, length: 10 });
      expect(
        Buffer.from(part!.base64!, 'base64').equals(
          bodies[3]!.subarray(1024 * 1024, 1024 * 1024 + 10),
        ),
      ).toBe(true);
    });

    it('lists newest first and pages both ways with an exact total', async () => {
      const { log } = await fresh();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await log.append(delivery(), NOT_FORWARDED)).id);
      const p1 = await log.list({ limit: 3, withTotal: true });
      expect(p1.items.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);
      expect(p1).toMatchObject({ hasMore: true, total: 7 });
      const p2 = await log.list({ limit: 3, beforeSeq: p1.items[2]!.seq });
      expect(p2.items.map((e) => e.id)).toEqual([ids[3], ids[2], ids[1]]);
      const last = await log.list({ limit: 3, beforeSeq: p2.items[2]!.seq });
      expect(last).toMatchObject({ hasMore: false });
      expect(last.items.map((e) => e.id)).toEqual([ids[0]]);
      const newer = await log.list({ limit: 10, afterSeq: p1.items[1]!.seq });
      expect(newer.items.map((e) => e.id)).toEqual([ids[6]]);
      expect(await log.count()).toBe(7);
    });

    it('lists oldest first and pages newer with afterSeq, with the same total', async () => {
      const { log } = await fresh();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await log.append(delivery(), NOT_FORWARDED)).id);
      const p1 = await log.list({ limit: 3, order: 'oldest', withTotal: true });
      expect(p1.items.map((e) => e.id)).toEqual([ids[0], ids[1], ids[2]]);
      expect(p1).toMatchObject({ hasMore: true, total: 7 });
      const p2 = await log.list({ limit: 3, order: 'oldest', afterSeq: p1.items[2]!.seq });
      expect(p2.items.map((e) => e.id)).toEqual([ids[3], ids[4], ids[5]]);
      expect(p2.hasMore).toBe(true);
      const last = await log.list({ limit: 3, order: 'oldest', afterSeq: p2.items[2]!.seq });
      expect(last).toMatchObject({ hasMore: false });
      expect(last.items.map((e) => e.id)).toEqual([ids[6]]);
      // Both bounds, either order: the events between them.
      const between = { afterSeq: p1.items[0]!.seq, beforeSeq: last.items[0]!.seq, limit: 10 };
      expect((await log.list({ ...between, order: 'oldest' })).items.map((e) => e.id)).toEqual(
        ids.slice(1, 6),
      );
      expect((await log.list(between)).items.map((e) => e.id)).toEqual(ids.slice(1, 6).reverse());
      // Newest first stays the default, and says so when asked.
      const newest = await log.list({ limit: 2, order: 'newest' });
      expect(newest.items.map((e) => e.id)).toEqual([ids[6], ids[5]]);
    });

    it('pages a search through a word in many rows and a rare one, both orders, with a filter', async () => {
      const { log } = await fresh();
      // More rows than a backend may look through in order before asking its index.
      const made = await Promise.all(
        Array.from({ length: 1300 }, (_, i) => {
          const words = [
            i % 3 === 0 ? 'commonword' : 'other',
            i === 5 || i === 1250 ? 'rareword' : '',
          ];
          return log.append(
            delivery({
              body: Buffer.from(JSON.stringify({ i, note: words.join(' ') })),
              endpointId: i % 2 === 0 ? 'even' : 'default',
            }),
            NOT_FORWARDED,
          );
        }),
      );
      const bySeq = [...made].sort((a, b) => a.seq - b.seq);
      const idsWhere = (pred: (i: number) => boolean): string[] =>
        bySeq.filter((e) => pred(made.indexOf(e))).map((e) => e.id);
      const walk = async (query: string, order: 'newest' | 'oldest', endpointId?: string) => {
        const seen: string[] = [];
        let cursor: number | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await log.list({
            limit: 50,
            query,
            order,
            ...(endpointId ? { endpointId } : {}),
            ...(cursor === undefined
              ? {}
              : order === 'oldest'
                ? { afterSeq: cursor }
                : { beforeSeq: cursor }),
          });
          seen.push(...page.items.map((e) => e.id));
          if (!page.hasMore) return seen;
          cursor = page.items[page.items.length - 1]!.seq;
        }
        throw new Error('too many pages');
      };
      const common = idsWhere((i) => i % 3 === 0);
      expect(await walk('commonword', 'newest')).toEqual([...common].reverse());
      expect(await walk('commonword', 'oldest')).toEqual(common);
      const commonEven = idsWhere((i) => i % 3 === 0 && i % 2 === 0);
      expect(await walk('commonword', 'newest', 'even')).toEqual([...commonEven].reverse());
      expect(await walk('rareword', 'newest')).toEqual(
        idsWhere((i) => i === 5 || i === 1250).reverse(),
      );
      expect(await walk('rareword', 'oldest', 'default')).toEqual(idsWhere((i) => i === 5));
      const first = await log.list({ limit: 50, query: 'commonword', withTotal: true });
      expect(first.total).toBe(common.length);
    });

    it('classifies duplicates atomically: many appends of one key at once, one first', async () => {
      const { log } = await fresh();
      const key = { key: 'evt_same', source: 'webhook-id' };
      const all = await Promise.all(
        Array.from({ length: 25 }, () => log.append(delivery({ idempotency: key }), NOT_FORWARDED)),
      );
      const firsts = all.filter((e) => e.idempotency.duplicateOf === null);
      expect(firsts).toHaveLength(1);
      const first = firsts[0]!;
      expect(
        all.filter((e) => e !== first).every((e) => e.idempotency.duplicateOf === first.id),
      ).toBe(true);
      expect(all.map((e) => e.idempotency.deliveryCount).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      expect((await log.summary(first.id))!.idempotency.deliveryCount).toBe(25);
      // Per endpoint: the same key elsewhere is a first delivery there.
      const elsewhere = await log.append(
        delivery({ idempotency: key, endpointId: 'other' }),
        NOT_FORWARDED,
      );
      expect(elsewhere.idempotency.duplicateOf).toBeNull();
    });

    it('never lets a delivery whose signature failed, nor an import, be the first of a live id', async () => {
      const { log } = await fresh();
      const key = { key: 'evt_guessed', source: 'webhook-id' };
      const bad = (status: 'invalid' | 'missing') => ({ status, provider: 'stripe', reason: '' });
      // A stranger guesses the id and sends it first, forged or unsigned; a file is imported.
      const forged = await log.append(
        delivery({ idempotency: key, signature: bad('invalid') }),
        NOT_FORWARDED,
      );
      const unsigned = await log.append(
        delivery({ idempotency: key, signature: bad('missing') }),
        NOT_FORWARDED,
      );
      const imported = await log.append(
        delivery({ idempotency: key, imported: true }),
        NOT_FORWARDED,
      );
      // Unsigned on an endpoint that has a secret (the pipeline marks it unverified).
      const unverified = await log.append(
        delivery({ idempotency: key, unverified: true }),
        NOT_FORWARDED,
      );
      expect(unverified.idempotency.duplicateOf).toBeNull();
      expect(forged.idempotency.duplicateOf).toBeNull();
      expect(unsigned.idempotency.duplicateOf).toBeNull();
      expect(imported.idempotency.duplicateOf).toBeNull();
      // They say so: not counted (the UI does not call them "first delivery").
      for (const e of [forged, unsigned, unverified]) {
        expect(e.idempotency.unverified).toBe(true);
        expect((await log.summary(e.id))?.idempotency.unverified).toBe(true);
        expect((await log.get(e.id))?.idempotency.unverified).toBe(true);
      }
      expect(imported.idempotency.unverified).toBeUndefined();
      // The sender's own delivery is the first of its id; its retry is its duplicate.
      const real = await log.append(delivery({ idempotency: key }), NOT_FORWARDED);
      expect(real.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });
      expect(real.idempotency.unverified).toBeUndefined();
      const retry = await log.append(delivery({ idempotency: key }), NOT_FORWARDED);
      expect(retry.idempotency).toMatchObject({ duplicateOf: real.id, deliveryCount: 2 });
      // A second import of the same id is a duplicate among imports only.
      const again = await log.append(delivery({ idempotency: key, imported: true }), NOT_FORWARDED);
      expect(again.idempotency.duplicateOf).toBe(imported.id);
    });

    it('lets the disposition depend on the classification, decided once inside the append', async () => {
      const { log } = await fresh();
      const key = { key: 'evt_disp', source: 'x' };
      const seen: (string | null)[] = [];
      const dispose = (c: { duplicateOf: string | null }): Disposition => {
        seen.push(c.duplicateOf);
        return { ...NOT_FORWARDED, responseStatus: c.duplicateOf === null ? 200 : 208 };
      };
      const a = await log.append(delivery({ idempotency: key }), dispose);
      const b = await log.append(delivery({ idempotency: key }), dispose);
      expect(seen).toEqual([null, a.id]);
      expect([a.response.status, b.response.status]).toEqual([200, 208]);
    });

    it('a reader following the cursor sees every change once, updates included, in rev order', async () => {
      const { log } = await fresh();
      const start = await log.currentRev();
      const a = await log.append(delivery(), QUEUED);
      const b = await log.append(delivery(), NOT_FORWARDED);
      await log.setForwardStatus(a.id, 'ok');
      const changes = await log.changesSince(start, 100);
      expect(changes.map((c) => c.id)).toEqual([b.id, a.id]);
      expect(changes.map((c) => c.rev)).toEqual(
        [...changes.map((c) => c.rev)].sort((x, y) => x - y),
      );
      expect(changes[1]!.forward.status).toBe('ok');
      expect(await log.currentRev()).toBe(changes[1]!.rev);
      expect(await log.changesSince(await log.currentRev(), 100)).toEqual([]);
      // Paged: the same changes, a page at a time.
      const first = await log.changesSince(start, 1);
      const rest = await log.changesSince(first[0]!.rev, 100);
      expect([...first, ...rest].map((c) => c.id)).toEqual([b.id, a.id]);
    });

    it('retention deletes the oldest, never one whose forward is still queued, and counts those', async () => {
      const { log } = await fresh();
      const queued = await log.append(delivery(), QUEUED);
      const old = [];
      for (let i = 0; i < 4; i++) old.push(await log.append(delivery(), NOT_FORWARDED));
      for (let i = 0; i < 3; i++) await log.append(delivery(), NOT_FORWARDED);
      const deleted = await log.deleteOldest({ keep: 3, limit: 100 });
      expect(deleted.sort()).toEqual(old.map((e) => e.id).sort());
      expect(await log.summary(queued.id)).toBeDefined();
      expect(await log.heldForForwarding({ keep: 3 })).toBe(1);
      expect(await log.count()).toBe(4);
      // Once forwarded, it goes like any other.
      await log.setForwardStatus(queued.id, 'ok');
    });

    it('retention in chunks keeps the newest N even when events are deleted by hand between chunks', async () => {
      const { log } = await fresh();
      const all = [];
      for (let i = 0; i < 10; i++) all.push(await log.append(delivery(), NOT_FORWARDED));
      expect(await log.deleteOldest({ keep: 3, limit: 2 })).toHaveLength(2);
      // The three newest go by hand: now 5 remain, so only 2 more are past "keep 3".
      await log.deleteIds(all.slice(7).map((e) => e.id));
      expect((await log.deleteOldest({ keep: 3, limit: 100 })).sort()).toEqual(
        all
          .slice(2, 4)
          .map((e) => e.id)
          .sort(),
      );
      expect(await log.count()).toBe(3);
      // New arrivals after a pass: the next pass trims to the limit again.
      for (let i = 0; i < 4; i++) await log.append(delivery(), NOT_FORWARDED);
      await log.deleteOldest({ keep: 3, limit: 100 });
      expect(await log.count()).toBe(3);
    });

    it('deletes by id and all, and a deleted event is gone from every read', async () => {
      const { log } = await fresh();
      const a = await log.append(delivery(), NOT_FORWARDED);
      const b = await log.append(delivery(), NOT_FORWARDED);
      expect(await log.deleteIds([a.id, 'nope'])).toEqual([a.id]);
      expect(await log.get(a.id)).toBeUndefined();
      expect(await log.source(a.id)).toBeNull();
      expect(await log.summary(a.id)).toBeUndefined();
      expect((await log.list({ limit: 10 })).items.map((e) => e.id)).toEqual([b.id]);
      expect(await log.deleteAll()).toBe(1);
      expect(await log.count()).toBe(0);
      // The cursor never goes back: a new event comes after everything handed out before.
      const c = await log.append(delivery(), NOT_FORWARDED);
      expect(c.rev).toBeGreaterThan(b.rev);
    });

    it('keeps every acked event and the cursor across a restart', async () => {
      const o = await fresh();
      const acked = await Promise.all(
        Array.from({ length: 20 }, () => o.log.append(delivery(), NOT_FORWARDED)),
      );
      const rev = await o.log.currentRev();
      const again = await o.reopen();
      open.push(again);
      expect(await again.log.count()).toBe(20);
      expect(await again.log.currentRev()).toBe(rev);
      for (const e of acked) expect((await again.log.summary(e.id))?.seq).toBe(e.seq);
      const next = await again.log.append(delivery(), NOT_FORWARDED);
      expect(next.seq).toBeGreaterThan(rev);
    });

    it('answers search as the search table says, for every query', async () => {
      const { log } = await fresh();
      const t = 1_700_100_000_000;
      await Promise.all(
        SEARCH_DELIVERIES.map((d, i) =>
          log.append(
            delivery({
              id: d.id,
              receivedAt: t + i,
              method: d.method ?? 'POST',
              path: d.path ?? '/hooks',
              query: d.query ?? '',
              headers: d.headers ?? [['Host', '127.0.0.1:7700']],
              body: d.body,
            }),
            NOT_FORWARDED,
          ),
        ),
      );
      const results = [];
      for (const c of SEARCH_CASES) {
        const ids = (await log.list({ limit: 100, query: c.query })).items.map((e) => e.id).sort();
        results.push({ query: c.query, ids });
      }
      expect(results).toEqual(
        SEARCH_CASES.map((c) => ({ query: c.query, ids: [...c.expected].sort() })),
      );
    });

    it('counts every filter pill exactly, as a full count of the list, through changes, deletes and a restart', async () => {
      const o = await fresh();
      let log = o.log;
      const rows = fc.sample(
        fc.record({
          endpointId: fc.constantFrom('default', 'ep-a', 'ep-b'),
          sig: fc.constantFrom(...SignatureStatus.options),
          key: fc.constantFrom(null, 'k1', 'k2', 'k3'),
          rejected: fc.option(fc.constant('rate limited'), { nil: undefined }),
          forward: fc.constantFrom(...ForwardStatus.options),
          later: fc.constantFrom(null, ...ForwardStatus.options),
          method: fc.constantFrom('POST', 'GET', 'PUT'),
          eventType: fc.constantFrom(null, 'invoice.paid', 'push'),
        }),
        { numRuns: 90, seed: 16 },
      );
      const ids: string[] = [];
      for (const r of rows) {
        const e = await log.append(
          delivery({
            endpointId: r.endpointId,
            method: r.method,
            eventType: r.eventType,
            signature: { status: r.sig, provider: null, reason: '' },
            idempotency: { key: r.key, source: r.key ? 'x' : null },
            ...(r.rejected ? { rejected: r.rejected } : {}),
          }),
          r.forward === 'pending' ? QUEUED : NOT_FORWARDED,
        );
        ids.push(e.id);
        if (r.forward !== 'none' && r.forward !== 'pending')
          await log.setForwardStatus(e.id, r.forward);
      }
      // A forward's status moves on after the fact, as the forwarder settles it.
      for (const [i, r] of rows.entries())
        if (r.later) await log.setForwardStatus(ids[i]!, r.later);
      const expectCountsAsScan = async (): Promise<void> => {
        // The oracle: every event read back and matched here, not the log's own counts.
        const all = (await log.list({ limit: 1000 })).items;
        const total = async (input: Parameters<EventLog['list']>[0]): Promise<number> => {
          const f: Filter = {
            ...EMPTY_FILTER,
            endpointId: input.endpointId ?? '',
            signature: (input.signatureStatus ?? []) as Filter['signature'],
            duplicatesOnly: input.duplicatesOnly ?? false,
            refusedOnly: input.refusedOnly ?? false,
            method: input.method ?? '',
            eventType: input.eventType ?? '',
          };
          const want = all.filter(
            (e) =>
              matchesFilter(f, e) !== false &&
              (!input.forwardStatus || input.forwardStatus.includes(e.forward.status)),
          ).length;
          // The list's own total and rows say the same.
          const page = await log.list({ ...input, limit: 1000, withTotal: true });
          expect([page.total, page.items.length], JSON.stringify(input)).toEqual([want, want]);
          return want;
        };
        for (const endpointId of [undefined, 'default', 'ep-a', 'ep-b']) {
          const c = await log.counts(endpointId);
          const scope = endpointId === undefined ? {} : { endpointId };
          expect(c.total).toBe(await total({ ...scope, limit: 1 }));
          for (const s of SignatureStatus.options) {
            expect(c.signature[s], s).toBe(
              await total({ ...scope, limit: 1, signatureStatus: [s] }),
            );
          }
          for (const s of ForwardStatus.options) {
            expect(c.forward[s], s).toBe(await total({ ...scope, limit: 1, forwardStatus: [s] }));
          }
          expect(c.duplicates).toBe(await total({ ...scope, limit: 1, duplicatesOnly: true }));
          expect(c.refused).toBe(await total({ ...scope, limit: 1, refusedOnly: true }));
          expect(c.failedForwards).toBe(
            await total({ ...scope, limit: 1, forwardStatus: ['retrying', 'failed', 'dead'] }),
          );
          for (const ep of ['default', 'ep-a', 'ep-b']) {
            expect(c.endpoints[ep] ?? 0).toBe(await total({ limit: 1, endpointId: ep }));
          }
          for (const method of ['POST', 'GET', 'get', 'DELETE'])
            await total({ ...scope, limit: 1, method });
          for (const eventType of ['invoice.paid', 'push', 'none.such'])
            await total({ ...scope, limit: 1, eventType });
        }
      };
      await expectCountsAsScan();
      expect((await log.counts()).duplicates).toBeGreaterThan(0);
      // A value given twice is the value once: the same rows, the same total.
      const twice = await log.list({
        limit: 1000,
        withTotal: true,
        signatureStatus: ['invalid', 'invalid'],
        forwardStatus: ['none', 'none', 'dead'],
      });
      const once = await log.list({
        limit: 1000,
        withTotal: true,
        signatureStatus: ['invalid'],
        forwardStatus: ['none', 'dead'],
      });
      expect(twice).toEqual(once);
      expect(
        (await log.list({ limit: 1, withTotal: true, signatureStatus: ['valid', 'valid'] })).total,
      ).toBe((await log.counts()).signature.valid);
      await log.deleteIds(ids.filter((_, i) => i % 7 === 0));
      await log.deleteOldest({ keep: 40, limit: 1000 });
      await expectCountsAsScan();
      const again = await o.reopen();
      open.push(again);
      log = again.log;
      await expectCountsAsScan();
      await log.deleteAll();
      await expectCountsAsScan();
      expect((await log.counts()).total).toBe(0);
    });

    it('answers every filter as the live match does (property)', async () => {
      const { log } = await fresh();
      const rows = fc.sample(
        fc.record({
          method: fc.constantFrom('POST', 'PUT', 'GET'),
          endpointId: fc.constantFrom('default', 'ep-a'),
          sig: fc.constantFrom(...SignatureStatus.options),
          key: fc.constantFrom(null, 'k1', 'k2'),
          rejected: fc.option(fc.constant('rate limited'), { nil: undefined }),
          forward: fc.constantFrom(...ForwardStatus.options),
          jobId: fc.constantFrom(null, 'batch_1'),
          eventType: fc.constantFrom(null, 'invoice.paid'),
        }),
        { numRuns: 120, seed: 7 },
      );
      for (const r of rows) {
        const e = await log.append(
          delivery({
            method: r.method,
            endpointId: r.endpointId,
            signature: { status: r.sig, provider: null, reason: '' },
            idempotency: { key: r.key, source: r.key ? 'x' : null },
            jobId: r.jobId,
            eventType: r.eventType,
            ...(r.rejected ? { rejected: r.rejected } : {}),
          }),
          NOT_FORWARDED,
        );
        if (r.forward !== 'none') await log.setForwardStatus(e.id, r.forward);
      }
      const all = (await log.list({ limit: 1000 })).items;
      const filter: fc.Arbitrary<Filter> = fc.record({
        ...Object.fromEntries(Object.entries(EMPTY_FILTER).map(([k, v]) => [k, fc.constant(v)])),
        method: fc.constantFrom('', 'POST', 'get'),
        endpointId: fc.constantFrom('', 'ep-a'),
        signature: fc.uniqueArray(fc.constantFrom(...SignatureStatus.options), { maxLength: 2 }),
        duplicatesOnly: fc.boolean(),
        refusedOnly: fc.boolean(),
        failedForwardsOnly: fc.boolean(),
        jobId: fc.constantFrom('', 'batch_1'),
        eventType: fc.constantFrom('', 'invoice.paid'),
      } as Record<keyof Filter, fc.Arbitrary<unknown>>) as fc.Arbitrary<Filter>;
      await fc.assert(
        fc.asyncProperty(filter, async (f) => {
          const page = await log.list({ ...toListInput(f), limit: 1000 });
          const expected = all.filter((e) => matchesFilter(f, e)).map((e) => e.id);
          expect(page.items.map((e) => e.id)).toEqual(expected);
          // Oldest first: the same events the other way, and paged from the oldest.
          const oldest = await log.list({ ...toListInput(f), order: 'oldest', limit: 1000 });
          expect(oldest.items.map((e) => e.id)).toEqual([...expected].reverse());
          const first = await log.list({ ...toListInput(f), order: 'oldest', limit: 2 });
          expect(first.items.map((e) => e.id)).toEqual(expected.slice(-2).reverse());
          if (first.items.length === 2) {
            const next = await log.list({
              ...toListInput(f),
              order: 'oldest',
              afterSeq: first.items[1]!.seq,
              limit: 2,
            });
            expect(next.items.map((e) => e.id)).toEqual(expected.slice(-4, -2).reverse());
          }
        }),
        { numRuns: 60, seed: 11 },
      );
    });
  });
}
