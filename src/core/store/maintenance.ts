import type { Settings } from '../../shared/model';
import type { Clock } from '../types';
import type { Db } from './db';
import type { EventStore } from './event-store';

const RETENTION_CHUNK = 500;
const DAY_MS = 86_400_000;

/**
 * Background upkeep off the ack path: retention (oldest first, in small chunks with a yield
 * between them so the receiver never waits long) and WAL checkpoints (auto-checkpoint is off,
 * so commits on the ack path never pay for one).
 */
export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
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
      void this.runOnce().finally(() => this.tick());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Enforces retention now and checkpoints the WAL; resolves when done. */
  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
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
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
