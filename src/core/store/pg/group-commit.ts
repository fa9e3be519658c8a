interface Waiter<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/** An item of a batch that failed on its own (the rest of the batch was committed). */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit over an asynchronous database: the items enqueued while no batch is being
 * committed (or while one is) go together in the next batch: one transaction, one WAL flush.
 * Each enqueuer's promise settles with its own result once the batch committed; when the
 * batch fails, every promise in it rejects and nothing in it was committed.
 */
export class AsyncGroupCommit<T, R> {
  private queue: Waiter<T, R>[] = [];
  private running: Promise<void> | null = null;
  private idle: (() => void)[] = [];

  constructor(
    /** One result per item, in order; an `ItemFailed` rejects that item's promise alone. */
    private readonly commitBatch: (items: T[]) => Promise<(R | ItemFailed)[]>,
    private readonly maxBatch = 256,
  ) {}

  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // The first waits one turn of the event loop, so the appends of that turn share it.
      this.running ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.commitBatch(batch.map((w) => w.item));
        results.forEach((r, i) =>
          r instanceof ItemFailed ? batch[i]!.reject(r.error) : batch[i]!.resolve(r),
        );
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.running = null;
    for (const f of this.idle.splice(0)) f();
  }

  /** Resolves once everything enqueued so far is committed (or failed). */
  drained(): Promise<void> {
    if (this.running === null) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
