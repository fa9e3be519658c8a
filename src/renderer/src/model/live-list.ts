import type { Client } from '../../../shared/dispatch';
import type { EventSummary } from '../../../shared/model';
import { EventPages, PAGE_LIMIT } from './event-pages';
import { filterKey, matchesFilter, toListInput, type Filter } from '../../../shared/filters';
import { PushQueue, type LiveOp, type Scheduler } from './push-queue';

/** The first page shown: small, so the first paint is quick. */
export const HEAD_SIZE = 200;
/** Load the next older page when the view is this close to the end of what is loaded. */
const PREFETCH_ROWS = 150;
/** At most this often the server is asked which new events match a text search. */
const QUERY_REFRESH_MS = 250;

/** What the list view renders from; a new object on every change. */
export interface ListSnapshot {
  version: number;
  total: number;
  hasMore: boolean;
  /** Newer events remain to load above the rows (the list was opened at the oldest). */
  hasNewer: boolean;
  /** Where the last (re)load started: the newest event (top) or the oldest (bottom). */
  anchor: 'newest' | 'oldest';
  /** Rows ever put on top by newer pages (a running count: the view keeps its place). */
  topLoaded: number;
  loading: boolean;
  error: string | null;
  /** Rows ever added at the top (a running count: the view diffs it to keep its place). */
  topInserted: number;
  /** Bumped when the list was reloaded from scratch (filter change, reset). */
  generation: number;
  /** New events held back while paused. */
  pending: number;
  paused: boolean;
  /**
   * With a filter: how many events in the log match it (from the engine, counted again after
   * live changes); null without a filter (the log's own count applies) or not known yet.
   */
  matching: number | null;
  /** `matching` is a lower bound (a search while recent deliveries are being indexed). */
  matchingAtLeast: boolean;
}

/**
 * The live, filtered event list: loads pages through the client, applies pushes once per
 * frame (held while paused), and keeps only a bounded window of summaries in memory.
 */
export class LiveList {
  readonly pages = new EventPages();
  private readonly queue: PushQueue;
  private buffered: LiveOp[] | null = null;
  private inflight = new Set<string>();
  private offs: (() => void)[] = [];
  private listeners = new Set<() => void>();
  private queryTimer: ReturnType<typeof setTimeout> | null = null;
  private snap: ListSnapshot = {
    version: 0,
    total: 0,
    hasMore: false,
    hasNewer: false,
    anchor: 'newest',
    topLoaded: 0,
    loading: true,
    error: null,
    topInserted: 0,
    generation: 0,
    pending: 0,
    paused: false,
    matching: null,
    matchingAtLeast: false,
  };
  private countTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: Client,
    private filter: Filter,
    scheduler?: Scheduler,
  ) {
    this.queue = new PushQueue((ops) => this.apply(ops), scheduler);
  }

  /** Subscribes to the pushes, then loads the first page. Safe to call again after stop. */
  start(): void {
    if (this.offs.length) return;
    // Subscribed before the first read, so nothing committed in between is missed.
    this.offs = [
      this.client.on('events.batch', (b) => this.enqueue({ kind: 'batch', items: b.items })),
      this.client.on('events.deleted', (d) => this.enqueue({ kind: 'deleted', payload: d })),
      this.client.on('events.reset', () => this.enqueue({ kind: 'reset' })),
    ];
    void this.reload();
  }

  /** Unsubscribes and drops what is queued. */
  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.queue.dispose();
    if (this.queryTimer) clearTimeout(this.queryTimer);
    this.queryTimer = null;
    if (this.countTimer) clearTimeout(this.countTimer);
    this.countTimer = null;
    this.snap = { ...this.snap, generation: this.snap.generation + 1 };
  }

  /** Shows another filter (reloads when it differs). */
  setFilter(f: Filter): void {
    if (filterKey(f) === filterKey(this.filter)) return;
    this.filter = f;
    void this.reload();
  }

  /** Holds live changes back (true) or applies them again (false). */
  setPaused(paused: boolean): void {
    if (paused === this.snap.paused) return;
    if (paused) this.queue.pause();
    else this.queue.resume();
    this.emit({ paused, pending: this.waiting() });
  }

  /** Loads what rows `start..end` need, prefetches older rows, evicts far pages. */
  ensureRange(start: number, end: number): void {
    if (this.snap.loading) return;
    for (const k of this.pages.missing(start, end)) {
      const before = this.pages.pages[k]!.before;
      this.load(`fill:${before}`, { beforeSeq: before ?? undefined, limit: PAGE_LIMIT }, (r) =>
        this.pages.fill(before, r.items),
      );
    }
    const cursor = this.pages.nextCursor();
    if (cursor !== null && end >= this.pages.total() - PREFETCH_ROWS) {
      this.load(`more:${cursor}`, { beforeSeq: cursor, limit: PAGE_LIMIT }, (r) =>
        this.pages.append(cursor, r.items, r.hasMore),
      );
    }
    const newer = this.pages.newerCursor();
    if (newer !== null && start <= PREFETCH_ROWS && !this.inflight.has(`newer:${newer}`)) {
      this.pages.askingNewer();
      this.load(`newer:${newer}`, { afterSeq: newer, order: 'oldest', limit: PAGE_LIMIT }, (r) => {
        const n = this.pages.prepend(newer, r.items, r.hasMore);
        this.snap = { ...this.snap, topLoaded: this.snap.topLoaded + n };
        // At the newest now: a text search asks which deliveries pushed meanwhile match.
        if (!this.pages.hasNewer && this.filter.query.trim()) this.scheduleQueryRefresh();
      });
    }
    this.pages.evict(start, end);
  }

  /** Starts over from the newest page. */
  reload(): Promise<void> {
    return this.loadFirst('newest');
  }

  /** Starts over from the oldest page (the jump to the oldest); newer pages load above it. */
  jumpToOldest(): Promise<void> {
    return this.loadFirst('oldest');
  }

  private async loadFirst(anchor: 'newest' | 'oldest'): Promise<void> {
    const generation = this.snap.generation + 1;
    this.buffered = [];
    this.inflight.clear();
    this.emit({
      loading: true,
      generation,
      anchor,
      error: null,
      matching: null,
      matchingAtLeast: false,
    });
    try {
      const input = toListInput(this.filter);
      const filtered = Object.keys(input).length > 0;
      // With a filter the head page says nothing about the log's newest seq: ask for it
      // first (read before the page, so every later event is recognised as new when pushed).
      const newest =
        filtered && anchor === 'newest'
          ? ((await this.client.listEvents({ limit: 1 })).items[0]?.seq ?? 0)
          : 0;
      // The rows first; how many match is asked after (a count can take a while on a big log
      // where the rows do not).
      const head = await this.client.listEvents({
        ...input,
        limit: HEAD_SIZE,
        ...(anchor === 'oldest' ? { order: 'oldest' as const } : {}),
      });
      if (generation !== this.snap.generation) return;
      if (anchor === 'oldest') this.pages.resetOldest(head.items, head.hasMore);
      else this.pages.reset(head.items, head.hasMore, newest);
      const ops = this.buffered;
      this.buffered = null;
      this.emit({ loading: false, matching: null, matchingAtLeast: false });
      this.apply(ops);
      if (filtered) this.recount();
    } catch (err) {
      if (generation !== this.snap.generation) return;
      this.buffered = null;
      this.emit({ loading: false, error: (err as Error).message });
    }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ListSnapshot => this.snap;

  /** New deliveries in the queue (changes to events already listed are not counted). */
  private waiting(): number {
    return this.queue.pending((e) => e.seq > this.pages.baselineSeq);
  }

  private enqueue(op: LiveOp): void {
    this.queue.push(op);
    if (this.snap.paused) this.emit({ pending: this.waiting() });
  }

  private apply(ops: LiveOp[]): void {
    if (this.buffered) {
      this.buffered.push(...ops);
      return;
    }
    if (ops.length) this.scheduleRecount();
    let inserted = 0;
    let queryNeeded = false;
    for (const [i, op] of ops.entries()) {
      if (op.kind === 'reset' || (op.kind === 'deleted' && op.payload.all)) {
        void this.reload();
        this.buffered!.push(...ops.slice(i + 1));
        return;
      }
      if (op.kind === 'deleted') {
        this.pages.remove(op.payload.ids);
        continue;
      }
      const fresh: EventSummary[] = [];
      for (const s of op.items) {
        if (s.seq <= this.pages.baselineSeq) this.pages.update(s);
        else if (this.pages.get(s.id)) this.pages.update(s);
        else {
          const m = matchesFilter(this.filter, s);
          if (m === true) fresh.push(s);
          // Not at the newest: the search asks again once the pages above reach it.
          else if (m === null && !this.pages.hasNewer) queryNeeded = true;
        }
      }
      inserted += this.pages.insertHead(fresh.sort((a, b) => b.seq - a.seq));
    }
    if (queryNeeded) this.scheduleQueryRefresh();
    this.emit({ topInserted: this.snap.topInserted + inserted, pending: this.waiting() });
  }

  /**
   * With a filter, live changes (new deliveries, deletes, retention, changed verdicts) may
   * change how many events match: ask the engine again, at most every QUERY_REFRESH_MS.
   */
  private scheduleRecount(): void {
    if (this.countTimer || Object.keys(toListInput(this.filter)).length === 0) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = null;
      this.recount();
    }, QUERY_REFRESH_MS);
  }

  /** Asks the engine how many events match the filter now. */
  private recount(): void {
    const generation = this.snap.generation;
    this.client.listEvents({ ...toListInput(this.filter), limit: 1, withTotal: true }).then(
      (r) => {
        if (generation !== this.snap.generation || this.snap.loading) return;
        this.emit({ matching: r.total ?? null, matchingAtLeast: r.totalAtLeast ?? false });
      },
      () => undefined,
    );
  }

  /** A text search runs on the server: ask it which of the new events match. */
  private scheduleQueryRefresh(): void {
    if (this.queryTimer) return;
    this.queryTimer = setTimeout(() => {
      this.queryTimer = null;
      const after = this.pages.baselineSeq;
      const input = { ...toListInput(this.filter), afterSeq: after, limit: PAGE_LIMIT };
      this.load(`new:${after}`, input, (r) => {
        const n = this.pages.insertHead(r.items);
        this.snap = { ...this.snap, topInserted: this.snap.topInserted + n };
      });
    }, QUERY_REFRESH_MS);
  }

  private load(
    key: string,
    paging: Parameters<Client['listEvents']>[0],
    done: (r: { items: EventSummary[]; hasMore: boolean }) => void,
  ): void {
    if (this.inflight.has(key)) return;
    this.inflight.add(key);
    const generation = this.snap.generation;
    this.client.listEvents({ ...toListInput(this.filter), ...paging }).then(
      (r) => {
        if (generation !== this.snap.generation) return;
        this.inflight.delete(key);
        done(r);
        this.emit({});
      },
      (err: Error) => {
        if (generation !== this.snap.generation) return;
        this.inflight.delete(key);
        this.emit({ error: err.message });
      },
    );
  }

  private emit(patch: Partial<ListSnapshot>): void {
    this.snap = {
      ...this.snap,
      ...patch,
      version: this.snap.version + 1,
      total: this.pages.total(),
      hasMore: this.pages.hasMore,
      hasNewer: this.pages.hasNewer,
    };
    for (const l of this.listeners) l();
  }
}
