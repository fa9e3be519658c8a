import { statfs, statfsSync, type StatsFs } from 'node:fs';
import type { ReceiverHealth } from '../shared/model';

const MB = 1024 * 1024;

/** Bytes an unprivileged user may still write on that file system. */
const free = (s: StatsFs): number => s.bavail * s.bsize;

const freeSpace = (dir: string): Promise<number> =>
  new Promise((resolve, reject) => statfs(dir, (err, s) => (err ? reject(err) : resolve(free(s)))));

/** How often free space is measured. */
const INTERVAL_MS = 2000;

/**
 * Watches free space under the data folder. Below the threshold the receiver answers 507
 * (so providers retry later) instead of the process dying on a full disk; the UI is told.
 */
export class DiskGuard {
  private free: number | null = null;
  private low = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly minFree: () => number,
    private readonly publish: (h: ReceiverHealth) => void,
  ) {}

  /** Why deliveries are refused now, or null. Read on every request: no I/O. */
  refusal: string | null = null;

  start(): void {
    try {
      this.update(free(statfsSync(this.dir)));
    } catch {
      // An unreadable folder fails the log's own open with a clearer message.
    }
    this.timer = setInterval(() => void this.check(), INTERVAL_MS);
    this.timer.unref();
  }

  /** Measures now (also after the threshold changed); never rejects. */
  check(): Promise<void> {
    this.checking ??= freeSpace(this.dir)
      .then(
        (free) => this.update(free),
        () => undefined,
      )
      .finally(() => (this.checking = null));
    return this.checking;
  }

  health(): ReceiverHealth {
    return { diskLow: this.low, freeBytes: this.free, message: this.refusal };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private update(free: number): void {
    this.free = free;
    const min = this.minFree();
    const low = free < min;
    this.refusal = low
      ? `only ${Math.floor(free / MB)} MB free under ${this.dir}, below the ${Math.ceil(min / MB)} MB guard: deliveries are refused with 507 until space is freed (or the guard lowered in settings)`
      : null;
    if (low !== this.low) {
      this.low = low;
      this.publish(this.health());
    }
  }
}
