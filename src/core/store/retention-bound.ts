import type { Db } from './db';
import type { RetentionLimits } from './event-store';

/** Rows one step of a walk reads (~1 µs each): a step costs about a millisecond. */
export const WALK_STEP = 1024;

/** Where a walk from the oldest event has got to. */
interface KeepWalk {
  keep: number;
  /** The walk has read every event with seq ≤ at… */
  at: number;
  /** …of which this many are still in the log (all past retention: n ≤ total - keep). */
  n: number;
}

interface AgeWalk {
  olderThanMs: number;
  /** Every event with seq ≤ at entered the log before olderThanMs… */
  at: number;
  /** …and this is the first that did not, once found (the walk stops there). */
  young: number | null;
}

/** A retention bound: events with a lower seq are past retention. */
export interface Bound {
  seq: number;
  /** False while a walk is still under way: `seq` is then a safe bound, not yet the whole. */
  complete: boolean;
  /** Whether this call walked any further. */
  moved: boolean;
}

/**
 * Where retention's bound lies, found by walking the log from the oldest event a step at a
 * time and remembered between chunks, so no chunk pays for more than a step (an OFFSET walk of
 * ~100,000 rows at every chunk, once the log grew by a delivery, held the receiver's thread
 * for a tenth of a second each time).
 *
 * Events enter the log in seq order (deliveries and imports alike), and retention itself only
 * deletes below the bound, so the walks stay valid: under `keep`, k events appended move the
 * first event to keep exactly k events forward (the walk goes on from where it was); under
 * `olderThanMs`, a later cutoff moves the first young event only forward. Anything else that
 * deletes (deleteIds, deleteAll) or a looser limit starts the walk again (`reset`).
 */
export class RetentionBound {
  private keepWalk: KeepWalk | null = null;
  private ageWalk: AgeWalk | null = null;
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      // The seq `offset + 1` events after `at` (an OFFSET walk of the table's own order).
      after: db.prepare('SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT 1 OFFSET ?'),
      // Of the next `step` events after `at`: how many, the last one and the first young one.
      ageStep: db.prepare(
        `SELECT count(*) AS n, max(seq) AS last, min(CASE WHEN t >= @cutoff THEN seq END) AS young
         FROM (SELECT seq, coalesce(stored_at, received_at) AS t FROM events
               WHERE seq > @at ORDER BY seq LIMIT @step)`,
      ),
    };
  }

  /** Forgets both walks (events were deleted other than by retention, or all of them). */
  reset(): void {
    this.keepWalk = null;
    this.ageWalk = null;
  }

  /** Retention deleted these events (all below the last bound). */
  deleted(seqs: readonly number[]): void {
    const w = this.keepWalk;
    if (w) w.n -= seqs.filter((s) => s <= w.at).length;
  }

  /**
   * The bound for `limits` on a log of `total` events, walking at most `rows` further on
   * each walk not yet done (0: only what is known).
   */
  bound(limits: RetentionLimits, total: number, rows: number): Bound {
    this.moved = false;
    const keep = limits.keep === undefined ? null : this.keepBound(limits.keep, total, rows);
    const age = limits.olderThanMs === undefined ? null : this.ageBound(limits.olderThanMs, rows);
    return {
      seq: Math.max(keep?.seq ?? 0, age?.seq ?? 0),
      complete: (keep?.complete ?? true) && (age?.complete ?? true),
      moved: this.moved,
    };
  }

  private moved = false;

  private keepBound(keep: number, total: number, rows: number): Omit<Bound, 'moved'> {
    const excess = total - keep;
    let w = this.keepWalk;
    // A new limit, or fewer events past it than the walk has counted (a limit raised, events
    // deleted otherwise): walk again from the oldest.
    if (!w || w.keep !== keep || w.n > Math.max(excess, 0)) {
      w = this.keepWalk = { keep, at: 0, n: 0 };
    }
    if (excess <= 0) return { seq: 0, complete: true };
    const want = excess - w.n;
    if (want > 0 && rows > 0) {
      const step = Math.min(want, rows);
      const row = this.stmts.after.get(w.at, step - 1) as { seq: number } | undefined;
      // No such event only if the total were wrong: then nothing past what is known goes.
      if (!row) return { seq: w.n > 0 ? w.at + 1 : 0, complete: true };
      w.at = row.seq;
      w.n += step;
      this.moved = true;
    }
    return { seq: w.n > 0 ? w.at + 1 : 0, complete: w.n === excess };
  }

  private ageBound(olderThanMs: number, rows: number): Omit<Bound, 'moved'> {
    let w = this.ageWalk;
    if (!w || olderThanMs < w.olderThanMs) {
      w = this.ageWalk = { olderThanMs, at: 0, young: null };
    } else if (olderThanMs > w.olderThanMs) {
      // A later cutoff: the first young event may be old now; everything before it still is.
      if (w.young !== null) w.at = w.young - 1;
      w.young = null;
      w.olderThanMs = olderThanMs;
    }
    if (w.young === null && rows > 0) {
      const r = this.stmts.ageStep.get({ cutoff: olderThanMs, at: w.at, step: rows }) as {
        n: number;
        last: number | null;
        young: number | null;
      };
      if (r.young !== null) w.young = r.young;
      else if (r.last !== null) w.at = r.last;
      this.moved ||= r.n > 0;
      // Read to the newest event without finding a young one: every event is past the limit
      // (the walk goes on from there when more arrive).
      if (r.young === null && r.n < rows) return { seq: w.at + 1, complete: true };
    }
    if (w.young !== null) return { seq: w.young, complete: true };
    return { seq: w.at + 1, complete: false };
  }
}
