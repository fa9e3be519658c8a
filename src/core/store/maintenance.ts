import type { Settings } from '../../shared/model';
import type { Clock } from '../types';
import type { Checkpointer } from './checkpointer';
import type { EventStore } from './event-store';

const RETENTION_CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Background upkeep off the ack path: retention (oldest first, in small chunks with a yield
 * between them so the receiver never waits long) and WAL checkpoints on a worker thread
 * (auto-checkpoint is off, so commits on the ack path never pay for one).
 */
export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private stopped = false;
  private lastRev = -1;

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly events: EventStore,
    private readonly settings: () => Settings,
    private readonly clock: Clock,
    private readonly onDeleted: (ids: string[]) => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch(() => undefined) // upkeep failing must not take the receiver down; next tick retries
        .finally(() => this.tick());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Enforces retention now and checkpoints the WAL; resolves when done. */
  runOnce(): Promise<void> {
    this.current ??= this.run().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async run(): Promise<void> {
    const { maxEvents, maxAgeDays } = this.settings().retention;
    for (;;) {
      const ids = this.events.deleteOldest({
        ...(maxAgeDays !== null ? { olderThanMs: this.clock() - maxAgeDays * DAY_MS } : {}),
        ...(maxEvents !== null ? { keep: maxEvents } : {}),
        limit: RETENTION_CHUNK,
      });
      if (ids.length > 0) this.onDeleted(ids);
      if (ids.length < RETENTION_CHUNK || this.stopped) break;
      await new Promise((r) => setImmediate(r));
    }
    // Quiet since the last run: truncate the WAL; else a PASSIVE pass keeps it bounded.
    const quiet = this.events.currentRev === this.lastRev;
    this.lastRev = this.events.currentRev;
    await this.checkpointer.checkpoint(quiet ? 'TRUNCATE' : 'PASSIVE').catch(() => undefined);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
