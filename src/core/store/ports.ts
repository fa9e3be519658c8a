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
import type { ChangeListener, ListFilter, ListPage, RetentionLimits } from './event-store';

/**
 * The engine's storage, as ports (docs/ARCHITECTURE.md §7): what the engine, the handlers and
 * the forwarder may ask of a log, whatever the database. Every method that may need a round
 * trip to a database server answers a promise; SQLite's answers are ready at once. A backend
 * passes test/core/store/conformance.ts (`describeEventLog(factory)`).
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
