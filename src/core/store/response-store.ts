import { createHash } from 'node:crypto';
import type { EndpointResponse } from '../../shared/model';
import type { Db } from './db';

/** What an event keeps of the response it was answered with (its status has a column). */
export type StoredResponse = Pick<EndpointResponse, 'headers' | 'body' | 'delayMs'>;

/** A response as stored (its row's JSON, hashed to store it once), on every backend. */
export function responseJson(r: StoredResponse): string {
  return JSON.stringify({
    headers: r.headers ?? [],
    body: r.body ?? '',
    ...(r.delayMs ? { delayMs: r.delayMs } : {}),
  });
}

/**
 * Response row ids by response (an endpoint answers all its deliveries with one object) and by
 * its JSON, bounded: what both backends keep so the receiver's hot path adds one WeakMap lookup.
 */
export class ResponseIdCache {
  private byObject = new WeakMap<object, number>();
  private readonly byJson = new Map<string, number>();

  /** The cached id of `r`, or the JSON to look its row up by. */
  find(r: StoredResponse): { id: number } | { json: string } {
    const cached = this.byObject.get(r);
    if (cached !== undefined) return { id: cached };
    const json = responseJson(r);
    const id = this.byJson.get(json);
    if (id === undefined) return { json };
    this.byObject.set(r, id);
    return { id };
  }

  /** Keeps `id` for `json` (and for `r`): call once the row is committed or in this transaction. */
  remember(json: string, id: number, r?: StoredResponse): void {
    if (this.byJson.size >= 1000) this.byJson.clear();
    this.byJson.set(json, id);
    if (r) this.byObject.set(r, id);
  }

  /** Drops every id: a transaction that wrote some of them rolled back. */
  forget(): void {
    this.byObject = new WeakMap();
    this.byJson.clear();
  }
}

/** The hash a response row is stored under (unique: each response is stored once). */
export function responseHash(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

/**
 * The responses Hookscope answered deliveries with, each stored once (an endpoint answers
 * all its deliveries alike) and referenced by events, so the receiver's hot path adds one
 * WeakMap lookup and an integer column. Call idOf inside the event's transaction, and
 * forget() when that transaction rolls back.
 */
export class ResponseStore {
  private readonly cache = new ResponseIdCache();
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO responses (hash, json) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
      ),
      find: db.prepare('SELECT id FROM responses WHERE hash = ?'),
    };
  }

  /** The id of this response's row, written when new. */
  idOf(r: StoredResponse): number {
    const found = this.cache.find(r);
    if ('id' in found) return found.id;
    const hash = responseHash(found.json);
    this.stmts.insert.run(hash, found.json);
    const id = (this.stmts.find.get(hash) as { id: number }).id;
    this.cache.remember(found.json, id, r);
    return id;
  }

  /** Drops the cached ids: the transaction that wrote some of them rolled back. */
  forget(): void {
    this.cache.forget();
  }
}
