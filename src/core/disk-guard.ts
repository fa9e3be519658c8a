import { statfs, statfsSync } from 'node:fs';
import type { ReceiverHealth } from '../shared/model';

const MB = 1024 * 1024;

/** Free bytes for an unprivileged user on the file system holding `dir`. */
export type FreeSpace = (dir: string) => Promise<number>;

const freeSpace: FreeSpace = (dir) =>
  new Promise((resolve, reject) =>
    statfs(dir, (err, s) => (err ? reject(err) : resolve(s.bavail * s.bsize))),
  );

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
    private readonly intervalMs = 2000,
    private readonly measure: FreeSpace = freeSpace,
  ) {}

  /** Why deliveries are refused now, or null. Read on every request: no I/O. */
  refusal: string | null = null;

  start(): void {
    try {
      const s = statfsSync(this.dir);
      this.update(s.bavail * s.bsize);
    } catch {
      // An unreadable folder fails the log's own open with a clearer message.
    }
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Measures now (also after the threshold changed); never rejects. */
  check(): Promise<void> {
    this.checking ??= this.measure(this.dir)
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
