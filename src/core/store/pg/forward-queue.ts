import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventSummary } from '../../../shared/model';
import type { ForwardQueue, JobOutcome, Lease, RedriveItem } from '../ports';
import {
  ATTEMPT_COLUMNS,
  attemptValues,
  DEFAULT_LEASE,
  toAttempt,
  toJob,
  type AttemptRecord,
  type AttemptRow,
  type ForwardJob,
  type JobRow,
} from '../forward-store';
import { transaction } from './db';

type ForwardStatus = EventSummary['forward']['status'];

/** Due: pending and due by now, or running under a lease that ran out and is not `owner`'s. */
const DUE = `((state = 'pending' AND next_at <= $1)
  OR (state = 'running' AND lease_until <= $1 AND claimed_by IS DISTINCT FROM $2))`;

/** How the queue reaches the event log in its own transactions (PgEventLog wires it). */
export interface EventMarks {
  /** Takes the log's lock (the order every event writer keeps: the lock, then rows). */
  lock(c: pg.PoolClient): Promise<number>;
  /** Sets the event's forward status with a new rev; null when the event is gone. */
  mark(c: pg.PoolClient, id: string, status: ForwardStatus): Promise<EventSummary | null>;
  /** Tells the log's listeners, after the commit. */
  emit(changes: EventSummary[]): void;
}

/**
 * The forward queue and attempt log on PostgreSQL (the ForwardQueue port), in the events'
 * database: a job is inserted in its event's append transaction. Claims take due rows with
 * `FOR UPDATE SKIP LOCKED` one at a time, in due order, under a lease, so claimers on several
 * connections or processes never get the same job and never wait for each other; a settle
 * writes the attempt, the job and the event's forward status in one transaction.
 */
export class PgForwardQueue implements ForwardQueue {
  private events: EventMarks | null = null;

  constructor(private readonly pool: pg.Pool) {}

  marksEventsWith(marks: EventMarks): void {
    this.events = marks;
  }

  /** Queues a forward inside the event's append transaction (see ForwardStore.insertJob). */
  async insertJob(
    c: pg.PoolClient,
    eventId: string,
    targetUrl: string,
    now: number,
    refused?: string,
  ): Promise<void> {
    const r = await c.query<JobRow>(
      `INSERT INTO forward_jobs (event_id, target_url, attempts, next_at, state, created_at, updated_at)
       VALUES ($1, $2, 0, $3, 'pending', $3, $3) RETURNING *`,
      [eventId, targetUrl, now],
    );
    if (refused !== undefined) await this.refuse(c, toJob(r.rows[0]!), refused, now);
  }

  /** A refused attempt recorded and the job dead (see ForwardStore.refuse). */
  private async refuse(
    c: pg.PoolClient,
    job: ForwardJob,
    reason: string,
    now: number,
  ): Promise<AttemptRecord> {
    const attempt: AttemptRecord = {
      id: randomUUID(),
      eventId: job.eventId,
      jobId: job.id,
      kind: job.redriven ? 'redrive' : 'live',
      targetUrl: job.targetUrl,
      attempt: job.attempts + 1,
      status: null,
      error: reason,
      durationMs: 0,
      at: now,
      responseHeaders: [],
      responseBody: Buffer.alloc(0),
      responseTruncated: false,
    };
    await this.record(c, attempt);
    await this.finishIn(c, job, { state: 'dead', nextAt: now, status: null, error: reason }, now);
    return attempt;
  }

  /**
   * A shared queue frees nothing at start: another process may hold these claims; leases run
   * out instead (ports.ts). Answers 0.
   */
  async resetRunning(): Promise<number> {
    return 0;
  }

  async claimDue(
    now: number,
    limit: number,
    accept: (job: ForwardJob, due: readonly ForwardJob[]) => boolean = () => true,
    lease: Lease = DEFAULT_LEASE,
  ): Promise<ForwardJob[]> {
    if (limit <= 0) return [];
    return transaction(this.pool, async (c) => {
      // What is due, for `accept` to see (no lock: a job another claimer holds is skipped below).
      const due = (
        await c.query<JobRow>(
          `SELECT * FROM forward_jobs WHERE ${DUE} ORDER BY next_at, id LIMIT $3`,
          [now, lease.owner, Math.min(limit * 16, 1000)],
        )
      ).rows.map(toJob);
      const picked: ForwardJob[] = [];
      for (const j of due) {
        if (picked.length >= limit) break;
        if (!accept(j, due)) continue;
        // Still due and not locked by another claimer (SKIP LOCKED: never wait for one).
        const r = await c.query<JobRow>(
          `UPDATE forward_jobs SET state = 'running', claimed_by = $2, lease_until = $3, updated_at = $1
           WHERE id = (SELECT id FROM forward_jobs WHERE id = $4 AND ${DUE} FOR UPDATE SKIP LOCKED)
           RETURNING *`,
          [now, lease.owner, now + lease.ms, j.id],
        );
        if (r.rows[0]) picked.push(toJob(r.rows[0]));
      }
      return picked;
    });
  }

  async nextDueAt(owner: string = DEFAULT_LEASE.owner): Promise<number | null> {
    const r = await this.pool.query<{ t: number | null }>(
      `SELECT least(
         (SELECT min(next_at) FROM forward_jobs WHERE state = 'pending'),
         (SELECT min(lease_until) FROM forward_jobs
           WHERE state = 'running' AND claimed_by IS DISTINCT FROM $1)) AS t`,
      [owner],
    );
    return r.rows[0]!.t;
  }

  private async finishIn(
    c: pg.PoolClient | pg.Pool,
    job: ForwardJob,
    patch: JobOutcome,
    now: number,
  ): Promise<void> {
    await c.query(
      `UPDATE forward_jobs SET state = $1, attempts = $2, next_at = $3, last_status = $4,
       last_error = $5, updated_at = $6, claimed_by = NULL, lease_until = NULL WHERE id = $7`,
      [patch.state, job.attempts + 1, patch.nextAt, patch.status, patch.error, now, job.id],
    );
  }

  async settle(
    job: ForwardJob,
    attempt: AttemptRecord,
    next: JobOutcome,
    eventStatus: ForwardStatus,
  ): Promise<boolean> {
    const out = await transaction(this.pool, async (c) => {
      await this.events?.lock(c);
      // Deleted while the attempt was out: nothing is recorded, nothing brings it back.
      const had = await c.query('SELECT 1 FROM forward_jobs WHERE id = $1 FOR UPDATE', [job.id]);
      if (!had.rowCount) return null;
      await this.record(c, attempt);
      if (attempt.targetUrl !== job.targetUrl)
        await c.query('UPDATE forward_jobs SET target_url = $1 WHERE id = $2', [
          attempt.targetUrl,
          job.id,
        ]);
      await this.finishIn(c, job, next, attempt.at);
      return { changed: (await this.events?.mark(c, job.eventId, eventStatus)) ?? null };
    });
    if (out === null) return false;
    if (out.changed) this.events?.emit([out.changed]);
    return true;
  }

  async refuseJob(job: ForwardJob, reason: string, now: number): Promise<AttemptRecord> {
    const { attempt, changed } = await transaction(this.pool, async (c) => {
      await this.events?.lock(c);
      const attempt = await this.refuse(c, job, reason, now);
      return { attempt, changed: (await this.events?.mark(c, job.eventId, 'dead')) ?? null };
    });
    if (changed) this.events?.emit([changed]);
    return attempt;
  }

  async finish(job: ForwardJob, patch: JobOutcome, now: number): Promise<void> {
    await this.finishIn(this.pool, job, patch, now);
  }

  async release(job: ForwardJob, nextAt: number, error: string, now: number): Promise<void> {
    await this.pool.query(
      `UPDATE forward_jobs SET state = 'pending', next_at = $1, last_error = $2, updated_at = $3,
       claimed_by = NULL, lease_until = NULL WHERE id = $4`,
      [nextAt, error, now, job.id],
    );
  }

  async recordAttempt(a: AttemptRecord): Promise<void> {
    await this.record(this.pool, a);
  }

  private async record(c: pg.PoolClient | pg.Pool, a: AttemptRecord): Promise<void> {
    const values = attemptValues(a);
    await c.query(
      `INSERT INTO forward_attempts (${ATTEMPT_COLUMNS})
       VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    );
  }

  async attemptsFor(eventId: string): Promise<AttemptRecord[]> {
    const r = await this.pool.query<AttemptRow>(
      'SELECT * FROM forward_attempts WHERE event_id = $1 ORDER BY at, n',
      [eventId],
    );
    return r.rows.map(toAttempt);
  }

  async deadJobOf(eventId: string): Promise<number | undefined> {
    const r = await this.pool.query<{ id: number }>(
      "SELECT id FROM forward_jobs WHERE event_id = $1 AND state = 'dead' ORDER BY id DESC LIMIT 1",
      [eventId],
    );
    return r.rows[0]?.id;
  }

  async deadCount(): Promise<number> {
    const r = await this.pool.query<{ n: number }>(
      "SELECT count(*)::bigint AS n FROM forward_jobs WHERE state = 'dead'",
    );
    return r.rows[0]!.n;
  }

  async listDead(limit: number, beforeId = Number.MAX_SAFE_INTEGER): Promise<ForwardJob[]> {
    const r = await this.pool.query<JobRow>(
      "SELECT * FROM forward_jobs WHERE state = 'dead' AND id < $1 ORDER BY id DESC LIMIT $2",
      [beforeId, limit],
    );
    return r.rows.map(toJob);
  }

  async job(id: number): Promise<ForwardJob | undefined> {
    const r = await this.pool.query<JobRow>('SELECT * FROM forward_jobs WHERE id = $1', [id]);
    return r.rows[0] ? toJob(r.rows[0]) : undefined;
  }

  async deadJobs(ids: number[] | 'all'): Promise<ForwardJob[]> {
    const r =
      ids === 'all'
        ? await this.pool.query<JobRow>(
            "SELECT * FROM forward_jobs WHERE state = 'dead' ORDER BY id",
          )
        : await this.pool.query<JobRow>(
            "SELECT * FROM forward_jobs WHERE state = 'dead' AND id = ANY($1::bigint[]) ORDER BY id",
            [ids],
          );
    const rows = r.rows.map(toJob);
    // In the order asked (as SQLite's answers).
    if (ids === 'all') return rows;
    return ids.flatMap((id) => rows.filter((j) => j.id === id).slice(0, 1));
  }

  async redrive(items: RedriveItem[], now: number): Promise<AttemptRecord[]> {
    return transaction(this.pool, async (c) => {
      const refused: AttemptRecord[] = [];
      for (const { job, targetUrl, refused: why, resign = false } of items) {
        // Only a job still dead: one redriven meanwhile is not put back while its attempt
        // may be out.
        const r = await c.query(
          `UPDATE forward_jobs SET state = 'pending', target_url = $1, attempts = 0, redriven = 1,
           resign = $2, next_at = $3, updated_at = $3 WHERE id = $4 AND state = 'dead'`,
          [targetUrl, resign ? 1 : 0, now, job.id],
        );
        if (!r.rowCount || why === null) continue;
        const again = { ...job, targetUrl, attempts: 0, redriven: true, resign };
        refused.push(await this.refuse(c, again, why, now));
      }
      return refused;
    });
  }

  async purge(ids: number[] | 'all'): Promise<number> {
    const r =
      ids === 'all'
        ? await this.pool.query("DELETE FROM forward_jobs WHERE state = 'dead'")
        : await this.pool.query(
            "DELETE FROM forward_jobs WHERE state = 'dead' AND id = ANY($1::bigint[])",
            [ids],
          );
    return r.rowCount ?? 0;
  }

  async pendingCount(): Promise<number> {
    const r = await this.pool.query<{ n: number }>(
      "SELECT count(*)::bigint AS n FROM forward_jobs WHERE state IN ('pending', 'running')",
    );
    return r.rows[0]!.n;
  }
}
