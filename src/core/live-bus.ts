import type { Push, PushMessage, PushName } from '../shared/contract';
import type { EventSummary } from '../shared/model';

type Listener = (push: PushMessage) => void;

/**
 * The live push bus. Event summaries are collected and sent as one `events.batch` per window
 * (~50 ms), newest version of each event only, ordered by rev; other pushes go out at once,
 * after the batch pending before them: a listener sees a delivery before its forward attempts.
 */
export class LiveBus {
  private pending = new Map<string, EventSummary>();
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<Listener>();
  private queuedRev = 0;

  /**
   * The highest rev handed to the bus (sent, or queued for the next batch): a subscriber that
   * joins now is sent every change above it, and reads the log for those below.
   */
  get liveRev(): number {
    return this.queuedRev;
  }

  constructor(private readonly windowMs = 50) {}

  /** Subscribes to every push; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues changed summaries for the next batch. */
  publishSummaries(items: EventSummary[]): void {
    for (const s of items) {
      this.pending.set(s.id, s);
      if (s.rev > this.queuedRev) this.queuedRev = s.rev;
    }
    if (!this.timer && this.pending.size > 0) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
    }
  }

  /** Sends a push to every subscriber now. */
  emit<P extends PushName>(name: P, payload: Push<P>): void {
    if (name !== 'events.batch' && this.pending.size > 0) this.flush();
    const push = { name, payload } as PushMessage;
    for (const l of this.listeners) l(push);
  }

  /** Sends the pending batch now (also used on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const items = [...this.pending.values()].sort((a, b) => a.rev - b.rev);
    this.pending.clear();
    this.emit('events.batch', { rev: items[items.length - 1]!.rev, items });
  }

  /** Drops items already queued for removed events so a batch never resurrects them. */
  forget(ids: string[] | 'all'): void {
    if (ids === 'all') this.pending.clear();
    else for (const id of ids) this.pending.delete(id);
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }
}
