import type { BackgroundWrites } from '../store-health';
import { randomUUID } from 'node:crypto';
import type { ForwardUrl } from '../../shared/forward-url';
import type { AttemptRecord, ForwardJob, ForwardQueue } from '../store/ports';
import type { Clock, StoredRequest } from '../types';
import { forwardRequest } from './prepare';
import { Redactor } from './redact';
import { classify, nextDelay, parseRetryAfter, type RetryPolicy } from './retry-policy';
import { notSent, send, type SendResult } from './send';

/** Forwarding settings, read before every round so changes apply at once. */
export interface ForwardSettings {
  paused: boolean;
  concurrency: number;
  timeoutMs: number;
  retry: RetryPolicy;
  /**
   * How much longer than `timeoutMs` a claim holds before another instance may take the job
   * over (a killed instance's jobs wait this long); default LEASE_MARGIN_MS.
   */
  leaseMarginMs?: number;
}

/** What the forwarder needs from the event log. */
export interface ForwardEvents {
  /** The stored request, or null when the event was deleted. */
  source(eventId: string): Promise<StoredRequest | null>;
}

/** The scheme, host and port a job goes to (its slot share is per origin). */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Response bytes kept per attempt. */
/**
 * Where a job stands after one of its attempts: the attempts it may make, the next one and
 * when (epoch ms) while it is retried, or that it gave up (dead-lettered).
 */
export interface QueueOutcome {
  maxAttempts: number;
  next?: { attempt: number; at: number };
  deadLettered: boolean;
}

export const MAX_RESPONSE_BYTES = 64 * 1024;
/** First wait before writing again after the log refused a write; it doubles up to the max. */
const STORE_RETRY_MS = 100;
const MAX_STORE_RETRY_MS = 10_000;
/** A claim holds this much longer than an attempt may take (its timeout), then may be taken over. */
export const LEASE_MARGIN_MS = 60_000;
/** How soon to look again while background writes are held back. */
const WRITES_BLOCKED_RETRY_MS = 1000;

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Works the durable forward queue after the ack: claims due jobs up to the concurrency limit,
 * sends each, records the attempt, and retries (backoff, Retry-After) or dead-letters it. A
 * slow or broken target never touches the receiver: everything here runs after the 2xx.
 */
export class Forwarder {
  private inFlight = new Set<Promise<void>>();
  /** Attempts in flight per target origin. */
  private readonly perTarget = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Set once the log may be closing: late answers are not recorded (the job stays running and is retried on the next start). */
  private closed = false;
  /** This forwarder's claims (a lease's owner): one per process life. */
  private readonly owner = randomUUID();
  /** Jobs a previous life left running, freed before the first claim. */
  private ready: Promise<void> = Promise.resolve();
  private resumed = true;
  /** The claim being made (one at a time), and whether another was asked for meanwhile. */
  private claiming: Promise<void> | null = null;
  private kickedAgain = false;

  constructor(
    private readonly store: ForwardQueue,
    private readonly events: ForwardEvents,
    private readonly settings: () => ForwardSettings,
    private readonly clock: Clock,
    /** Told of each attempt once recorded, with where its job stands now. */
    private readonly onAttempt: (a: AttemptRecord, queue: QueueOutcome) => void,
    /** An endpoint's secrets, taken out of what the target answers before it is stored. */
    private readonly secretsOf: (endpointId: string) => readonly string[] = () => [],
    /**
     * Where a delivery goes now (its endpoint's current target, `currentTarget`), or why it
     * may not be sent; null keeps the job's own target.
     */
    private readonly targetOf: (src: StoredRequest) => ForwardUrl | null = () => null,
    /** Asked before claiming work (disk guard, a failed write); told how writes went. */
    private readonly writes: BackgroundWrites | null = null,
    /**
     * A job redriven with re-signing: the request signed again now for `url` (headers and body),
     * or why it cannot be (then nothing is sent and the attempt says so).
     */
    private readonly resign: (
      src: StoredRequest,
      url: string,
    ) => { headers: [string, string][]; body: Buffer } | { error: string } = () => ({
      error: 'no signer',
    }),
  ) {}

  /** Resumes after a restart: jobs that were in flight are retried (at-least-once). */
  start(): void {
    this.stopped = false;
    this.closed = false;
    this.resumed = false;
    this.ready = this.store
      .resetRunning()
      .then(
        () => undefined,
        (err: unknown) => {
          // Not freed now: they are taken over when their leases run out.
          this.writes?.failed(err, 'resuming forwards');
        },
      )
      .finally(() => (this.resumed = true));
    this.kick();
  }

  /** Looks for due work now (new jobs, finished ones, changed settings). Never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // The disk guard refuses or the log failed a write: send nothing whose result could not
    // be written (it would be sent again); look again shortly.
    if (this.writes && !this.writes.mayWrite()) return this.later(WRITES_BLOCKED_RETRY_MS);
    // One claim at a time: one asked for meanwhile runs when it ends.
    if (this.claiming) {
      this.kickedAgain = true;
      return;
    }
    this.claiming = this.claim()
      .catch((err: unknown) => {
        // The log could not be read or written (disk full, I/O error): look again shortly.
        this.writes?.failed(err, 'claiming a forward');
        this.later(STORE_RETRY_MS);
      })
      .finally(() => {
        this.claiming = null;
        if (!this.kickedAgain) return;
        this.kickedAgain = false;
        this.kick();
      });
  }

  private later(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), ms);
    this.timer.unref();
  }

  private async claim(): Promise<void> {
    // Once resumed, the claim starts at once (in the caller's turn), not a turn later.
    if (!this.resumed) await this.ready;
    const s = this.settings();
    if (s.paused || this.stopped) return;
    const now = this.clock();
    // One slow or hanging target must not hold every slot while others wait: past half of
    // them, a target gets another only when no other target has a job due.
    const share = Math.max(1, Math.ceil(s.concurrency / 2));
    let turnedDown = false;
    let waiting: Set<string> | null = null; // origins with a job due, computed once
    const accept = (job: ForwardJob, due: readonly ForwardJob[]): boolean => {
      const o = origin(job.targetUrl);
      if ((this.perTarget.get(o) ?? 0) < share) return true;
      waiting ??= new Set(due.map((d) => origin(d.targetUrl)));
      if (waiting.size === 1) return true; // nobody else is waiting
      turnedDown = true;
      return false;
    };
    const lease = { owner: this.owner, ms: s.timeoutMs + (s.leaseMarginMs ?? LEASE_MARGIN_MS) };
    const claimed = await this.store.claimDue(
      now,
      s.concurrency - this.inFlight.size,
      accept,
      lease,
    );
    for (const job of claimed) {
      const o = origin(job.targetUrl);
      this.perTarget.set(o, (this.perTarget.get(o) ?? 0) + 1);
      const p = this.run(job, s).finally(() => {
        this.inFlight.delete(p);
        const left = (this.perTarget.get(o) ?? 1) - 1;
        if (left > 0) this.perTarget.set(o, left);
        else this.perTarget.delete(o);
        this.kick();
      });
      this.inFlight.add(p);
    }
    if (this.inFlight.size >= s.concurrency) return;
    const next = await this.store.nextDueAt(this.owner);
    if (next !== null) {
      // A job turned down is due now: its target's running attempts kick again when they end;
      // look again a little later anyway rather than spin.
      const at = turnedDown ? Math.max(next, now + 250) : next;
      this.later(Math.max(0, at - this.clock()));
    }
  }

  /**
   * One attempt of a job, to its end: sent, then settled (delivered, retrying or dead) in one
   * write. Never rejects. When that write fails (disk full, I/O error), the outcome is kept and
   * the write retried with backoff until it succeeds, so the job still ends on its own.
   */
  private async run(job: ForwardJob, s: ForwardSettings): Promise<void> {
    let src: StoredRequest | null;
    try {
      src = await this.events.source(job.eventId);
    } catch (err) {
      // Nothing was sent: the job goes back in the queue for a little later.
      const now = this.clock();
      const error = `could not read the event: ${why(err)}`;
      await this.persist(() => this.store.release(job, now + STORE_RETRY_MS, error, now));
      return;
    }
    if (!src) {
      const now = this.clock();
      const gone = {
        state: 'dead',
        nextAt: 0,
        status: null,
        error: 'the event was deleted',
      } as const;
      await this.persist(() => this.store.finish(job, gone, now));
      return;
    }
    // Each attempt goes where the endpoint's target points now: a target fixed while the job
    // waited (paused, retrying) is the one used.
    const plan = this.targetOf(src) ?? { ok: true, url: job.targetUrl };
    if (!plan.ok) {
      const now = this.clock();
      const refused: { attempt?: AttemptRecord } = {};
      await this.persist(async () => {
        refused.attempt = await this.store.refuseJob(job, plan.refused, now);
      });
      if (refused.attempt) {
        this.notify(refused.attempt, { maxAttempts: s.retry.maxAttempts, deadLettered: true });
      }
      return;
    }
    const url = plan.url;
    // The event already shows pending (new, redriven) or retrying (set when the last attempt
    // failed): no write here, every write is an fsync on the thread the receiver runs on.
    // A target that does not parse (a row from an older version, edited by hand) cannot be
    // sent to: an attempt not sent, saying why, so the job still ends in the dead letters.
    // A redrive asked to re-sign: signed again at each attempt, so a retry is fresh too.
    const signed = job.resign && URL.canParse(url) ? this.resign(src, url) : null;
    const sent = !URL.canParse(url)
      ? notSent(`not sent: the target "${url}" is not a URL`)
      : signed && 'error' in signed
        ? notSent(`not sent: could not re-sign it: ${signed.error}`)
        : await send(forwardRequest(signed ? { ...src, ...signed } : src, url, src.host), {
            timeoutMs: s.timeoutMs,
            maxResponseBytes: MAX_RESPONSE_BYTES,
          });
    const res = new Redactor(this.secretsOf(src.endpointId)).result(sent);
    if (this.closed) return;
    const now = this.clock();
    const attempt: AttemptRecord = {
      id: randomUUID(),
      eventId: job.eventId,
      jobId: job.id,
      kind: job.redriven ? 'redrive' : 'live',
      targetUrl: url,
      attempt: job.attempts + 1,
      status: res.status,
      error: res.error,
      durationMs: res.durationMs,
      at: now,
      responseHeaders: res.headers,
      responseBody: res.body,
      responseTruncated: res.truncated,
    };
    // One commit for the attempt, the job and the event's status (one fsync, not three).
    const outcome: { queue?: QueueOutcome } = {};
    const settled = await this.persist(async () => {
      outcome.queue = await this.settle(job, attempt, res, s, now);
    });
    if (settled && outcome.queue) this.notify(attempt, outcome.queue);
  }

  private notify(attempt: AttemptRecord, queue: QueueOutcome): void {
    try {
      this.onAttempt(attempt, queue);
    } catch {
      // A listener's failure is its own: the attempt is recorded.
    }
  }

  /**
   * Runs a write until it succeeds, waiting longer after each failure (0.1 s doubling to
   * 10 s); false when the forwarder closed first (the job stays running and is sent again on
   * the next start).
   */
  private async persist(write: () => Promise<unknown>): Promise<boolean> {
    for (let delay = STORE_RETRY_MS; ; delay = Math.min(delay * 2, MAX_STORE_RETRY_MS)) {
      if (this.closed) return false;
      try {
        await write();
        this.writes?.succeeded();
        return true;
      } catch (err) {
        this.writes?.failed(err, "recording a forward's result");
        await new Promise<void>((r) => setTimeout(r, delay).unref());
      }
    }
  }

  /**
   * Settles the job after `attempt` (one commit, see ForwardQueue.settle); where it stands, or
   * undefined when its event was deleted while the attempt was out (nothing recorded).
   */
  private async settle(
    job: ForwardJob,
    attempt: AttemptRecord,
    res: SendResult,
    s: ForwardSettings,
    now: number,
  ): Promise<QueueOutcome | undefined> {
    const maxAttempts = s.retry.maxAttempts;
    const outcome = classify(res.status);
    if (outcome === 'ok') {
      const done = { state: 'done', nextAt: now, status: res.status, error: null } as const;
      if (!(await this.store.settle(job, attempt, done, 'ok'))) return undefined;
      return { maxAttempts, deadLettered: false };
    }
    if (outcome === 'retry' && attempt.attempt < maxAttempts) {
      const retryAfter = parseRetryAfter(
        res.headers.find(([n]) => n.toLowerCase() === 'retry-after')?.[1],
        now,
      );
      const nextAt = now + nextDelay(s.retry, attempt.attempt, retryAfter);
      const again = { state: 'pending', nextAt, status: res.status, error: res.error } as const;
      if (!(await this.store.settle(job, attempt, again, 'retrying'))) return undefined;
      return {
        maxAttempts,
        next: { attempt: attempt.attempt + 1, at: nextAt },
        deadLettered: false,
      };
    }
    const dead = { state: 'dead', nextAt: now, status: res.status, error: res.error } as const;
    if (!(await this.store.settle(job, attempt, dead, 'dead'))) return undefined;
    return { maxAttempts, deadLettered: true };
  }

  /** Jobs being sent right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stops claiming work and waits up to `graceMs` for attempts in flight; any still running
   * then stay queued as running and are sent again on the next start.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A claim under way starts its attempts before they are waited for.
    await this.claiming;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight]),
      new Promise((r) => (timeout = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timeout);
    this.closed = true;
  }
}
