import { describe, expect, it } from 'vitest';
import type { Input, PushName } from '../../src/shared/contract';
import type { Client } from '../../src/shared/dispatch';
import type { EventSummary } from '../../src/shared/model';
import { EMPTY_FILTER } from '../../src/shared/filters';
import { HEAD_SIZE, LiveList } from '../../src/renderer/src/model/live-list';
import { MAX_LOADED_PAGES, PAGE_LIMIT } from '../../src/renderer/src/model/event-pages';
import { range, summary } from './fixtures';

/** An in-memory engine: listEvents over `log`, pushes delivered by `push`. */
function fakeEngine() {
  const log: EventSummary[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: Input<'listEvents'>[] = [];
  let gate: Promise<void> = Promise.resolve();
  const client = {
    async listEvents(input: Input<'listEvents'> = {}) {
      calls.push(input);
      await gate;
      const items = log
        .filter((e) => input.beforeSeq === undefined || e.seq < input.beforeSeq)
        .filter((e) => input.afterSeq === undefined || e.seq > input.afterSeq)
        .filter((e) => !input.method || e.method === input.method)
        .filter((e) => !input.query || e.path.includes(input.query))
        .sort((a, b) => (input.order === 'oldest' ? a.seq - b.seq : b.seq - a.seq));
      const limit = input.limit ?? 100;
      return { items: items.slice(0, limit), hasMore: items.length > limit };
    },
    on(event: PushName, l: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(l);
      return () => set.delete(l);
    },
  } as unknown as Client;
  const push = (event: PushName, payload: unknown): void => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const hold = (): (() => void) => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    return release;
  };
  return { log, client, push, calls, hold };
}

const frames: (() => void)[] = [];
const scheduler = (run: () => void): (() => void) => {
  frames.push(run);
  return () => undefined;
};
const flushFrames = (): void => {
  while (frames.length) frames.shift()!();
};
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const paths = (l: LiveList): string[] =>
  Array.from({ length: l.pages.total() }, (_, i) => l.pages.at(i)?.path ?? '?');

describe('LiveList', () => {
  it('loads the newest page, then adds pushed events on top once per frame', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1), summary(2));
    const list = new LiveList(engine.client, EMPTY_FILTER, scheduler);
    list.start();
    await settle();
    expect(paths(list)).toEqual(['/p/2', '/p/1']);
    engine.push('events.batch', { rev: 3, items: [summary(3)] });
    expect(paths(list)).toHaveLength(2); // not before the frame
    flushFrames();
    expect(paths(list)).toEqual(['/p/3', '/p/2', '/p/1']);
    expect(list.getSnapshot().topInserted).toBe(1);
    engine.push('events.deleted', { ids: ['e2'], all: false });
    flushFrames();
    expect(paths(list)).toEqual(['/p/3', '/p/1']);
    list.stop();
  });

  it('misses nothing pushed while the first page is loading, and shows nothing twice', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1));
    const release = engine.hold();
    const list = new LiveList(engine.client, EMPTY_FILTER, scheduler);
    list.start();
    engine.log.push(summary(2));
    engine.push('events.batch', { rev: 2, items: [summary(2)] });
    flushFrames();
    release();
    await settle();
    expect(paths(list)).toEqual(['/p/2', '/p/1']);
  });

  it('shows a new event once, in its newest version, when two batches with it come in one frame', async () => {
    // The engine sends a delivery's batch before its forward attempt and the attempt's outcome
    // in the next batch; both can reach the list before a frame, merged into one op.
    const engine = fakeEngine();
    engine.log.push(summary(1));
    const list = new LiveList(engine.client, EMPTY_FILTER, scheduler);
    list.start();
    await settle();
    engine.push('events.batch', {
      rev: 2,
      items: [summary(2, { forward: { status: 'pending' } })],
    });
    engine.push('events.batch', {
      rev: 3,
      items: [summary(2, { rev: 3, forward: { status: 'dead' } })],
    });
    flushFrames();
    expect(paths(list)).toEqual(['/p/2', '/p/1']);
    expect(list.pages.get('e2')?.forward.status).toBe('dead');
    expect(list.getSnapshot().topInserted).toBe(1);
    list.stop();
  });

  it('with a filter, adds only matching new events and recognises old ones as updates', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1), summary(2, { method: 'GET' }), summary(3));
    const list = new LiveList(engine.client, { ...EMPTY_FILTER, method: 'GET' }, scheduler);
    list.start();
    await settle();
    expect(paths(list)).toEqual(['/p/2']);
    // seq 3 existed at load time (it is a changed summary, not a new event): not inserted.
    engine.push('events.batch', {
      rev: 6,
      items: [summary(3, { rev: 5, method: 'GET' }), summary(4), summary(6, { method: 'GET' })],
    });
    flushFrames();
    expect(paths(list)).toEqual(['/p/6', '/p/2']);
  });

  it('with a filter, shows the rows before the count of matches arrives', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1, { method: 'GET' }), summary(2));
    let answerCount!: () => void;
    const counted = new Promise<void>((r) => (answerCount = r));
    const client = {
      ...engine.client,
      on: engine.client.on,
      async listEvents(input: Input<'listEvents'> = {}) {
        const page = await engine.client.listEvents(input);
        if (!input.withTotal) return page;
        await counted; // a count over a big log takes its time
        return { ...page, total: 1 };
      },
    } as Client;
    const list = new LiveList(client, { ...EMPTY_FILTER, method: 'GET' }, scheduler);
    list.start();
    await expect.poll(() => paths(list)).toEqual(['/p/1']);
    expect(list.getSnapshot()).toMatchObject({ loading: false, matching: null });
    answerCount();
    await expect.poll(() => list.getSnapshot().matching).toBe(1);
    list.stop();
  });

  it('asks the server which new events match a text search', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1, { path: '/hit/1' }), summary(2));
    const list = new LiveList(engine.client, { ...EMPTY_FILTER, query: 'hit' }, scheduler);
    list.start();
    await settle();
    expect(paths(list)).toEqual(['/hit/1']);
    engine.log.push(summary(3, { path: '/hit/3' }), summary(4));
    engine.push('events.batch', { rev: 4, items: [engine.log[2], engine.log[3]] });
    flushFrames();
    await expect.poll(() => paths(list), { timeout: 2000 }).toEqual(['/hit/3', '/hit/1']);
    expect(engine.calls.at(-1)).toMatchObject({ query: 'hit', afterSeq: 2 });
    list.stop();
  });

  it('holds pushes while paused and reloads on a reset', async () => {
    const engine = fakeEngine();
    engine.log.push(summary(1));
    const list = new LiveList(engine.client, EMPTY_FILTER, scheduler);
    list.start();
    await settle();
    list.setPaused(true);
    engine.push('events.batch', { rev: 2, items: [summary(2)] });
    flushFrames();
    expect(list.getSnapshot().pending).toBe(1);
    expect(paths(list)).toEqual(['/p/1']);
    list.setPaused(false);
    flushFrames();
    expect(paths(list)).toEqual(['/p/2', '/p/1']);
    engine.log.splice(0, engine.log.length, summary(7));
    engine.push('events.reset', { rev: 7 });
    flushFrames();
    await settle();
    expect(paths(list)).toEqual(['/p/7']);
  });

  it('jumps to the oldest, loads newer pages above it, and takes new deliveries on top only at the newest', async () => {
    const engine = fakeEngine();
    engine.log.push(...range(1600, 1));
    const list = new LiveList(engine.client, EMPTY_FILTER, scheduler);
    list.start();
    await settle();
    await list.jumpToOldest();
    expect(engine.calls.at(-1)).toMatchObject({ order: 'oldest', limit: HEAD_SIZE });
    expect(list.getSnapshot()).toMatchObject({ anchor: 'oldest', hasNewer: true, hasMore: false });
    expect(list.pages.total()).toBe(HEAD_SIZE);
    expect(list.pages.at(HEAD_SIZE - 1)?.seq).toBe(1); // the oldest is the last row
    // A new delivery while at the oldest end: the rows do not move.
    engine.log.push(summary(1601));
    engine.push('events.batch', { rev: 1601, items: [summary(1601)] });
    flushFrames();
    expect(list.pages.total()).toBe(HEAD_SIZE);
    expect(list.getSnapshot()).toMatchObject({ topInserted: 0, topLoaded: 0 });
    // Going up loads newer pages on top, oldest first after the top, until the newest.
    for (let n = 0; n < 10 && list.getSnapshot().hasNewer; n++) {
      list.ensureRange(0, 20);
      await settle();
      expect(list.pages.loadedCount()).toBeLessThanOrEqual((MAX_LOADED_PAGES + 1) * PAGE_LIMIT);
    }
    expect(engine.calls.at(-1)).toMatchObject({ order: 'oldest', afterSeq: 1200 });
    expect(list.getSnapshot()).toMatchObject({ hasNewer: false, topLoaded: 1401 });
    const seqs = Array.from({ length: list.pages.total() }, (_, i) => list.pages.at(i)?.seq);
    expect(seqs.slice(0, 3)).toEqual([1601, 1600, 1599]);
    expect(seqs.at(-1)).toBe(1);
    // At the newest now: new deliveries go on top again.
    engine.push('events.batch', { rev: 1602, items: [summary(1602)] });
    flushFrames();
    expect(list.pages.at(0)?.seq).toBe(1602);
    expect(list.getSnapshot().topInserted).toBe(1);
    // Evicted pages at the oldest end reload in place.
    const total = list.pages.total();
    list.ensureRange(total - 10, total - 1);
    await settle();
    expect(list.pages.at(total - 1)?.seq).toBe(1);
    // Back to the newest.
    await list.reload();
    expect(list.getSnapshot()).toMatchObject({ anchor: 'newest', hasNewer: false });
    expect(list.pages.at(0)?.seq).toBe(1601); // 1602 was only pushed, not in the fake's log
    list.stop();
  });

  it('at the oldest end, misses no delivery pushed while the last newer page was being read', async () => {
    const engine = fakeEngine();
    engine.log.push(...range(300, 1));
    let open: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    const client = {
      ...engine.client,
      on: engine.client.on,
      async listEvents(input: Input<'listEvents'> = {}) {
        const page = await engine.client.listEvents(input); // read now
        await gate; // answered later
        return page;
      },
    } as Client;
    const list = new LiveList(client, EMPTY_FILTER, scheduler);
    list.start();
    await settle();
    await list.jumpToOldest();
    gate = new Promise((r) => (open = r));
    list.ensureRange(0, 10); // reads 201..300: the newest so far
    await settle();
    engine.log.push(summary(301)); // committed after the read, pushed before the answer
    engine.push('events.batch', { rev: 301, items: [summary(301)] });
    flushFrames();
    open();
    await settle();
    expect(list.getSnapshot().hasNewer).toBe(true); // 301 lies above: one more page
    list.ensureRange(0, 10);
    await settle();
    expect(list.getSnapshot().hasNewer).toBe(false);
    expect(list.pages.at(0)?.seq).toBe(301);
    expect(list.pages.total()).toBe(301);
    list.stop();
  });
});
