import { errorText } from '../format/error-text';

/** What a Loader holds: the last answer taken, the last failure, whether a request is out. */
export interface LoadState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
}

/**
 * A request: resolves to the answer; `progress` hands over a first part on the way (e.g. an
 * event before the rest of its body), taken only while the request is still the current one.
 */
export type Fetch<T> = (progress: (partial: T) => void) => Promise<T>;

/** Who hears of a request's answer or failure, once taken. */
export interface Taken<T> {
  onData?: (data: T) => void;
  onError?: (error: string) => void;
}

/**
 * One piece of data loaded from the engine and loaded again, with the stale-answer guard every
 * panel needs: only the newest request's answer is taken. An answer that arrives after a newer
 * request started, or after `cancel()` (the component unmounted, its inputs changed), is
 * dropped. `update` changes the data in place (a push carrying the change) and is applied to
 * the answer of the request in flight too, so a push that overtakes the load is not lost.
 * The React side is `useLoad` (hooks/use-load.ts); this part is plain, tested in Node.
 */
export class Loader<T> {
  private seq = 0;
  private state: LoadState<T> = { data: undefined, error: null, loading: false };
  /** Updates made while the current request is out, applied to its answer. */
  private pending: ((data: T) => T)[] = [];
  private readonly listeners = new Set<() => void>();

  /**
   * Starts a request; one still out is superseded (its answer will be dropped). `keep`: the
   * data (and error) shown stay until the answer; otherwise they are cleared at once (the
   * request is for other inputs, whose answer must not be mistaken for the old one's).
   * `taken` hears of the answer or the failure, when taken (never of a dropped one).
   */
  load(fetch: Fetch<T>, keep: boolean, taken: Taken<T> = {}): Promise<void> {
    const mine = ++this.seq;
    this.pending = [];
    this.set(
      keep ? { ...this.state, loading: true } : { data: undefined, error: null, loading: true },
    );
    const current = (): boolean => mine === this.seq;
    const progress = (partial: T): void => {
      if (current()) this.set({ ...this.state, data: this.applyPending(partial) });
    };
    let started: Promise<T>;
    try {
      started = fetch(progress);
    } catch (err) {
      started = Promise.reject(err);
    }
    return started.then(
      (answer) => {
        if (!current()) return;
        const data = this.applyPending(answer);
        this.pending = [];
        this.set({ data, error: null, loading: false });
        taken.onData?.(data);
      },
      (err: unknown) => {
        if (!current()) return;
        this.pending = [];
        const error = errorText(err);
        this.set({ ...this.state, error, loading: false });
        taken.onError?.(error);
      },
    );
  }

  /** Drops the answer of the request out, if any (nothing else changes). */
  cancel(): void {
    this.seq++;
    this.pending = [];
    if (this.state.loading) this.state = { ...this.state, loading: false };
  }

  /** Changes the data now (when there is any) and the answer of the request out (when one is). */
  update(change: (data: T) => T): void {
    if (this.state.loading) this.pending.push(change);
    if (this.state.data !== undefined) this.set({ ...this.state, data: change(this.state.data) });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LoadState<T> => this.state;

  private applyPending(data: T): T {
    return this.pending.reduce((d, change) => change(d), data);
  }

  private set(next: LoadState<T>): void {
    this.state = next;
    for (const l of [...this.listeners]) l();
  }
}
