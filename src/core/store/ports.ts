import type { CheckupSummary, Checkup } from '../../shared/checkup';
import type { ParsedInput } from '../../shared/contract';
import type {
  BodyPart,
  Endpoint,
  EventCounts,
  EventDetail,
  EventSummary,
  EventView,
  Settings,
  SettingsView,
} from '../../shared/model';
import type { Dispose, NewEvent, StoredRequest } from '../types';
import type { User } from '../../shared/users-contract';
import type { UserRecord } from './user-snapshot';
import type { ChangeListener, ListFilter, ListPage, RetentionLimits } from './event-store';
import type { AttemptRecord, ForwardJob, JobState } from './forward-store';

export type { AttemptRecord, AttemptKind, ForwardJob, JobState } from './forward-store';

/**
 * The engine's storage, as ports (docs/ARCHITECTURE.md §7): what the engine, the handlers and
 * the forwarder may ask of a log, whatever the database. Every method that may need a round
 * trip to a database server answers a promise; SQLite's answers are ready at once. A backend
 * passes test/core/store/conformance.ts (`describeEventLog(factory)`,
 * `describeForwardQueue(backend)`) and is opened by one factory like `openStorage`
 * (storage.ts) returning a `Storage`.
 */

/** An event's endpoint, path, headers and time: what re-signing it needs besides its body. */
export interface Envelope {
  endpointId: string;
  path: string;
  headers: [string, string][];
  receivedAt: number;
  /** The signature verdict it was stored with. */
  signatureStatus: string;
}

/**
 * The durable log of deliveries. Every insert and update takes the next value of one `rev`
 * cursor; a reader following it (`changesSince`) never misses a change that commits late.
 */
export interface EventLog {
  /**
   * Appends a delivery, classified first/duplicate by (endpoint, idempotency key) atomically
   * with the insert; resolves with its summary once durable (the ack waits for this).
   */
  append(e: NewEvent, dispose: Dispose): Promise<EventSummary>;
  /** Committed changes (inserts and updates), in rev order, on this process. */
  onChange(listener: ChangeListener): () => void;
  /** Events stored now. */
  count(): Promise<number>;
  /** The highest rev committed. */
  currentRev(): Promise<number>;
  /**
   * How many events each list filter matches (all, or within one endpoint): exact, kept with
   * the log so it costs no scan.
   */
  counts(endpointId?: string): Promise<EventCounts>;
  /** A page, newest first, with the filter's criteria and search (shared/filters.ts). */
  list(f: ListFilter): Promise<ListPage>;
  /** The event with its whole body; secrets masked. */
  get(id: string): Promise<EventDetail | undefined>;
  /** The event with the first `firstBytes` of its body; secrets masked. */
  view(id: string, firstBytes: number): Promise<EventView | undefined>;
  bodyPart(id: string, offset: number, length: number): Promise<BodyPart | undefined>;
  /** The request as received (forwards, replays), or null when deleted. */
  source(id: string): Promise<StoredRequest | null>;
  /** What a signature needs besides the body (no body read), or null when deleted. */
  envelope(id: string): Promise<Envelope | null>;
  summary(id: string): Promise<EventSummary | undefined>;
  /** Changes after `rev`, oldest first (each event as it is now). */
  changesSince(rev: number, limit: number): Promise<EventSummary[]>;
  setForwardStatus(id: string, status: EventSummary['forward']['status']): Promise<void>;
  deleteAll(): Promise<number>;
  deleteIds(ids: string[]): Promise<string[]>;
  /** Up to `limit` of the oldest events past retention, never one whose forward is queued. */
  deleteOldest(opts: RetentionLimits & { limit: number }): Promise<string[]>;
  /** Events past retention kept because their forward is still queued. */
  heldForForwarding(opts: RetentionLimits): Promise<number>;
  /** The secrets answers mask (`[secret]`), read at each answer. */
  maskSecretsWith(secrets: () => readonly string[]): void;
  /** A URL with the endpoints' secrets masked, in any spelling of its query. */
  maskUrl(url: string): string;
  /** Resolves once every append made so far is committed. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The endpoints. Reads answer from a snapshot in memory (the receiver matches every delivery
 * against it, so they cannot wait on a database); writes go to the store, then the snapshot
 * and the listeners learn of them. A backend shared by several processes refreshes the
 * snapshot when another one writes.
 */
export interface EndpointRepo {
  /** After every committed change (create, edit, delete; `null` when deleted). */
  onChange(listener: (id: string, endpoint: Endpoint | null) => void): () => void;
  list(): Endpoint[];
  get(id: string): Endpoint | undefined;
  /** The most specific endpoint whose prefix matches `path` (at least the default). */
  match(path: string): Endpoint;
  allSecrets(): string[];
  secretsOf(id: string): string[];
  /** Throws what `save` would refuse (not found, conflict, bad input) before costly checks. */
  precheck(input: ParsedInput<'saveEndpoint'>): Endpoint | undefined;
  save(input: ParsedInput<'saveEndpoint'>): Promise<Endpoint>;
  delete(id: string): Promise<boolean>;
  /** The simulated failure for the next delivery, counting `failNext` down (kept). */
  takeSimulatedFailure(e: Endpoint): number | null;
}

/** The settings: read from a snapshot, saved with a revision check. */
export interface SettingsRepo {
  /** Sections that could not be read at start and went back to their defaults. */
  readonly resetAtStart: string[];
  get(): Settings;
  view(): SettingsView;
  /** Saves the sections in `patch`; `conflict` when `basedOn` is not the current revision. */
  save(patch: Partial<Settings>, basedOn?: number): Promise<SettingsView>;
}

/** Check-up runs, the newest CHECKUPS_KEPT. */
export interface CheckupRepo {
  save(run: Checkup): Promise<void>;
  list(limit: number, endpointId?: string): Promise<CheckupSummary[]>;
  get(id: string): Promise<Checkup | undefined>;
  delete(id: string): Promise<boolean>;
}

/** Where a job stands after an attempt (`settle`, `finish`). */
export interface JobOutcome {
  state: JobState;
  nextAt: number;
  status: number | null;
  error: string | null;
}

/** The event's forward status a settle commits with the job. */
export type EventForwardStatus = EventSummary['forward']['status'];

/**
 * Who holds a claim and until when. A job claimed is `running` under a lease; a lease that
 * ran out (its holder died or hung) is taken over by the next claimer, never while it holds.
 * PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` over the due and expired jobs, then one
 * `UPDATE … SET state = 'running', claimed_by, lease_until` in the same transaction.
 */
export interface Lease {
  /** The claimer (one forwarder, one process life). */
  owner: string;
  /** How long the claim holds (ms): longer than an attempt (the forward timeout) can take. */
  ms: number;
}

/** One item of a redrive: the dead job, where it goes now, and why not when it may not. */
export interface RedriveItem {
  job: ForwardJob;
  targetUrl: string;
  refused: string | null;
  resign?: boolean;
}

/**
 * The durable forward queue and the attempt log. Jobs are queued by `EventLog.append` in the
 * event's own commit (a delivery acked is never without its job). A job is claimed under a
 * lease, sent, then settled: the attempt, the job's new state and the event's forward status
 * in one commit, so the forwarder never opens a transaction. At-least-once: a job whose holder
 * died is sent again.
 */
export interface ForwardQueue {
  /**
   * Jobs a process that ended left running are due again (at-least-once). A backend with one
   * process per log (SQLite: the data-folder lock) frees them all at start; a shared backend
   * may answer 0 and rely on lease expiry. Returns how many.
   */
  resetRunning(): Promise<number>;
  /**
   * Claims up to `limit` due jobs in due order (`next_at`, then id): pending ones due by `now`
   * and running ones whose lease ran out and is not `lease.owner`'s, skipping those `accept`
   * turns down (it sees every due job looked at). Two claimers never get the same job.
   */
  claimDue(
    now: number,
    limit: number,
    accept?: (job: ForwardJob, due: readonly ForwardJob[]) => boolean,
    lease?: Lease,
  ): Promise<ForwardJob[]>;
  /**
   * When the next job is due (ms): a pending job's time, or when a lease not `owner`'s runs
   * out; null when there is none.
   */
  nextDueAt(owner?: string): Promise<number | null>;
  /** Puts a claimed job back, due at `nextAt`, without counting an attempt (nothing was sent). */
  release(job: ForwardJob, nextAt: number, error: string, now: number): Promise<void>;
  /** Records where a job stands without an attempt (its event was deleted). */
  finish(job: ForwardJob, outcome: JobOutcome, now: number): Promise<void>;
  /**
   * After an attempt, in one commit: the attempt recorded, the job retargeted when it went
   * elsewhere, its new state, and the event's forward status. Nothing at all when the job is
   * gone (its event was deleted while the attempt was out): answers false then.
   */
  settle(
    job: ForwardJob,
    attempt: AttemptRecord,
    outcome: JobOutcome,
    eventStatus: EventForwardStatus,
  ): Promise<boolean>;
  /**
   * A job that may not be sent: a refused attempt (no status, the reason as its error), the
   * job dead, the event's forward dead, in one commit. Returns the attempt.
   */
  refuseJob(job: ForwardJob, reason: string, now: number): Promise<AttemptRecord>;
  /** Appends an attempt (a replay's, which has no job). */
  recordAttempt(a: AttemptRecord): Promise<void>;
  /** Every attempt for an event, oldest first. */
  attemptsFor(eventId: string): Promise<AttemptRecord[]>;
  job(id: number): Promise<ForwardJob | undefined>;
  /** The id of the event's dead-lettered job, if it has one. */
  deadJobOf(eventId: string): Promise<number | undefined>;
  /** How many jobs are on the dead-letter list. */
  deadCount(): Promise<number>;
  /** Dead-lettered jobs, newest first, paged by id. */
  listDead(limit: number, beforeId?: number): Promise<ForwardJob[]>;
  /** The dead jobs among `ids` (or all of them). */
  deadJobs(ids: number[] | 'all'): Promise<ForwardJob[]>;
  /**
   * Puts dead jobs back, due now, with a fresh attempt count; one with `refused` stays dead
   * with a refused attempt instead (returned).
   */
  redrive(items: RedriveItem[], now: number): Promise<AttemptRecord[]>;
  /** Removes dead jobs (their attempts stay); returns how many. */
  purge(ids: number[] | 'all'): Promise<number>;
  /** Jobs not finished (pending or running). */
  pendingCount(): Promise<number>;
}

/**
 * Small named values kept with the log (the tunnel's saved options). Read like a snapshot
 * (synchronous); a write puts several keys in one commit, with `alongside` run first inside
 * it (what it throws rolls the entries back; the secrets it sets commit with the entries),
 * and resolves once committed.
 */
export interface MetaRepo {
  get(key: string): string | undefined;
  put(entries: Record<string, string>, alongside?: () => void): Promise<void>;
}

/**
 * The people who may use the control API, each with the slow hash of their token (issue 18).
 * Read from a snapshot (every API request checks the caller, and cannot wait on a database);
 * a write commits, then the snapshot and the listeners learn of it; a backend shared by
 * several processes refreshes the snapshot when another writes (PostgreSQL: the bell).
 */
export interface UserRepo {
  /** After a person is added or revoked, here or (shared backend) in another process. */
  onChange(listener: (user: User) => void): () => void;
  /** Everyone, revoked too, oldest first. */
  list(): User[];
  get(id: string): UserRecord | undefined;
  /** Adds a person; `conflict` when someone whose token works has the name (case aside). */
  add(user: UserRecord): Promise<User>;
  /** Revokes the token of the person named; `not_found` when nobody's token works by it. */
  revoke(name: string, at: number): Promise<User>;
}
