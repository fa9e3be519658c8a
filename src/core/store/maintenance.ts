import type { BackgroundWrites } from '../store-health';
import type { Settings } from '../../shared/model';
import type { Clock } from '../types';
import type { RetentionLimits } from './event-store';
import type { EventLog } from './ports';

/** Retention deletes in chunks sized to take about this long (each holds the write lock). */
const CHUNK_MS = 4;
const MIN_CHUNK = 10;
const MAX_CHUNK = 500;
/** The most a chunk rests after itself (as long as it took), so deliveries get the thread. */
const MAX_REST_MS = 20;
/**
 * A long pass checkpoints the WAL this often (PASSIVE, on the checkpointer's thread), not only
 * at its end: each deleted event writes ~20 KB of WAL on a big log (its indexes, search index
 * and counters), so a pass deleting 100,000 grew the WAL to ~2 GB, every page read of the
 * pass searched a wal-index that large, and the one checkpoint at the end wrote it all at once
 * beside the receiver's commits.
 */
const PASS_CHECKPOINT_MS = 1000;
const DAY_MS = 86_400_000;

/**
 * Background upkeep off the ack path: retention (oldest first, in small chunks with a yield
 * between them so the receiver never waits long; an event whose forward is still queued is
 * kept and counted) and WAL checkpoints on a worker thread (auto-checkpoint is off, so commits
 * on the ack path never pay for one).
 */
export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private stopped = false;
  private lastRev = -1;
  private held = 0;

  constructor(
    /** The backend's WAL checkpoint (SQLite), or null when it has none. */
    private readonly checkpoint: ((mode: 'PASSIVE' | 'TRUNCATE') => Promise<unknown>) | null,
    private readonly events: EventLog,
    private readonly settings: () => Settings,
    private readonly clock: Clock,
    private readonly onDeleted: (ids: string[]) => void,
    private readonly intervalMs = 1000,
    /** Asked before retention deletes (disk guard, a failed write); told how writes went. */
    private readonly writes: BackgroundWrites | null = null,
    /** Time for chunk sizing and checkpoints during a pass (tests drive it). */
    private readonly now: () => number = () => performance.now(),
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

  /**
   * Events past the retention limits that the last run kept because their forward is still
   * queued (forwarding paused, or retrying); they go once forwarded or dead-lettered.
   */
  get heldForForwarding(): number {
    return this.held;
  }

  private limits(): RetentionLimits {
    const { maxEvents, maxAgeDays } = this.settings().retention;
    return {
      olderThanMs: maxAgeDays !== null ? this.clock() - maxAgeDays * DAY_MS : undefined,
      keep: maxEvents ?? undefined,
    };
  }

  private async run(): Promise<void> {
    // Deleting writes to the WAL too: not while the disk guard refuses or writes fail.
    // A chunk on a big log (its search index, counters and indexes) costs far more per row than
    // on a small one: the size follows what the last chunk took, and each rests as long as it
    // took, so acks wait at most about one chunk (a fixed 500 held them ~0.5 s on a million).
    let chunk = MIN_CHUNK;
    let checkpointed = this.now();
    let checkpointing: Promise<unknown> | null = null;
    for (let go = !this.writes || this.writes.mayWrite(); go;) {
      let ids: string[];
      const started = this.now();
      try {
        ids = await this.events.deleteOldest({ ...this.limits(), limit: chunk });
        this.writes?.succeeded();
      } catch (err) {
        this.writes?.failed(err, 'removing events past retention');
        break;
      }
      const took = this.now() - started;
      if (ids.length > 0) this.onDeleted(ids);
      if (ids.length < chunk || this.stopped) break;
      if (
        this.checkpoint &&
        checkpointing === null &&
        started - checkpointed >= PASS_CHECKPOINT_MS
      ) {
        // Not waited for: the pass goes on while the checkpointer's thread copies pages.
        checkpointed = started;
        checkpointing = this.checkpoint('PASSIVE')
          .catch(() => undefined)
          .finally(() => {
            checkpointing = null;
          });
      }
      chunk = Math.max(
        MIN_CHUNK,
        Math.min(MAX_CHUNK, Math.round((chunk * CHUNK_MS) / Math.max(took, 0.1))),
      );
      await new Promise((r) => setTimeout(r, Math.min(took, MAX_REST_MS)));
    }
    await checkpointing;
    this.held = await this.events.heldForForwarding(this.limits());
    // Quiet since the last run: truncate the WAL; else a PASSIVE pass keeps it bounded.
    const rev = await this.events.currentRev();
    const quiet = rev === this.lastRev;
    this.lastRev = rev;
    await this.checkpoint?.(quiet ? 'TRUNCATE' : 'PASSIVE').catch(() => undefined);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}

/**
 * What retention does to events just imported (received at `received`; the newest in the log,
 * aged from `now`), so the answer to an import says it rather than letting them vanish a
 * second later. Those first received before maxAgeDays are kept all the same: their age counts
 * from when they entered this log.
 */
export function importRetention(
  received: number[],
  now: number,
  retention: Settings['retention'],
): { pastRetention?: number; note?: string } {
  const { maxEvents, maxAgeDays } = retention;
  const n = received.length;
  const gone = maxAgeDays === 0 ? n : maxEvents !== null ? Math.max(0, n - maxEvents) : 0;
  if (gone > 0) {
    const why =
      maxAgeDays === 0 ? 'retention.maxAgeDays is 0' : `retention.maxEvents is ${maxEvents}`;
    return {
      pastRetention: gone,
      note: `${gone} of the ${n} imported events are past retention (${why}) and will be removed within seconds; raise the limit in Settings to keep them.`,
    };
  }
  const old =
    maxAgeDays === null ? 0 : received.filter((t) => t < now - maxAgeDays * DAY_MS).length;
  if (old === 0) return {};
  return {
    note: `${old} of the ${n} imported events were received more than ${maxAgeDays} days ago; retention counts their age from now, when they entered this log, so they are kept.`,
  };
}
