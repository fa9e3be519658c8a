import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import type { EventSummary } from '../../shared/model';
import type { ForwardQueue, JobOutcome, Lease, RedriveItem } from './ports';

type ForwardStatus = EventSummary['forward']['status'];

export type JobState = 'pending' | 'running' | 'done' | 'dead';
export type AttemptKind = 'live' | 'replay' | 'redrive' | 'listener';

/** One event's delivery to the developer's app, retried until done or dead. */
export interface ForwardJob {
  id: number;
  eventId: string;
  targetUrl: string;
  attempts: number;
  nextAt: number;
  state: JobState;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** Put back in the queue from the dead-letter list. */
  redriven: boolean;
  /** Signed again with the endpoint's secret at each attempt (a redrive asked for it). */
  resign: boolean;
}

/** One HTTP exchange with a target, live forward or replay. */
export interface AttemptRecord {
  id: string;
  eventId: string;
  jobId: number | null;
  kind: AttemptKind;
  targetUrl: string;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  at: number;
  responseHeaders: [string, string][];
  responseBody: Buffer;
  responseTruncated: boolean;
  /** A listener's attempt: who sent it (its name). */
  by?: string | null;
}

/** A forward_jobs row, as every backend stores it. */
export interface JobRow {
  id: number;
  event_id: string;
  target_url: string;
  attempts: number;
  next_at: number;
  state: JobState;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  redriven: number;
  resign: number;
  claimed_by: string | null;
  lease_until: number | null;
}

/** A forward_attempts row, as every backend stores it. */
export interface AttemptRow {
  id: string;
  event_id: string;
  job_id: number | null;
  kind: AttemptKind;
  target_url: string;
  attempt: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
  at: number;
  response_headers: string | null;
  response_body: Buffer | null;
  response_truncated: number;
  sent_by?: string | null;
}

export const toJob = (r: JobRow): ForwardJob => ({
  id: r.id,
  eventId: r.event_id,
  targetUrl: r.target_url,
  attempts: r.attempts,
  nextAt: r.next_at,
  state: r.state,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  redriven: r.redriven === 1,
  resign: r.resign === 1,
});

export const toAttempt = (r: AttemptRow): AttemptRecord => ({
  id: r.id,
  eventId: r.event_id,
  jobId: r.job_id,
  kind: r.kind,
  targetUrl: r.target_url,
  attempt: r.attempt,
  status: r.status,
  error: r.error,
  durationMs: r.duration_ms,
  at: r.at,
  responseHeaders: r.response_headers ? (JSON.parse(r.response_headers) as [string, string][]) : [],
  responseBody: r.response_body ?? Buffer.alloc(0),
  responseTruncated: r.response_truncated === 1,
  ...(r.sent_by ? { by: r.sent_by } : {}),
});

/** The columns of a forward_attempts row as written, in ATTEMPT_COLUMNS order. */
export const ATTEMPT_COLUMNS =
  'id, event_id, job_id, kind, target_url, attempt, status, error, duration_ms, at, ' +
  'response_headers, response_body, response_truncated, sent_by';

/** An attempt's values for an INSERT of ATTEMPT_COLUMNS (toAttempt's inverse). */
export const attemptValues = (a: AttemptRecord): unknown[] => [
  a.id,
  a.eventId,
  a.jobId,
  a.kind,
  a.targetUrl,
  a.attempt,
  a.status,
  a.error,
  a.durationMs,
  a.at,
  JSON.stringify(a.responseHeaders),
  a.responseBody,
  a.responseTruncated ? 1 : 0,
  a.by ?? null,
];

/**
 * The lease of a claim made without one (tests, tools): an owner no forwarder uses, held
 * for a minute.
 */
export const DEFAULT_LEASE: Lease = { owner: 'local', ms: 60_000 };

/**
 * The durable forward queue and the attempt log, in the same SQLite file as the events: a
 * job is inserted in the same transaction as its event, so an acknowledged delivery never
 * loses its forward, even on a crash. The `ForwardQueue` port's methods answer promises (a
 * network database needs a round trip); here each runs at once, in one SQLite transaction.
 */
export class ForwardStore implements ForwardQueue {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO forward_jobs (event_id, target_url, attempts, next_at, state, created_at, updated_at)
         VALUES (?, ?, 0, ?, 'pending', ?, ?)`,
      ),
      resetRunning: db.prepare(
        "UPDATE forward_jobs SET state = 'pending', claimed_by = NULL, lease_until = NULL WHERE state = 'running'",
      ),
      // Due: pending and due by now, or running under a lease that ran out (its holder died or
      // hung) and is not the claimer's own (an attempt of its own still in flight). Each part
      // is read in index order up to the limit, so a long backlog is never sorted whole.
      due: db.prepare(
        `SELECT * FROM (SELECT * FROM forward_jobs WHERE state = 'pending' AND next_at <= @now
           ORDER BY next_at, id LIMIT @limit)
         UNION ALL
         SELECT * FROM (SELECT * FROM forward_jobs WHERE state = 'running' AND lease_until <= @now
           AND claimed_by IS NOT @owner ORDER BY next_at, id LIMIT @limit)
         ORDER BY next_at, id LIMIT @limit`,
      ),
      claim: db.prepare(
        "UPDATE forward_jobs SET state = 'running', claimed_by = ?, lease_until = ?, updated_at = ? WHERE id = ?",
      ),
      nextDue: db.prepare(
        `SELECT min(t) AS t FROM (
           SELECT min(next_at) AS t FROM forward_jobs WHERE state = 'pending'
           UNION ALL SELECT min(lease_until) FROM forward_jobs
             WHERE state = 'running' AND claimed_by IS NOT ?)`,
      ),
      finish: db.prepare(
        `UPDATE forward_jobs SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ?,
         updated_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`,
      ),
      release: db.prepare(
        `UPDATE forward_jobs SET state = 'pending', next_at = ?, last_error = ?, updated_at = ?,
         claimed_by = NULL, lease_until = NULL WHERE id = ?`,
      ),
      attempt: db.prepare(
        `INSERT INTO forward_attempts (${ATTEMPT_COLUMNS}) VALUES (${Array(14).fill('?').join(', ')})`,
      ),
      attemptsFor: db.prepare(
        'SELECT * FROM forward_attempts WHERE event_id = ? ORDER BY at, rowid',
      ),
      dead: db.prepare(
        "SELECT * FROM forward_jobs WHERE state = 'dead' AND id < ? ORDER BY id DESC LIMIT ?",
      ),
      job: db.prepare('SELECT * FROM forward_jobs WHERE id = ?'),
      retarget: db.prepare('UPDATE forward_jobs SET target_url = ? WHERE id = ?'),
      pendingCount: db.prepare(
        "SELECT count(*) AS n FROM forward_jobs WHERE state IN ('pending', 'running')",
      ),
    };
  }

  /**
   * Queues a forward (call inside the event's commit transaction). With `refused` (why the
   * forward may not be sent), the job goes to the dead-letter list at once, with that reason
   * as its one attempt and nothing sent.
   */
  insertJob(eventId: string, targetUrl: string, now: number, refused?: string): void {
    const { lastInsertRowid } = this.s.insert.run(eventId, targetUrl, now, now, now);
    if (refused === undefined) return;
    const job = this.jobNow(Number(lastInsertRowid))!;
    this.refuse(job, refused, now);
  }

  /**
   * Records a forward that is not sent (see `forwardUrl`): an attempt with no status and the
   * reason as its error, and the job dead, never retried. Returns the attempt.
   */
  private refuse(job: ForwardJob, reason: string, now: number): AttemptRecord {
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
    this.transaction(() => {
      this.record(attempt);
      this.finishNow(job, { state: 'dead', nextAt: now, status: null, error: reason }, now);
    });
    return attempt;
  }

  /** After a crash: jobs that were in flight are pending again (at-least-once). */
  async resetRunning(): Promise<number> {
    return this.s.resetRunning.run().changes;
  }

  /**
   * Claims up to `limit` due jobs (state running, under `lease`) in due order, skipping those
   * `accept` turns down (it sees every due job looked at, to know who else is waiting). One
   * transaction: SQLite has one writer, so two claimers never get the same job.
   */
  async claimDue(
    now: number,
    limit: number,
    accept: (job: ForwardJob, due: readonly ForwardJob[]) => boolean = () => true,
    lease: Lease = DEFAULT_LEASE,
  ): Promise<ForwardJob[]> {
    if (limit <= 0) return [];
    return this.db.transaction(() => {
      // Look past the first `limit`: some may be turned down.
      const rows = this.s.due.all({
        now,
        owner: lease.owner,
        limit: Math.min(limit * 16, 1000),
      }) as JobRow[];
      const due = rows.map(toJob);
      const picked: ForwardJob[] = [];
      for (const j of due) {
        if (picked.length >= limit) break;
        if (!accept(j, due)) continue;
        this.s.claim.run(lease.owner, now + lease.ms, now, j.id);
        picked.push({ ...j, state: 'running' });
      }
      return picked;
    })();
  }

  /** When the next job is due (ms): pending, or a lease not `owner`'s running out; or null. */
  async nextDueAt(owner: string = DEFAULT_LEASE.owner): Promise<number | null> {
    return (this.s.nextDue.get(owner) as { t: number | null }).t;
  }

  /** Runs `fn` in one transaction (one commit) with the event log's writes it makes. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** How the queue sets an event's forward status in its own transactions (the event log's). */
  private markEvent: (eventId: string, status: ForwardStatus) => void = () => undefined;

  /** Wires the event log's status write (same database: one commit for job and event). */
  marksEventsWith(mark: (eventId: string, status: ForwardStatus) => void): void {
    this.markEvent = mark;
  }

  async settle(
    job: ForwardJob,
    attempt: AttemptRecord,
    next: JobOutcome,
    eventStatus: ForwardStatus,
  ): Promise<boolean> {
    return this.transaction(() => {
      // Deleted while the attempt was out (the user deleted its event): its answer is not
      // kept, and nothing brings the job back.
      if (!this.s.job.get(job.id)) return false;
      this.record(attempt);
      if (attempt.targetUrl !== job.targetUrl) this.s.retarget.run(attempt.targetUrl, job.id);
      this.finishNow(job, next, attempt.at);
      this.markEvent(job.eventId, eventStatus);
      return true;
    });
  }

  async refuseJob(job: ForwardJob, reason: string, now: number): Promise<AttemptRecord> {
    return this.transaction(() => {
      const attempt = this.refuse(job, reason, now);
      this.markEvent(job.eventId, 'dead');
      return attempt;
    });
  }

  async finish(job: ForwardJob, patch: JobOutcome, now: number): Promise<void> {
    this.finishNow(job, patch, now);
  }

  /** Records where a job stands after an attempt (the claim ends). */
  private finishNow(job: ForwardJob, patch: JobOutcome, now: number): void {
    this.s.finish.run(
      patch.state,
      job.attempts + 1,
      patch.nextAt,
      patch.status,
      patch.error,
      now,
      job.id,
    );
  }

  async release(job: ForwardJob, nextAt: number, error: string, now: number): Promise<void> {
    this.s.release.run(nextAt, error, now, job.id);
  }

  async recordAttempt(a: AttemptRecord): Promise<void> {
    this.record(a);
  }

  private record(a: AttemptRecord): void {
    this.s.attempt.run(...attemptValues(a));
  }

  async attemptsFor(eventId: string): Promise<AttemptRecord[]> {
    return (this.s.attemptsFor.all(eventId) as AttemptRow[]).map(toAttempt);
  }

  async deadJobOf(eventId: string): Promise<number | undefined> {
    const row = this.db
      .prepare("SELECT id FROM forward_jobs WHERE event_id = ? AND state = 'dead' ORDER BY id DESC")
      .get(eventId) as { id: number } | undefined;
    return row?.id;
  }

  async deadCount(): Promise<number> {
    return (
      this.db.prepare("SELECT count(*) AS n FROM forward_jobs WHERE state = 'dead'").get() as {
        n: number;
      }
    ).n;
  }

  async listDead(limit: number, beforeId = Number.MAX_SAFE_INTEGER): Promise<ForwardJob[]> {
    return (this.s.dead.all(beforeId, limit) as JobRow[]).map(toJob);
  }

  async job(id: number): Promise<ForwardJob | undefined> {
    return this.jobNow(id);
  }

  private jobNow(id: number): ForwardJob | undefined {
    const r = this.s.job.get(id) as JobRow | undefined;
    return r ? toJob(r) : undefined;
  }

  async deadJobs(ids: number[] | 'all'): Promise<ForwardJob[]> {
    const rows = (
      ids === 'all'
        ? this.db.prepare("SELECT * FROM forward_jobs WHERE state = 'dead' ORDER BY id").all()
        : ids
            .map((id) => this.s.job.get(id))
            .filter((r) => (r as JobRow | undefined)?.state === 'dead')
    ) as JobRow[];
    return rows.map(toJob);
  }

  /**
   * Puts dead jobs back in the queue, due now, to `targetUrl`, with a fresh attempt count, each
   * re-signed at every attempt when its `resign` is set. One with `refused` (its URL may not be
   * sent to) stays dead with a refused attempt instead; returns those attempts.
   */
  async redrive(items: RedriveItem[], now: number): Promise<AttemptRecord[]> {
    const requeue = this.db.prepare(
      // Only a job still dead: one redriven meanwhile (another window, another instance) is not
      // put back while its attempt may be out.
      "UPDATE forward_jobs SET state = 'pending', target_url = ?, attempts = 0, redriven = 1, resign = ?, next_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'",
    );
    return this.transaction(() => {
      const refused: AttemptRecord[] = [];
      for (const { job, targetUrl, refused: why, resign = false } of items) {
        if (requeue.run(targetUrl, resign ? 1 : 0, now, now, job.id).changes === 0) continue;
        if (why === null) continue;
        const again = { ...job, targetUrl, attempts: 0, redriven: true, resign };
        refused.push(this.refuse(again, why, now));
      }
      return refused;
    });
  }

  async purge(ids: number[] | 'all'): Promise<number> {
    if (ids === 'all')
      return this.db.prepare("DELETE FROM forward_jobs WHERE state = 'dead'").run().changes;
    const del = this.db.prepare("DELETE FROM forward_jobs WHERE id = ? AND state = 'dead'");
    return this.db.transaction(() => ids.reduce((n, id) => n + del.run(id).changes, 0))();
  }

  async pendingCount(): Promise<number> {
    return (this.s.pendingCount.get() as { n: number }).n;
  }

  /** Drops jobs and attempts of deleted events (inside the event log's delete). */
  forgetEvents(eventIds: string[] | 'all'): void {
    if (eventIds === 'all') {
      this.db.exec('DELETE FROM forward_jobs; DELETE FROM forward_attempts;');
      return;
    }
    const j = this.db.prepare('DELETE FROM forward_jobs WHERE event_id = ?');
    const a = this.db.prepare('DELETE FROM forward_attempts WHERE event_id = ?');
    this.db.transaction(() => {
      for (const id of eventIds) {
        j.run(id);
        a.run(id);
      }
    })();
  }
}
