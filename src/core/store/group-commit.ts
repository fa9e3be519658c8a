interface Waiter<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: items enqueued during one event-loop turn are committed together by
 * `commitBatch` (one transaction, one fsync) on `setImmediate`, then each enqueuer's promise
 * settles with its own result. If the batch throws, every promise in it rejects with that error
 * and nothing in it is acknowledged.
 */
export class GroupCommit<T, R> {
  private queue: Waiter<T, R>[] = [];
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly commitBatch: (items: T[]) => R[]) {}

  /** Resolves once `item` is durably committed. */
  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Number of items waiting for the next commit. */
  get pending(): number {
    return this.queue.length;
  }

  /** Commits whatever is queued now (used on shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      let results: R[];
      try {
        results = this.commitBatch(batch.map((w) => w.item));
      } catch (err) {
        for (const w of batch) w.reject(err);
        results = [];
      }
      results.forEach((r, i) => batch[i]?.resolve(r));
    }
    const idle = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of idle) f();
  }

  /** Resolves after the queue has been committed (immediately when empty). */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
