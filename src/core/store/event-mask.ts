import { Redactor } from '../forward/redact';
import type { EventDetail, EventSummary } from '../../shared/model';

/** The request fields every way out masks (path, headers, query). */
export interface MaskableRequest {
  path: string;
  headers: [string, string][];
  query: string;
}

/**
 * How an event log masks the endpoints' secrets in what leaves it (RELIABILITY.md promise 5),
 * whatever the database: the secrets as they are now (read at each answer), a summary's path
 * and delivery id, a detail's path, headers, query, key and public URL, and what search indexes
 * (the same masked path, headers and query). Shared by the SQLite and PostgreSQL logs.
 */
export class SecretMask {
  private secretsNow: () => readonly string[] = () => [];
  private memo: { key: string; secrets: readonly string[]; redactor: Redactor } | null = null;

  /** The secrets answers mask, read at each answer. */
  use(secrets: () => readonly string[]): void {
    this.secretsNow = secrets;
  }

  /** The secrets as they are now. */
  secrets(): readonly string[] {
    return this.secretsNow();
  }

  redactor(): Redactor {
    const secrets = this.secretsNow();
    // The endpoints hand out the same array until they change: no key to build per commit.
    if (this.memo?.secrets === secrets) return this.memo.redactor;
    const key = secrets.join('\0');
    if (this.memo?.key !== key) this.memo = { key, secrets, redactor: new Redactor(secrets) };
    else this.memo.secrets = secrets;
    return this.memo.redactor;
  }

  /** Path, headers and query masked (what an answer shows and search indexes). */
  request(e: MaskableRequest, r = this.redactor()): MaskableRequest {
    return r.empty
      ? e
      : { path: r.path(e.path), headers: r.headers(e.headers), query: r.query(e.query) };
  }

  /** A summary as it leaves the store: a secret in its path shown as `[secret]`. */
  summary(e: EventSummary, r = this.redactor()): EventSummary {
    if (r.empty) return e;
    const path = r.path(e.path);
    const id = e.idempotency.deliveryId;
    const deliveryId = id === undefined ? id : r.path(id);
    if (path === e.path && deliveryId === id) return e;
    return {
      ...e,
      path,
      ...(deliveryId === id ? {} : { idempotency: { ...e.idempotency, deliveryId } }),
    };
  }

  /** An answer built from a stored event with the endpoints' secrets shown as `[secret]`. */
  detail<T extends Pick<EventDetail, 'path' | 'headers' | 'query' | 'publicUrl' | 'idempotency'>>(
    e: T,
  ): T {
    const r = this.redactor();
    if (r.empty) return e;
    const { path, headers, query } = this.request(e, r);
    const key = e.idempotency.key;
    return {
      ...e,
      path,
      headers,
      query,
      // A body hash's key names the path it was taken on.
      idempotency: { ...e.idempotency, key: key === null ? null : r.path(key) },
      publicUrl: e.publicUrl === null ? null : r.url(e.publicUrl),
    };
  }

  /** A URL a delivery was sent on to (a forward or replay attempt) with its secrets masked. */
  url(url: string): string {
    const r = this.redactor();
    return r.empty ? url : r.url(url);
  }
}
