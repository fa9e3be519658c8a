import { describe, expect, it } from 'vitest';
import { EventPages, MAX_LOADED_PAGES, PAGE_LIMIT } from '../../src/renderer/src/model/event-pages';
import { range, summary } from './fixtures';

const ids = (p: EventPages): (string | null)[] =>
  Array.from({ length: p.total() }, (_, i) => {
    const e = p.at(i);
    return e ? e.id : null;
  });

describe('EventPages', () => {
  it('pages older events by beforeSeq and locates rows across pages', () => {
    const p = new EventPages();
    p.reset(range(1000, 801), true, 0);
    expect(p.nextCursor()).toBe(801);
    p.append(801, range(800, 301), true);
    expect(p.total()).toBe(700);
    expect(p.at(0)?.seq).toBe(1000);
    expect(p.at(200)?.seq).toBe(800);
    expect(p.at(699)?.seq).toBe(301);
    expect(p.at(700)).toBeUndefined();
    expect(p.indexOf('e300')).toBe(-1);
    expect(p.indexOf('e301')).toBe(699);
    // A stale answer for a cursor that is no longer the end is ignored.
    p.append(801, range(800, 301), true);
    expect(p.total()).toBe(700);
  });

  it('puts new events on top, ignores ones it has, and splits a growing head', () => {
    const p = new EventPages();
    p.reset(range(10, 1), false, 10);
    expect(p.insertHead([summary(12), summary(11), summary(10)])).toBe(2);
    expect(ids(p).slice(0, 3)).toEqual(['e12', 'e11', 'e10']);
    p.insertHead(range(12 + PAGE_LIMIT * 2, 13));
    expect(p.total()).toBe(12 + PAGE_LIMIT * 2);
    expect(p.pages[0]!.items!.length).toBeLessThanOrEqual(PAGE_LIMIT);
    for (const page of p.pages) expect(page.count).toBeLessThanOrEqual(PAGE_LIMIT);
    // Order is intact and every page's items lie within [next page's before, its before).
    const seqs = Array.from({ length: p.total() }, (_, i) => p.at(i)!.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    p.pages.forEach((page, k) => {
      const floor = p.pages[k + 1]?.before ?? -Infinity;
      for (const e of page.items!) {
        expect(e.seq).toBeGreaterThanOrEqual(floor);
        if (page.before !== null) expect(e.seq).toBeLessThan(page.before);
      }
    });
  });

  it('inserts an event given twice in one call once, as its newest version', () => {
    const p = new EventPages();
    p.reset([summary(1)], false, 1);
    const n = p.insertHead([summary(2, { rev: 2 }), summary(2, { rev: 4, path: '/new' })]);
    expect(n).toBe(1);
    expect(p.total()).toBe(2);
    expect(p.get('e2')?.path).toBe('/new');
    expect(p.insertHead([summary(3, { rev: 6, path: '/x' }), summary(3, { rev: 5 })])).toBe(1);
    expect(p.get('e3')?.path).toBe('/x');
  });

  it('keeps a bounded number of pages loaded and refills evicted ones in place', () => {
    const p = new EventPages();
    p.reset(range(10_000, 9_801), true, 0);
    let cursor = p.nextCursor()!;
    for (let k = 0; k < MAX_LOADED_PAGES + 4; k++) {
      p.append(cursor, range(cursor - 1, cursor - PAGE_LIMIT), true);
      cursor = p.nextCursor()!;
    }
    const total = p.total();
    p.evict(total - 10, total - 1);
    expect(p.loadedCount()).toBeLessThanOrEqual(200 + MAX_LOADED_PAGES * PAGE_LIMIT);
    expect(p.total()).toBe(total); // row positions do not move
    expect(p.at(total - 1)?.seq).toBe(cursor);
    expect(p.at(300)).toBeNull(); // page 1 was evicted: a placeholder
    const missing = p.missing(250, 350);
    expect(missing).toEqual([1]);
    const before = p.pages[1]!.before;
    // Its reload returns one row fewer (one was deleted meanwhile) and rows of the next page.
    const reload = range(before! - 1, before! - PAGE_LIMIT - 5).filter((e) => e.seq !== 9_700);
    p.fill(before, reload);
    expect(p.at(200)?.seq).toBe(9_800);
    expect(p.pages[1]!.count).toBe(PAGE_LIMIT - 1);
    expect(p.total()).toBe(total - 1);
  });

  it('updates loaded events only with newer revs and removes deleted ones', () => {
    const p = new EventPages();
    p.reset(range(5, 1), false, 5);
    expect(p.update(summary(3, { rev: 9, forward: { status: 'ok' } }))).toBe(true);
    expect(p.get('e3')?.forward.status).toBe('ok');
    expect(p.update(summary(3, { rev: 4 }))).toBe(false);
    expect(p.get('e3')?.rev).toBe(9);
    expect(p.update(summary(99))).toBe(false);
    expect(p.remove(['e2', 'e4', 'nope'])).toBe(2);
    expect(ids(p)).toEqual(['e5', 'e3', 'e1']);
  });

  it('starts at the oldest and grows upwards; new events wait until it reaches the newest', () => {
    const p = new EventPages();
    const oldestFirst = (top: number, bottom: number) => range(top, bottom).reverse();
    p.resetOldest(oldestFirst(200, 1), true);
    expect(p).toMatchObject({ hasNewer: true, hasMore: false });
    expect(p.nextCursor()).toBeNull();
    expect(p.newerCursor()).toBe(200);
    expect([p.at(0)?.seq, p.at(199)?.seq]).toEqual([200, 1]);
    expect(p.insertHead([summary(5000)])).toBe(0); // not adjacent: remembered, not shown
    p.askingNewer(); // the next page is asked for after that push: it has 5000 if it exists
    expect(p.prepend(200, oldestFirst(700, 201), true)).toBe(500);
    expect(p.prepend(200, oldestFirst(700, 201), true)).toBe(0); // stale answer
    expect([p.at(0)?.seq, p.total(), p.newerCursor()]).toEqual([700, 700, 700]);
    p.askingNewer();
    p.insertHead([summary(950)]); // pushed while the page below was read: maybe after it
    expect(p.prepend(700, oldestFirst(900, 701), false)).toBe(200);
    expect(p.hasNewer).toBe(true); // 950 lies above what was read
    p.askingNewer();
    expect(p.prepend(900, [summary(950)], false)).toBe(1);
    expect(p).toMatchObject({ hasNewer: false });
    expect(p.pages[0]!.before).toBeNull();
    expect(p.insertHead([summary(951)])).toBe(1);
    const seqs = Array.from({ length: p.total() }, (_, i) => p.at(i)!.seq);
    expect(seqs.slice(0, 3)).toEqual([951, 950, 900]);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    p.pages.forEach((page, k) => {
      const floor = p.pages[k + 1]?.before ?? -Infinity;
      for (const e of page.items!) {
        expect(e.seq).toBeGreaterThanOrEqual(floor);
        if (page.before !== null) expect(e.seq).toBeLessThan(page.before);
      }
    });
  });

  it('started at the oldest, keeps a bounded number of pages and refills the oldest in place', () => {
    const p = new EventPages();
    p.resetOldest(range(PAGE_LIMIT, 1).reverse(), true);
    for (let k = 1; k <= MAX_LOADED_PAGES + 4; k++) {
      const after = p.newerCursor()!;
      p.prepend(after, range(after + PAGE_LIMIT, after + 1).reverse(), true);
    }
    const total = p.total();
    p.evict(0, 10); // the view went up to the top
    expect(p.loadedCount()).toBeLessThanOrEqual((MAX_LOADED_PAGES + 1) * PAGE_LIMIT);
    expect(p.at(total - 1)).toBeNull();
    const k = p.pages.length - 1;
    expect(p.missing(total - 10, total - 1)).toEqual([k]);
    p.fill(p.pages[k]!.before, range(PAGE_LIMIT, 1)); // its reload, newest first by beforeSeq
    expect(p.at(total - 1)?.seq).toBe(1);
    expect(p.at(total - PAGE_LIMIT)?.seq).toBe(PAGE_LIMIT);
    expect(p.total()).toBe(total);
  });
});
