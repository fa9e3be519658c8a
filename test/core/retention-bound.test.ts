import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore, type RetentionLimits } from '../../src/core/store/event-store';
import { ForwardStore } from '../../src/core/store/forward-store';
import { appendTo, type TestEvent } from '../helpers/append';
import { tempDir } from '../helpers/engine';
import { delivery } from '../helpers/events';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A small deterministic random source (the same sequence on every run). */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function open(walk: { step: number; steps: number }) {
  const { dir, cleanup } = tempDir();
  const db = openDb({ dataDir: dir });
  const forwards = new ForwardStore(db);
  const events = new EventStore(db, 20, forwards, {
    retentionWalkStep: walk.step,
    retentionWalkSteps: walk.steps,
  });
  cleanups.push(
    cleanup,
    () => db.close(),
    () => events.close(),
  );
  return { db, events };
}

interface Row {
  seq: number;
  id: string;
  t: number;
  held: number;
}

/** The log as it is, oldest first: each event's entry time and whether its forward is queued. */
function rows(db: Db): Row[] {
  return db
    .prepare(
      `SELECT seq, id, coalesce(stored_at, received_at) AS t, EXISTS (SELECT 1 FROM forward_jobs j
       WHERE j.event_id = e.id AND j.state IN ('pending', 'running')) AS held
       FROM events e ORDER BY seq`,
    )
    .all() as Row[];
}

/**
 * The bound recomputed from scratch (as it was found before the walk was kept): past `keep`,
 * the first of the newest `keep` events; past `olderThanMs`, the first that entered at or after
 * it (everything, when none did).
 */
function recomputedBound(log: Row[], limits: RetentionLimits): number {
  let bound = 0;
  if (limits.keep !== undefined && log.length > limits.keep) {
    bound = log[log.length - limits.keep]!.seq;
  }
  if (limits.olderThanMs !== undefined) {
    const young = log.find((r) => r.t >= limits.olderThanMs!);
    bound = Math.max(bound, young ? young.seq : Number.MAX_SAFE_INTEGER);
  }
  return bound;
}

/** The ids a retention chunk of `limit` must delete: the oldest past the bound, none held. */
function expectedChunk(log: Row[], limits: RetentionLimits, limit: number): string[] {
  const bound = recomputedBound(log, limits);
  return log
    .filter((r) => r.seq < bound && !r.held)
    .slice(0, limit)
    .map((r) => r.id);
}

describe('retention bound kept between chunks (RetentionBound)', () => {
  for (const seed of [1, 7, 42, 1234, 99991]) {
    it(`deletes exactly what a recomputed bound says through appends, imports, deletes, held forwards and changed limits (seed ${seed})`, async () => {
      const rnd = random(seed);
      // Steps of a few rows, so the walk is mostly under way: it must still be exact.
      const { db, events } = open({ step: 1 + rnd(5), steps: Number.MAX_SAFE_INTEGER });
      const start = 1_800_000_000_000;
      let clock = start;
      let n = 0;
      const event = (over: Partial<TestEvent> = {}): TestEvent => {
        n++;
        clock += 1 + rnd(3);
        const queued = rnd(8) === 0;
        return delivery({
          id: `s${seed}-e${n}`,
          receivedAt: clock,
          path: `/${n}`,
          forwardStatus: queued ? 'pending' : 'none',
          forwardTarget: queued ? 'http://127.0.0.1:9/' : null,
          ...over,
        });
      };
      let keep: number | undefined = 30;
      let maxAge: number | undefined;
      const limits = (): RetentionLimits => ({
        keep,
        olderThanMs: maxAge === undefined ? undefined : clock - maxAge,
      });
      let chunks = 0;
      for (let step = 0; step < 400; step++) {
        const op = rnd(20);
        if (op < 7) {
          // Deliveries, several in one commit.
          await Promise.all(Array.from({ length: 1 + rnd(12) }, () => appendTo(events, event())));
        } else if (op < 8) {
          // An import: received long ago, entered now (its age counts from now).
          await Promise.all(
            Array.from({ length: 1 + rnd(6) }, () =>
              appendTo(
                events,
                event({ imported: true, receivedAt: start - 1000, storedAt: clock }),
              ),
            ),
          );
        } else if (op < 9) {
          const log = rows(db);
          if (log.length > 0) {
            const ids = Array.from({ length: 1 + rnd(3) }, () => log[rnd(log.length)]!.id);
            await events.deleteIds(ids);
          }
        } else if (op < 10) {
          // A queued forward done (sent or dead-lettered): its event may go now.
          const held = rows(db).filter((r) => r.held);
          if (held.length > 0) {
            db.prepare("UPDATE forward_jobs SET state = 'done' WHERE event_id = ?").run(
              held[rnd(held.length)]!.id,
            );
          }
        } else if (op < 11) {
          keep = [undefined, 5, 20, 30, 60][rnd(5)];
          maxAge = [undefined, undefined, 40, 200][rnd(4)];
        } else {
          const limit = 1 + rnd(6);
          const want = expectedChunk(rows(db), limits(), limit);
          expect(await events.deleteOldest({ ...limits(), limit })).toEqual(want);
          chunks++;
        }
        expect(await events.count()).toBe(rows(db).length);
      }
      expect(chunks).toBeGreaterThan(50);
      // A last pass leaves exactly the events within the limits and those held.
      const last = limits();
      while ((await events.deleteOldest({ ...last, limit: 4 })).length > 0) {
        /* chunk after chunk */
      }
      const log = rows(db);
      const bound = recomputedBound(log, last);
      expect(log.filter((r) => r.seq < bound && !r.held)).toEqual([]);
      expect(await events.heldForForwarding(last)).toBe(
        log.filter((r) => r.seq < bound && r.held).length,
      );
    });
  }

  it('starts the walk again when an age limit deleted past it and fewer events are past the count limit than it counted', async () => {
    const { db, events } = open({ step: 4, steps: Number.MAX_SAFE_INTEGER });
    const at = 1_800_000_000_000;
    const event = (i: number, queued: boolean): TestEvent =>
      delivery({
        id: `a-${i}`,
        receivedAt: at + i,
        forwardStatus: queued ? 'pending' : 'none',
        forwardTarget: queued ? 'http://127.0.0.1:9/' : null,
      });
    // 10 held events, then 30 plain ones.
    await Promise.all(Array.from({ length: 10 }, (_, i) => appendTo(events, event(i, true))));
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendTo(events, event(10 + i, false))));
    // Keep 30: the 10 oldest are past it, all held. Entered before a-14: the 4 after them go.
    expect(await events.deleteOldest({ keep: 30, olderThanMs: at + 14, limit: 100 })).toEqual([
      'a-10',
      'a-11',
      'a-12',
      'a-13',
    ]);
    // Their forwards done and the age limit gone: of 36 events, the 6 oldest are past 30.
    db.prepare("UPDATE forward_jobs SET state = 'done'").run();
    expect(await events.deleteOldest({ keep: 30, limit: 100 })).toEqual(
      Array.from({ length: 6 }, (_, i) => `a-${i}`),
    );
    expect(await events.count()).toBe(30);
  });

  it('walks a step per chunk on a long log, and a chunk stopped by a long run of held events goes on at the next', async () => {
    const { db, events } = open({ step: 4, steps: 2 });
    const at = Date.now();
    const event = (i: number, queued: boolean): TestEvent =>
      delivery({
        id: `h-${i}`,
        receivedAt: at + i,
        forwardStatus: queued ? 'pending' : 'none',
        forwardTarget: queued ? 'http://127.0.0.1:9/' : null,
      });
    // 30 held events, then 20 plain ones; keep 10.
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendTo(events, event(i, true))));
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendTo(events, event(30 + i, false))));
    const keep = { keep: 10, limit: 3 };
    // Each call may walk 2 steps of max(3, 4) rows: the first ones find only held events
    // and answer nothing; the walk goes on from there at the next call.
    const deleted: string[] = [];
    let empty = 0;
    for (let i = 0; i < 20; i++) {
      const ids = await events.deleteOldest(keep);
      if (ids.length === 0 && deleted.length === 0) empty++;
      deleted.push(...ids);
    }
    expect(empty).toBeGreaterThan(0);
    expect(deleted).toEqual(Array.from({ length: 10 }, (_, i) => `h-${30 + i}`));
    expect(await events.heldForForwarding({ keep: 10 })).toBe(30);
    expect(rows(db).map((r) => r.id)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `h-${i}`),
      ...Array.from({ length: 10 }, (_, i) => `h-${40 + i}`),
    ]);
  });
});
