import type { Push } from '../../../shared/contract';
import type { EventSummary } from '../../../shared/model';

/** One live change, in arrival order. */
export type LiveOp =
  | { kind: 'batch'; items: EventSummary[] }
  | { kind: 'deleted'; payload: Push<'events.deleted'> }
  | { kind: 'reset' };

/** Requests one call of `run` soon (next animation frame); returns a canceller. */
export type Scheduler = (run: () => void) => () => void;

/**
 * The next animation frame, or 100 ms when frames do not come (a hidden tab or a minimised
 * window get no frames, but the list must still keep up).
 */
export const frameScheduler: Scheduler = (run) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, 100);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

/**
 * Collects live pushes and hands them over at most once per frame, in order, cutting large
 * batches into slices of `sliceSize` summaries so no single frame does too much work.
 */
export class PushQueue {
  private ops: LiveOp[] = [];
  private cancel: (() => void) | null = null;
  private paused = false;

  constructor(
    private readonly apply: (ops: LiveOp[]) => void,
    private readonly schedule: Scheduler = frameScheduler,
    private readonly sliceSize = 2000,
  ) {}

  /** Queues a push for the next frame. */
  push(op: LiveOp): void {
    if (op.kind === 'reset') this.ops = [];
    const last = this.ops[this.ops.length - 1];
    if (op.kind === 'batch' && last?.kind === 'batch') last.items = last.items.concat(op.items);
    else this.ops.push(op.kind === 'batch' ? { kind: 'batch', items: [...op.items] } : op);
    this.arm();
  }

  /** Holds everything queued until `resume` (the user paused the live list). */
  pause(): void {
    this.paused = true;
    this.cancel?.();
    this.cancel = null;
  }

  /** Lets queued and further pushes through again. */
  resume(): void {
    this.paused = false;
    this.arm();
  }

  /** Distinct events waiting (while paused, or until the next frame) that pass `which`. */
  pending(which: (e: EventSummary) => boolean = () => true): number {
    const ids = new Set<string>();
    for (const op of this.ops) {
      if (op.kind === 'batch') for (const e of op.items) if (which(e)) ids.add(e.id);
    }
    return ids.size;
  }

  /** Drops everything queued and stops. */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.ops = [];
  }

  private arm(): void {
    if (this.paused || this.cancel || this.ops.length === 0) return;
    this.cancel = this.schedule(() => {
      this.cancel = null;
      this.flush();
    });
  }

  private flush(): void {
    const out: LiveOp[] = [];
    let budget = this.sliceSize;
    while (this.ops.length > 0 && budget > 0) {
      const op = this.ops[0]!;
      if (op.kind !== 'batch') {
        out.push(this.ops.shift()!);
        continue;
      }
      if (op.items.length <= budget) {
        budget -= op.items.length;
        out.push(this.ops.shift()!);
      } else {
        out.push({ kind: 'batch', items: op.items.slice(0, budget) });
        op.items = op.items.slice(budget);
        budget = 0;
      }
    }
    this.apply(out);
    this.arm();
  }
}
