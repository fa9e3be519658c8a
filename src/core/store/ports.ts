import type { BodyPart, EventDetail, EventSummary, EventView } from '../../shared/model';
import type { Dispose, NewEvent, StoredRequest } from '../types';
import type { ChangeListener, ListFilter, ListPage, RetentionLimits } from './event-store';

/**
 * The engine's storage, as ports (docs/ARCHITECTURE.md §7): what the engine, the handlers and
 * the forwarder may ask of a log, whatever the database. Every method that may need a round
 * trip to a database server answers a promise; SQLite's answers are ready at once. A backend
 * passes test/core/store/conformance.ts (`describeEventLog(factory)`).
 */

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
  /** A page, newest first, with the filter's criteria and search (shared/filters.ts). */
  list(f: ListFilter): Promise<ListPage>;
  /** The event with its whole body; secrets masked. */
  get(id: string): Promise<EventDetail | undefined>;
  /** The event with the first `firstBytes` of its body; secrets masked. */
  view(id: string, firstBytes: number): Promise<EventView | undefined>;
  bodyPart(id: string, offset: number, length: number): Promise<BodyPart | undefined>;
  /** The request as received (forwards, replays), or null when deleted. */
  source(id: string): Promise<StoredRequest | null>;
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
  /** Resolves once every append made so far is committed. */
  drained(): Promise<void>;
  close(): Promise<void>;
}
