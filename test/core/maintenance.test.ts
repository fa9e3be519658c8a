import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { ForwardStore } from '../../src/core/store/forward-store';
import { Maintenance } from '../../src/core/store/maintenance';
import { DEFAULT_SETTINGS } from '../../src/shared/defaults';
import type { Settings } from '../../src/shared/model';
import { appendTo } from '../helpers/append';
import { tempDir } from '../helpers/engine';
import { delivery } from '../helpers/events';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function open(): { db: Db; events: EventStore } {
  const { dir, cleanup } = tempDir();
  const db = openDb({ dataDir: dir });
  const events = new EventStore(db, 20, new ForwardStore(db));
  cleanups.push(
    cleanup,
    () => db.close(),
    () => events.close(),
  );
  return { db, events };
}

const keeping = (maxEvents: number): (() => Settings) => {
  const s: Settings = { ...DEFAULT_SETTINGS, retention: { maxEvents, maxAgeDays: null } };
  return () => s;
};

async function fill(events: EventStore, n: number, from = 0): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) => appendTo(events, delivery({ path: `/${from + i}` }))),
  );
}

describe('Maintenance (retention passes)', () => {
  it('checkpoints the WAL during a long pass, not only at its end', async () => {
    const { events } = open();
    await fill(events, 300);
    const at: number[] = [];
    // Each chunk seems to take 300 ms (a big log), so the chunks stay small and the pass long.
    let t = 0;
    const m = new Maintenance(
      async () => {
        at.push(await events.count());
        return undefined;
      },
      events,
      keeping(20),
      () => Date.now(),
      () => undefined,
      3_600_000,
      null,
      () => (t += 300),
    );
    await m.runOnce();
    expect(await events.count()).toBe(20);
    // Checkpoints while events past retention were still being deleted, then the last one.
    expect(at.filter((n) => n > 20).length).toBeGreaterThanOrEqual(2);
    expect(at.at(-1)).toBe(20);
  });

  it('keeps the counts exact (equal to a full scan) while deliveries arrive during a pass', async () => {
    const { db, events } = open();
    await fill(events, 400);
    let arriving = 0;
    let firstPass = true;
    const arrivals: Promise<unknown>[] = [];
    const m = new Maintenance(
      null,
      events,
      keeping(50),
      () => Date.now(),
      (ids) => {
        // Deliveries arriving between chunks of the first pass (how many chunks it takes
        // follows the machine's speed: the chunk size adapts to time).
        if (firstPass && arriving < 10) arrivals.push(fill(events, 7, 1000 + 7 * arriving++));
        expect(ids.length).toBeGreaterThan(0);
      },
      3_600_000,
    );
    await m.runOnce();
    firstPass = false;
    await Promise.all(arrivals);
    await events.drained();
    await m.runOnce();
    expect(arriving).toBeGreaterThan(0);
    const scan = db
      .prepare(
        `SELECT count(*) AS total, sum(sig_status = 'none') AS unsigned,
         sum(forward_status = 'none') AS unforwarded, sum(method = 'POST') AS posts FROM events`,
      )
      .get() as { total: number; unsigned: number; unforwarded: number; posts: number };
    expect(scan.total).toBe(50);
    const counts = await events.counts();
    expect(counts.total).toBe(scan.total);
    expect(await events.count()).toBe(scan.total);
    expect(counts.signature.none).toBe(scan.unsigned);
    expect(counts.forward.none).toBe(scan.unforwarded);
    expect((await events.list({ limit: 1, method: 'POST', withTotal: true })).total).toBe(
      scan.posts,
    );
  });
});
