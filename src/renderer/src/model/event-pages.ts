import type { EventSummary } from '../../../shared/model';

/** Largest page asked of listEvents (the contract's maximum). */
export const PAGE_LIMIT = 500;
/** Pages other than the head kept in memory; the rest keep only their count and cursor. */
export const MAX_LOADED_PAGES = 8;

/** One page of the newest-first list: the events with seq in [minSeq, before). */
export interface Page {
  /**
   * Exclusive upper bound of the page's seqs; null for the head (newest) page. A page loaded
   * oldest first (`afterSeq`) has its highest seq + 1, so it reloads newest first like any other.
   */
  before: number | null;
  /** Lowest seq the page had when loaded: the next page's `before`. */
  minSeq: number | null;
  count: number;
  /** Null when evicted (or not loaded yet): rows show placeholders until it is reloaded. */
  items: EventSummary[] | null;
}

/**
 * The event list as a chain of pages paged by `beforeSeq`, newest first. Only a bounded
 * number of pages hold summaries, so memory does not grow with the log; evicted pages keep
 * their count, so the scroll height and row positions stay put while they reload.
 *
 * The chain starts either at the newest event (`reset`) or at the oldest (`resetOldest`: the
 * jump to the oldest, End). Started at the oldest, it grows upwards page by page (`prepend`,
 * loaded oldest first with `afterSeq`) until it reaches the newest; until then (`hasNewer`)
 * new deliveries are not put at its top, since events lie between: they are remembered, and
 * the chain reaches the newest only once a page shows it has passed them.
 */
export class EventPages {
  pages: Page[] = [];
  /** Older events remain to load below the chain. */
  hasMore = false;
  /** Newer events remain to load above the chain (it was started at the oldest). */
  hasNewer = false;
  /** Every seq at or below this was in the log when the list was loaded (or seen since). */
  baselineSeq = 0;
  private byId = new Map<string, Page>();
  private offsets: number[] | null = null;
  /** The highest seq the chain covers (the `afterSeq` of the next newer page). */
  private topSeq = 0;
  /**
   * The highest seq of a new delivery not put at the top while `hasNewer`, since the newer
   * page being loaded was asked for (one skipped before was committed before it was asked, so
   * the page has it).
   */
  private skippedSeq = 0;

  /** Starts over with a freshly loaded head page. */
  reset(items: EventSummary[], hasMore: boolean, baselineSeq: number): void {
    this.clear();
    this.hasMore = hasMore;
    this.baselineSeq = Math.max(baselineSeq, items[0]?.seq ?? 0);
    this.pages.push(this.makePage(null, items));
  }

  /**
   * Starts over at the oldest end with the oldest page, as listed oldest first; `hasNewer`
   * says newer events remain above it.
   */
  resetOldest(oldestFirst: EventSummary[], hasNewer: boolean): void {
    this.clear();
    const items = [...oldestFirst].reverse();
    this.topSeq = items[0]?.seq ?? 0;
    this.baselineSeq = this.topSeq;
    this.hasNewer = hasNewer;
    this.pages.push(this.makePage(hasNewer ? this.topSeq + 1 : null, items));
  }

  /** The `afterSeq` of the next newer page, or null when the chain reaches the newest. */
  newerCursor(): number | null {
    return this.hasNewer ? this.topSeq : null;
  }

  /** Called as the next newer page is asked for (see `skippedSeq`). */
  askingNewer(): void {
    this.skippedSeq = 0;
  }

  /**
   * Puts the next newer page (loaded oldest first with `afterSeq: after`) on top; returns how
   * many rows were added. `hasNewer` false: the page reaches the newest (unless a delivery
   * seen meanwhile lies above it).
   */
  prepend(after: number, oldestFirst: EventSummary[], hasNewer: boolean): number {
    if (this.newerCursor() !== after) return 0; // stale answer (list was reset meanwhile)
    const items = [...oldestFirst].reverse().filter((e) => !this.byId.has(e.id));
    if (items.length) {
      this.topSeq = Math.max(this.topSeq, items[0]!.seq);
      this.pages.unshift(this.makePage(this.topSeq + 1, items));
    }
    this.baselineSeq = Math.max(this.baselineSeq, this.topSeq);
    // A delivery pushed while this page was asked for may have committed after it was read.
    this.hasNewer = hasNewer || this.skippedSeq > this.topSeq;
    if (!this.hasNewer) this.pages[0]!.before = null; // the top page is the head now
    this.offsets = null;
    return items.length;
  }

  private clear(): void {
    this.byId.clear();
    this.pages = [];
    this.offsets = null;
    this.hasMore = false;
    this.hasNewer = false;
    this.topSeq = 0;
    this.skippedSeq = 0;
  }

  /** Rows in the list (placeholders of evicted pages included). */
  total(): number {
    const o = this.prefix();
    return o[o.length - 1] ?? 0;
  }

  /** The summary at row `i`; null when its page is not loaded, undefined past the end. */
  at(i: number): EventSummary | null | undefined {
    const loc = this.locate(i);
    if (!loc) return undefined;
    const page = this.pages[loc.page]!;
    return page.items ? page.items[loc.offset] : null;
  }

  /** The page index and offset of row `i`, or null past the end. */
  locate(i: number): { page: number; offset: number } | null {
    const o = this.prefix();
    if (i < 0 || i >= (o[o.length - 1] ?? 0)) return null;
    let lo = 0;
    let hi = this.pages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (o[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return { page: lo, offset: i - o[lo]! };
  }

  /** The row of a loaded event, or -1. */
  indexOf(id: string): number {
    const page = this.byId.get(id);
    if (!page?.items) return -1;
    const k = this.pages.indexOf(page);
    return this.prefix()[k]! + page.items.findIndex((e) => e.id === id);
  }

  /** The loaded summary with this id, if any. */
  get(id: string): EventSummary | undefined {
    return this.byId.get(id)?.items?.find((e) => e.id === id);
  }

  /** The `beforeSeq` of the next older page, or null when there is none to load. */
  nextCursor(): number | null {
    const last = this.pages[this.pages.length - 1];
    return this.hasMore && last?.minSeq != null ? last.minSeq : null;
  }

  /** Appends the next older page (loaded with `beforeSeq: before`). */
  append(before: number, items: EventSummary[], hasMore: boolean): void {
    if (this.nextCursor() !== before) return; // stale answer (list was reset meanwhile)
    const fresh = items.filter((e) => !this.byId.has(e.id));
    this.pages.push(this.makePage(before, fresh, items[items.length - 1]?.seq ?? null));
    this.hasMore = hasMore;
    this.offsets = null;
  }

  /** Fills an evicted page from a reload with `beforeSeq: before` (the page's own cursor). */
  fill(before: number | null, items: EventSummary[]): void {
    const k = this.pages.findIndex((p) => p.before === before);
    const page = this.pages[k];
    if (!page || page.items) return;
    const floor = this.pages[k + 1]?.before ?? Number.NEGATIVE_INFINITY;
    page.items = items.filter((e) => e.seq >= floor && !this.byId.has(e.id));
    for (const e of page.items) this.byId.set(e.id, page);
    page.count = page.items.length;
    this.offsets = null;
  }

  /**
   * Puts new events (newest first) at the top; returns how many rows were added. While the
   * chain does not reach the newest (`hasNewer`) they are only remembered: the pages above
   * bring them.
   */
  insertHead(items: EventSummary[]): number {
    if (this.hasNewer) {
      for (const e of items) {
        if (!this.byId.has(e.id)) this.skippedSeq = Math.max(this.skippedSeq, e.seq);
      }
      return 0;
    }
    const head = this.pages[0];
    if (!head?.items) return 0;
    // One row per id: pushes merged into one op can carry two versions of a new event (its
    // arrival and its forward's outcome); the newest rev wins.
    const newest = new Map<string, EventSummary>();
    for (const e of items) {
      if (this.byId.has(e.id)) continue;
      const seen = newest.get(e.id);
      if (!seen || seen.rev < e.rev) newest.set(e.id, e);
    }
    const fresh = [...newest.values()];
    if (fresh.length === 0) return 0;
    for (const e of fresh) {
      this.byId.set(e.id, head);
      this.baselineSeq = Math.max(this.baselineSeq, e.seq);
    }
    head.items = [...fresh, ...head.items].sort((a, b) => b.seq - a.seq);
    head.count = head.items.length;
    head.minSeq ??= head.items[head.items.length - 1]!.seq;
    this.splitHead();
    this.offsets = null;
    return fresh.length;
  }

  /** Replaces a loaded event's summary with a newer version; false when not loaded. */
  update(s: EventSummary): boolean {
    const page = this.byId.get(s.id);
    if (!page?.items) return false;
    const i = page.items.findIndex((e) => e.id === s.id);
    const old = page.items[i];
    if (!old || old.rev > s.rev) return false;
    page.items[i] = s;
    return true;
  }

  /** Removes loaded events; returns how many rows disappeared. */
  remove(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) {
      const page = this.byId.get(id);
      if (!page?.items) continue;
      page.items = page.items.filter((e) => e.id !== id);
      page.count--;
      this.byId.delete(id);
      n++;
    }
    if (n) this.offsets = null;
    return n;
  }

  /** Pages (by index) that rows `start..end` touch and that are not loaded. */
  missing(start: number, end: number): number[] {
    const out: number[] = [];
    const a = this.locate(Math.max(0, start));
    const b = this.locate(Math.min(end, this.total() - 1));
    if (!a || !b) return out;
    for (let k = a.page; k <= b.page; k++) if (!this.pages[k]!.items) out.push(k);
    return out;
  }

  /** Drops the summaries of pages farthest from rows `start..end`, keeping the top page. */
  evict(start: number, end: number): void {
    const o = this.prefix();
    const loaded = this.pages
      .map((p, k) => ({ p, k }))
      .filter(({ p, k }) => k > 0 && p.items !== null);
    if (loaded.length <= MAX_LOADED_PAGES) return;
    const distance = (k: number): number => {
      const top = o[k]!;
      const bottom = o[k + 1]!;
      return bottom < start ? start - bottom : top > end ? top - end : 0;
    };
    loaded.sort((x, y) => distance(y.k) - distance(x.k));
    for (const { p } of loaded.slice(0, loaded.length - MAX_LOADED_PAGES)) {
      for (const e of p.items!) this.byId.delete(e.id);
      p.items = null;
    }
  }

  /** How many summaries are held in memory. */
  loadedCount(): number {
    return this.byId.size;
  }

  private makePage(
    before: number | null,
    items: EventSummary[],
    minSeq = items[items.length - 1]?.seq ?? null,
  ): Page {
    const page: Page = { before, minSeq, count: items.length, items };
    for (const e of items) this.byId.set(e.id, page);
    return page;
  }

  /** Keeps the head page loadable in one request by splitting older rows off into pages. */
  private splitHead(): void {
    const head = this.pages[0]!;
    while (head.items!.length > PAGE_LIMIT) {
      const items = head.items!;
      const keep = items.length - PAGE_LIMIT;
      const older = items.slice(keep);
      head.items = items.slice(0, keep);
      head.count = head.items.length;
      const page = this.makePage(head.items[head.items.length - 1]!.seq, older, head.minSeq);
      head.minSeq = page.before;
      this.pages.splice(1, 0, page);
    }
  }

  private prefix(): number[] {
    if (!this.offsets) {
      const o = [0];
      for (const p of this.pages) o.push(o[o.length - 1]! + p.count);
      this.offsets = o;
    }
    return this.offsets;
  }
}
