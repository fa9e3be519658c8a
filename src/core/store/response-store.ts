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
 * The responses Hookscope answered deliveries with, each stored once (an endpoint answers
 * all its deliveries alike) and referenced by events, so the receiver's hot path adds one
 * WeakMap lookup and an integer column. Call idOf inside the event's transaction, and
 * forget() when that transaction rolls back.
 */
export class ResponseStore {
  private byObject = new WeakMap<object, number>();
  private readonly byJson = new Map<string, number>();
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
    const cached = this.byObject.get(r);
    if (cached !== undefined) return cached;
    const json = responseJson(r);
    let id = this.byJson.get(json);
    if (id === undefined) {
      const hash = createHash('sha256').update(json).digest('hex');
      this.stmts.insert.run(hash, json);
      id = (this.stmts.find.get(hash) as { id: number }).id;
      if (this.byJson.size >= 1000) this.byJson.clear();
      this.byJson.set(json, id);
    }
    this.byObject.set(r, id);
    return id;
  }

  /** Drops the cached ids: the transaction that wrote some of them rolled back. */
  forget(): void {
    this.byObject = new WeakMap();
    this.byJson.clear();
  }
}
