import { isUtf8 } from 'node:buffer';
import type pg from 'pg';
import {
  type BodyPart,
  type EventCounts,
  type EventDetail,
  type EventSummary,
  type EventView,
} from '../../../shared/model';
import type { Classification, Dispose, NewEvent, StoredRequest } from '../../types';
import type { Envelope, EventLog } from '../ports';
import type { ChangeListener, ListFilter, ListPage, RetentionLimits } from '../event-store';
import { filterSql } from '../event-filters';
import {
  SUMMARY_COLUMNS,
  countsFrom,
  mayBeFirst,
  newEventRow,
  type CounterRow,
  bodyPart,
  toDetail,
  toSummary,
  totalFromCounters,
  type DetailRow,
  type SummaryRow,
} from '../event-rows';
import { SecretMask } from '../event-mask';
import { ResponseIdCache, responseHash, type StoredResponse } from '../response-store';
import { searchFields } from '../search-text';
import { parseSearch } from '../search-query';
import { searchTokens, tokenString } from '../search-tokens';
import { SEARCH_COUNT_CAP } from '../event-store';
import { positional, transaction, type Queryable } from './db';
import { AsyncGroupCommit, ItemFailed } from './group-commit';
import type { PgForwardQueue } from './forward-queue';

/** One append waiting for its group commit. */
interface Pending {
  e: NewEvent;
  dispose: Dispose;
}

const INSERT_COLUMNS = [
  'seq',
  'rev',
  'id',
  'received_at',
  'endpoint_id',
  'method',
  'path',
  'query',
  'source_ip',
  'via_tunnel',
  'imported',
  'public_url',
  'event_type',
  'job_id',
  'headers',
  'size',
  'content_type',
  'sig_status',
  'sig_provider',
  'sig_reason',
  'idem_key',
  'idem_source',
  'duplicate_of',
  'delivery_count',
  'schema_status',
  'schema_name',
  'schema_issues',
  'response_status',
  'forward_status',
  'rejected',
  'response_id',
  'may_be_first',
  'stored_at',
] as const;

const E_COLUMNS = SUMMARY_COLUMNS.replace(/(\w+)/g, 'e.$1');

/** A database refusal of a row's data (22xxx data exception, 23xxx constraint), not of the database. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * PostgreSQL's text holds no NUL: a stranger's \u0000 in what is read from a delivery (its event
 * type, ids, path) is stored as U+FFFD, the character shown for it (SQLite keeps it). The body
 * keeps its bytes (bytea); headers are stored as JSON, which escapes it.
 */
export function textSafe(e: NewEvent): NewEvent {
  const { body, headers, ...rest } = e;
  if (!hasNul(rest)) return e; // the usual case: no copy on the hot path
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll('\u0000', '\ufffd');
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    if (Array.isArray(v)) return v.map(clean);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), clean(x)]));
  };
  return { ...(clean(rest) as Omit<NewEvent, 'body' | 'headers'>), body, headers };
}

/** Whether a NUL is in any string of `v` (keys included; bytes not). */
function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return false;
  if (Array.isArray(v)) return v.some(hasNul);
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
}

type FirstsByKey = Map<string, { firstId: string | null; count: number }>;

/** The key a delivery is classified by: endpoint, live or imported, idempotency key. */
function keyOf(e: NewEvent): string {
  return `${e.endpointId}\u0000${e.imported ? 1 : 0}\u0000${e.idempotency.key}`;
}

/** See EventStore.classify: the same rule, on the firsts read for the batch (`firstsOf`). */
function classifyWith(keys: FirstsByKey, e: NewEvent): Classification {
  if (e.idempotency.key === null || !mayBeFirst(e)) return { duplicateOf: null, deliveryCount: 1 };
  const k = keyOf(e);
  let seen = keys.get(k);
  if (!seen) {
    seen = { firstId: null, count: 0 };
    keys.set(k, seen);
  }
  seen.count++;
  const duplicateOf = seen.firstId;
  seen.firstId ??= e.id;
  return { duplicateOf, deliveryCount: seen.count };
}

/** One multi-row INSERT of `rows` (each in `columns` order). */
async function insertRows(
  c: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    const at = values.length;
    values.push(...r);
    return `(${r.map((_, i) => `$${at + i + 1}`).join(', ')})`;
  });
  await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

/**
 * The log's write lock and cursor, in one row (`log_state`): every transaction that changes
 * events takes it first, so
 * - revs are handed out and committed in one order: a transaction takes revs only after the
 *   one before it committed (row locks are released after the commit is visible), so a reader
 *   following `changesSince` never sees a rev before a smaller one that commits later (the
 *   late-commit gap of a bare sequence);
 * - the duplicate classification reads every first delivery committed before it (two
 *   instances appending one key at once: the second waits, then finds the first; the unique
 *   index `events_first_of_key` refuses a second first whatever writes it);
 * - writers of the counters never deadlock (one order: the lock, then the rows).
 */
async function lockLog(c: pg.PoolClient): Promise<number> {
  const r = await c.query<{ rev: number }>('SELECT rev FROM log_state WHERE id = 1 FOR UPDATE');
  return r.rows[0]!.rev;
}

async function saveRev(c: pg.PoolClient, rev: number): Promise<void> {
  await c.query('UPDATE log_state SET rev = $1 WHERE id = 1', [rev]);
}

/** One search term as a LIKE pattern over a field's token string (search-tokens.ts). */
function likePattern(text: string, prefix: boolean): string {
  return `% ${searchTokens(text).join(' ')}${prefix ? '%' : ' %'}`;
}

/**
 * The durable event log on PostgreSQL (the EventLog port). Appends go through a group commit:
 * the appends waiting while a batch commits share the next transaction, committed with
 * `synchronous_commit=on` before any of them resolves. See lockLog for the cursor and the
 * duplicates; search is indexed in the append's own transaction (search_docs), so a search
 * never waits for an indexer.
 */
export class PgEventLog implements EventLog {
  private readonly commit: AsyncGroupCommit<Pending, EventSummary>;
  private readonly listeners = new Set<ChangeListener>();
  private readonly mask = new SecretMask();

  constructor(
    private readonly pool: pg.Pool,
    private readonly forwards: PgForwardQueue | null = null,
    /** A search's total is counted up to this many matches. */
    private readonly searchCountCap = SEARCH_COUNT_CAP,
  ) {
    this.commit = new AsyncGroupCommit((batch) => this.commitOrSplit(batch));
    forwards?.marksEventsWith({
      lock: (c) => lockLog(c),
      mark: (c, id, status) => this.markForwardIn(c, id, status),
      emit: (s) => this.emit(s),
    });
  }

  append(e: NewEvent, dispose: Dispose): Promise<EventSummary> {
    return this.commit.enqueue({ e: textSafe(e), dispose });
  }

  /**
   * A batch committed together; when one of its rows is refused by the database for its data
   * (SQLSTATE classes 22 and 23), each is committed alone, so only that delivery fails and
   * nobody else's is refused with it.
   */
  private async commitOrSplit(batch: Pending[]): Promise<(EventSummary | ItemFailed)[]> {
    try {
      return await this.commitBatch(batch);
    } catch (err) {
      if (batch.length === 1 || !isDataError(err)) throw err;
      const out: (EventSummary | ItemFailed)[] = [];
      for (const p of batch) {
        try {
          out.push(...(await this.commitBatch([p])));
        } catch (one) {
          out.push(new ItemFailed(one));
        }
      }
      return out;
    }
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells the listeners of changes another instance committed (read with changesSince, so
   * already masked), as if they were this one's.
   */
  followed(changes: EventSummary[]): void {
    if (changes.length === 0) return;
    for (const l of this.listeners) l(changes);
  }

  /**
   * On a log shared by several instances, this instance's own commits go to `route` (which
   * rings the other instances and reads the log by rev), not straight to the listeners: a
   * change another instance committed earlier, with a lower rev, would otherwise reach them
   * after a later one of this instance's (a client keeping the highest rev seen would skip it).
   */
  routeOwnChanges(route: (changes: EventSummary[]) => void): void {
    this.ownChanges = route;
  }

  private ownChanges: ((changes: EventSummary[]) => void) | null = null;

  private emit(changes: EventSummary[]): void {
    if (changes.length === 0) return;
    if (this.ownChanges) {
      this.ownChanges(changes);
      return;
    }
    const r = this.mask.redactor();
    const shown = changes.map((e) => this.mask.summary(e, r));
    for (const l of this.listeners) l(shown);
  }

  private readonly shown = (row: SummaryRow): EventSummary => this.mask.summary(toSummary(row));

  async count(): Promise<number> {
    return this.countedAll(this.pool);
  }

  private async countedAll(q: Queryable): Promise<number> {
    const r = await q.query<{ n: number }>(
      "SELECT coalesce(sum(n), 0)::bigint AS n FROM event_counts WHERE key = 'all'",
    );
    return r.rows[0]!.n;
  }

  async currentRev(): Promise<number> {
    const r = await this.pool.query<{ rev: number }>('SELECT rev FROM log_state WHERE id = 1');
    return r.rows[0]!.rev;
  }

  /**
   * One transaction for the batch, in a few round trips whatever its size: the firsts of its
   * idempotency keys read in one query, the events, bodies and search rows each in one
   * multi-row INSERT (statement triggers keep the counters once per statement), then the
   * duplicates' firsts bumped (after the inserts: a first may be in this batch).
   */
  private async commitBatch(batch: Pending[]): Promise<EventSummary[]> {
    const fresh = new Map<string, number>();
    const { results, changed } = await transaction(this.pool, async (c) => {
      let rev = await lockLog(c);
      const keys = await this.firstsOf(c, batch);
      const results: EventSummary[] = [];
      const changed = new Map<string, EventSummary>();
      const rows: Record<(typeof INSERT_COLUMNS)[number], unknown>[] = [];
      const bodies: unknown[][] = [];
      const docs: unknown[][] = [];
      const jobs: { e: NewEvent; target: string; refused: string | undefined }[] = [];
      // The firsts to bump: their newest count and the rev of the bump.
      const bumps = new Map<string, { count: number; rev: number }>();
      for (const { e, dispose } of batch) {
        const dup = classifyWith(keys, e);
        const d = typeof dispose === 'function' ? dispose(dup) : dispose;
        const seq = ++rev;
        if (dup.duplicateOf !== null) {
          bumps.set(dup.duplicateOf, { count: dup.deliveryCount, rev: ++rev });
        }
        const row = newEventRow(e, seq, dup, d);
        const responseId = d.response ? await this.responseId(c, d.response, fresh) : null;
        rows.push({ ...row, response_id: responseId, stored_at: e.storedAt ?? null });
        bodies.push([seq, e.body]);
        docs.push([seq, ...this.searchDoc(e, e.body)]);
        if (d.forwardTarget !== null) {
          jobs.push({ e, target: d.forwardTarget, refused: d.forwardRefused });
        }
        results.push(toSummary(row));
      }
      await insertRows(
        c,
        'events',
        INSERT_COLUMNS,
        rows.map((r) => INSERT_COLUMNS.map((k) => r[k])),
      );
      await insertRows(c, 'bodies', ['seq', 'body'], bodies);
      await insertRows(c, 'search_docs', ['seq', 'path', 'headers', 'body'], docs);
      for (const [id, b] of bumps) {
        const bumped = await c.query<SummaryRow>(
          `UPDATE events SET delivery_count = greatest(delivery_count, $1), rev = $2 WHERE id = $3
           RETURNING ${SUMMARY_COLUMNS}`,
          [b.count, b.rev, id],
        );
        if (bumped.rows[0]) changed.set(id, toSummary(bumped.rows[0]));
      }
      if (this.forwards) {
        for (const j of jobs) {
          await this.forwards.insertJob(c, j.e.id, j.target, j.e.receivedAt, j.refused);
        }
      }
      await saveRev(c, rev);
      return { results, changed };
    });
    for (const [json, id] of fresh) this.responseIds.remember(json, id);
    this.emit([...results, ...changed.values()].sort((a, b) => a.rev - b.rev));
    return results;
  }

  /**
   * The first delivery of each idempotency key the batch may repeat, read under the log's lock
   * (lockLog) in one query: what EventStore.classify reads one key at a time.
   */
  private async firstsOf(c: pg.PoolClient, batch: Pending[]): Promise<FirstsByKey> {
    const keys: FirstsByKey = new Map();
    const asked = new Map<string, [string, string, number]>();
    for (const { e } of batch) {
      if (e.idempotency.key === null || !mayBeFirst(e)) continue;
      const imported = e.imported ? 1 : 0;
      asked.set(keyOf(e), [e.endpointId, e.idempotency.key, imported]);
    }
    if (asked.size === 0) return keys;
    const cols = [...asked.values()];
    const found = await c.query<{
      endpoint_id: string;
      idem_key: string;
      imported: number;
      id: string;
      n: number;
    }>(
      `SELECT DISTINCT ON (e.endpoint_id, e.idem_key, e.imported)
              e.endpoint_id, e.idem_key, e.imported, e.id, e.delivery_count AS n
       FROM events e
       JOIN unnest($1::text[], $2::text[], $3::int[]) AS k(endpoint_id, idem_key, imported)
         ON e.endpoint_id = k.endpoint_id AND e.idem_key = k.idem_key AND e.imported = k.imported
       WHERE e.may_be_first = 1
       ORDER BY e.endpoint_id, e.idem_key, e.imported, e.seq`,
      [cols.map((k) => k[0]), cols.map((k) => k[1]), cols.map((k) => k[2])],
    );
    for (const r of found.rows) {
      keys.set(`${r.endpoint_id}\u0000${r.imported}\u0000${r.idem_key}`, {
        firstId: r.id,
        count: Number(r.n),
      });
    }
    return keys;
  }

  /**
   * The id of a response's row (each stored once; rows are never deleted), written when new.
   * Ids read in this batch's transaction go in `fresh`, and into the cache only once it has
   * committed (a rollback would leave the cache pointing at no row).
   */
  private async responseId(
    c: pg.PoolClient,
    r: StoredResponse,
    fresh: Map<string, number>,
  ): Promise<number> {
    const found = this.responseIds.find(r);
    if ('id' in found) return found.id;
    const { json } = found;
    const known = fresh.get(json);
    if (known !== undefined) return known;
    const hash = responseHash(json);
    const row = await c.query<{ id: number }>(
      `INSERT INTO responses (hash, json) VALUES ($1, $2)
       ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id`,
      [hash, json],
    );
    const id = Number(row.rows[0]!.id);
    fresh.set(json, id);
    return id;
  }

  /** Response rows by their JSON (see responseId): an endpoint answers all its deliveries alike. */
  private readonly responseIds = new ResponseIdCache();

  drained(): Promise<void> {
    return this.commit.drained();
  }

  async list(asked: ListFilter): Promise<ListPage> {
    const once = (v: string[] | undefined): string[] | undefined => v && [...new Set(v)];
    const f: ListFilter = {
      ...asked,
      signatureStatus: once(asked.signatureStatus),
      forwardStatus: once(asked.forwardStatus),
    };
    const sql = filterSql(f);
    const terms = parseSearch(f.query ?? '');
    const cond = (w: string[]): string => (w.length ? `WHERE ${w.join(' AND ')}` : '');
    const dir = f.order === 'oldest' ? 'ASC' : 'DESC';
    /** The filter's, the search's and the page's conditions, their values put in `values`. */
    const conditions = (values: unknown[]) => {
      const filter = sql.where.map((w) => positional(w, sql.params, values));
      const search: string[] = [];
      for (const t of terms) {
        values.push(likePattern(t.text, t.prefix));
        const fields = t.field ? [t.field] : ['path', 'headers', 'body'];
        search.push(`(${fields.map((c) => `s.${c} LIKE $${values.length}`).join(' OR ')})`);
        // Rows still indexed without a newer secret are not matched by a part of it.
        if (this.reindexBelow > 0 && this.touchesSecret(t.text)) {
          values.push(this.reindexBelow);
          search.push(`e.seq >= $${values.length}`);
        }
      }
      const page: string[] = [];
      const before = values.length; // the values of the filter and search (not the page's)
      if (f.beforeSeq !== undefined) {
        values.push(f.beforeSeq);
        page.push(`e.seq < $${values.length}`);
      }
      if (f.afterSeq !== undefined) {
        values.push(f.afterSeq);
        page.push(`e.seq > $${values.length}`);
      }
      return { filter, search, page, before };
    };
    const from = terms.length ? 'events e JOIN search_docs s ON s.seq = e.seq' : 'events e';
    let rows: SummaryRow[] | null = null;
    if (terms.length && sql.where.length === 0) {
      // Search alone: the page's seqs from the search rows first (the index's matches sorted
      // there), then those events (not every match joined to its event: 55 vs 33 ms for a
      // word in 1.4% of a million).
      const v: unknown[] = [];
      const c = conditions(v);
      v.push(f.limit + 1);
      const onDocs = [...c.search, ...c.page].map((w) => w.replaceAll('e.seq', 's.seq'));
      rows = (
        await this.pool.query<SummaryRow>(
          `SELECT ${E_COLUMNS} FROM events e WHERE e.seq IN (
             SELECT s.seq FROM search_docs s ${cond(onDocs)}
             ORDER BY s.seq ${dir} LIMIT $${v.length})
           ORDER BY e.seq ${dir}`,
          v,
        )
      ).rows;
    }
    const values: unknown[] = [];
    const c = conditions(values);
    const filterWhere = [...c.filter, ...c.search];
    const filterValues = values.slice(0, c.before);
    values.push(f.limit + 1);
    rows ??= (
      await this.pool.query<SummaryRow>(
        `SELECT ${E_COLUMNS} FROM ${from} ${cond([...filterWhere, ...c.page])}
         ORDER BY e.seq ${dir} LIMIT $${values.length}`,
        values,
      )
    ).rows;
    const out: ListPage = {
      items: rows.slice(0, f.limit).map(this.shown),
      hasMore: rows.length > f.limit,
    };
    const counted =
      f.withTotal && terms.length === 0
        ? await totalFromCounters(
            f,
            async (key) =>
              (
                await this.pool.query<{ n: number }>(
                  `SELECT coalesce(sum(n), 0)::bigint AS n FROM event_counts
                   WHERE key = $1 AND ($2::text IS NULL OR endpoint_id = $2)`,
                  [key, f.endpointId ?? null],
                )
              ).rows[0]!.n,
            () => this.counts(f.endpointId),
          )
        : null;
    if (counted !== null) out.total = counted;
    else if (f.withTotal) {
      // A search is counted up to the cap (a common word in a big log); a filter exactly.
      const cap = terms.length ? `LIMIT ${this.searchCountCap + 1}` : '';
      const n = (
        await this.pool.query<{ n: number }>(
          `SELECT count(*)::bigint AS n FROM (SELECT 1 FROM ${from} ${cond(filterWhere)} ${cap}) x`,
          filterValues,
        )
      ).rows[0]!.n;
      out.total = Math.min(n, terms.length ? this.searchCountCap : n);
      if (terms.length && n > this.searchCountCap) out.totalAtLeast = true;
    }
    return out;
  }

  async counts(endpointId?: string): Promise<EventCounts> {
    const rows = (
      await this.pool.query<CounterRow>(
        `SELECT endpoint_id AS e, key AS k, n FROM event_counts WHERE n <> 0
         AND (key IN ('all', 'dup', 'refused') OR key LIKE 'sig:%' OR key LIKE 'fwd:%')`,
      )
    ).rows;
    return countsFrom(rows, endpointId);
  }

  private async detailRow(id: string): Promise<DetailRow | undefined> {
    const r = await this.pool.query<DetailRow>(
      `SELECT e.*, r.json AS response_json FROM events e
       LEFT JOIN responses r ON r.id = e.response_id WHERE e.id = $1`,
      [id],
    );
    return r.rows[0];
  }

  private async body(seq: number): Promise<Buffer> {
    const r = await this.pool.query<{ body: Buffer }>('SELECT body FROM bodies WHERE seq = $1', [
      seq,
    ]);
    return r.rows[0]?.body ?? Buffer.alloc(0);
  }

  async get(id: string): Promise<EventDetail | undefined> {
    const row = await this.detailRow(id);
    if (!row) return undefined;
    const body = await this.body(row.seq);
    const detail = toDetail(row, body);
    const { coverage } = searchFields(detail, body, row.size);
    return this.mask.detail({ ...detail, bodySearch: coverage });
  }

  async view(id: string, firstBytes: number): Promise<EventView | undefined> {
    const row = await this.detailRow(id);
    if (!row) return undefined;
    const body = await this.body(row.seq);
    const detail = toDetail(row, Buffer.alloc(0));
    const { coverage } = searchFields(detail, body, row.size);
    const { offset: _offset, ...part } = bodyPart(body, 0, firstBytes, isUtf8(body));
    return this.mask.detail({
      ...detail,
      bodySearch: coverage,
      body: { ...part, complete: part.length === body.length },
    });
  }

  async bodyPart(id: string, offset: number, length: number): Promise<BodyPart | undefined> {
    const row = await this.detailRow(id);
    if (!row) return undefined;
    const body = await this.body(row.seq);
    return bodyPart(body, offset, length, isUtf8(body));
  }

  async source(id: string): Promise<StoredRequest | null> {
    const row = await this.detailRow(id);
    if (!row) return null;
    const headers = JSON.parse(row.headers) as [string, string][];
    return {
      method: row.method,
      path: row.path,
      query: row.query,
      headers,
      body: await this.body(row.seq),
      sourceIp: row.source_ip,
      host: headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? null,
      endpointId: row.endpoint_id,
      publicUrl: row.public_url,
    };
  }

  async envelope(id: string): Promise<Envelope | null> {
    const row = await this.detailRow(id);
    if (!row) return null;
    return {
      endpointId: row.endpoint_id,
      path: row.path,
      headers: JSON.parse(row.headers) as [string, string][],
      receivedAt: row.received_at,
      signatureStatus: row.sig_status,
    };
  }

  async summary(id: string): Promise<EventSummary | undefined> {
    const r = await this.pool.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM events WHERE id = $1`,
      [id],
    );
    return r.rows[0] ? this.shown(r.rows[0]) : undefined;
  }

  async changesSince(rev: number, limit: number): Promise<EventSummary[]> {
    const r = await this.pool.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM events WHERE rev > $1 ORDER BY rev LIMIT $2`,
      [rev, limit],
    );
    return r.rows.map(this.shown);
  }

  async setForwardStatus(id: string, status: EventSummary['forward']['status']): Promise<void> {
    const s = await transaction(this.pool, (c) => this.markForwardIn(c, id, status));
    if (s) this.emit([s]);
  }

  /**
   * Sets an event's forward status inside a transaction (the forward queue's settle: the job
   * and the event's status in one commit), under the log's lock; the caller emits the summary
   * after its commit. Null when the event is gone.
   */
  private async markForwardIn(
    c: pg.PoolClient,
    id: string,
    status: EventSummary['forward']['status'],
  ): Promise<EventSummary | null> {
    const rev = (await lockLog(c)) + 1;
    const r = await c.query<SummaryRow>(
      `UPDATE events SET forward_status = $1, rev = $2 WHERE id = $3 RETURNING ${SUMMARY_COLUMNS}`,
      [status, rev, id],
    );
    if (!r.rows[0]) return null;
    await saveRev(c, rev);
    return toSummary(r.rows[0]);
  }

  /**
   * On a log shared by several instances: told of each committed deletion (these ids, or
   * all), so the other instances' clients hear of it (PgStorage rings the bell).
   */
  routeDeletions(route: (deleted: string[] | 'all') => void): void {
    this.deletions = route;
  }

  private deletions: ((deleted: string[] | 'all') => void) | null = null;

  private deletedNow(deleted: string[] | 'all'): void {
    if (deleted !== 'all' && deleted.length === 0) return;
    this.deletions?.(deleted);
  }

  async deleteAll(): Promise<number> {
    const n = await transaction(this.pool, async (c) => {
      await lockLog(c);
      const n = await this.countedAll(c);
      // The rev stays in log_state: the cursor never goes back.
      await c.query(
        'TRUNCATE events, bodies, search_docs, event_counts, forward_jobs, forward_attempts',
      );
      return n;
    });
    this.deletedNow('all');
    return n;
  }

  async deleteIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const gone = await transaction(this.pool, async (c) => {
      await lockLog(c);
      const r = await c.query<{ id: string }>(
        'DELETE FROM events WHERE id = ANY($1::text[]) RETURNING id',
        [ids],
      );
      const deleted = new Set(r.rows.map((x) => x.id));
      await this.forgetEvents(c, [...deleted]);
      return deleted;
    });
    const deleted = ids.filter((id, i) => gone.has(id) && ids.indexOf(id) === i);
    this.deletedNow(deleted);
    return deleted;
  }

  /** Jobs and attempts of deleted events go with them. */
  private async forgetEvents(c: pg.PoolClient, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await c.query('DELETE FROM forward_jobs WHERE event_id = ANY($1::text[])', [ids]);
    await c.query('DELETE FROM forward_attempts WHERE event_id = ANY($1::text[])', [ids]);
  }

  /**
   * Events past retention are those before this seq: beyond the newest `keep`, or entered
   * the log (received, or imported) before `olderThanMs` (see EventStore.retentionBound).
   */
  private async retentionBound(q: Queryable, opts: RetentionLimits): Promise<number> {
    let bound = 0;
    if (opts.keep !== undefined) {
      if (opts.keep <= 0) bound = Number.MAX_SAFE_INTEGER;
      else {
        // Counted from the oldest side: the walk is as long as what is past retention (which
        // each chunk shortens), not as the log kept (an OFFSET over a million rows a chunk).
        const excess = (await this.countedAll(q)) - opts.keep;
        if (excess > 0) {
          const r = await q.query<{ seq: number }>(
            'SELECT seq FROM events ORDER BY seq OFFSET $1 LIMIT 1',
            [excess],
          );
          bound = r.rows[0]?.seq ?? 0;
        }
      }
    }
    if (opts.olderThanMs !== undefined) {
      const r = await q.query<{ seq: number }>(
        `SELECT seq FROM events WHERE coalesce(stored_at, received_at) >= $1
         ORDER BY seq LIMIT 1`,
        [opts.olderThanMs],
      );
      bound = Math.max(bound, r.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER);
    }
    return bound;
  }

  async deleteOldest(opts: RetentionLimits & { limit: number }): Promise<string[]> {
    // One chunk per transaction: a short hold of the log's lock, whatever the log's size.
    const ids = await transaction(this.pool, async (c) => {
      await lockLog(c);
      const bound = await this.retentionBound(c, opts);
      if (bound <= 0) return [];
      const r = await c.query<{ id: string }>(
        `DELETE FROM events WHERE seq IN (
           SELECT e.seq FROM events e WHERE e.seq < $1 AND NOT EXISTS (
             SELECT 1 FROM forward_jobs j
             WHERE j.event_id = e.id AND j.state IN ('pending', 'running'))
           ORDER BY e.seq LIMIT $2)
         RETURNING id`,
        [bound, opts.limit],
      );
      const ids = r.rows.map((x) => x.id);
      await this.forgetEvents(c, ids);
      return ids;
    });
    this.deletedNow(ids);
    return ids;
  }

  async heldForForwarding(opts: RetentionLimits): Promise<number> {
    const bound = await this.retentionBound(this.pool, opts);
    if (bound <= 0) return 0;
    const r = await this.pool.query<{ n: number }>(
      `SELECT count(DISTINCT e.seq)::bigint AS n FROM forward_jobs j JOIN events e ON e.id = j.event_id
       WHERE j.state IN ('pending', 'running') AND e.seq < $1`,
      [bound],
    );
    return r.rows[0]!.n;
  }

  maskSecretsWith(secrets: () => readonly string[]): void {
    this.mask.use(secrets);
  }

  /** A delivery's search row (path, headers, body), as the answers show it: secrets masked. */
  private searchDoc(
    e: { path: string; query: string; headers: [string, string][] },
    body: Buffer,
  ): [string, string, string] {
    const masked = this.mask.request({ path: e.path, headers: e.headers, query: e.query });
    const f = searchFields(masked, body, body.length, e.headers);
    return [tokenString(f.path), tokenString(f.headers), tokenString(f.body)];
  }

  /**
   * A secret added (on any instance) is masked in search too: events indexed before it may
   * hold it in their search rows, so every row below a marker kept in the database
   * (`search_reindex_below`, raised in the saving transaction, and by each instance that
   * learns of the secret: rows it stored meanwhile) is indexed again by `reindexChunk`. Until
   * a row is, a search term that is part of a secret does not match it.
   */
  async secretsWillChange(q: Queryable, secrets: readonly string[]): Promise<void> {
    const now = new Set(this.mask.secrets());
    if (!secrets.some((s) => s.trim() !== '' && !now.has(s))) return;
    await this.raiseReindex(q);
  }

  /** Called after the endpoints changed (here or elsewhere): raises the marker for new secrets. */
  async secretsChanged(): Promise<void> {
    const now = new Set(this.mask.secrets().filter((s) => s.trim() !== ''));
    const before = this.maskedKnown;
    this.maskedKnown = now;
    if (before && [...now].some((s) => !before.has(s))) await this.raiseReindex(this.pool);
    else await this.readReindexMarker();
  }

  private async raiseReindex(q: Queryable): Promise<void> {
    const r = await q.query<{ value: string }>(
      `INSERT INTO meta (key, value)
       VALUES ('search_reindex_below', (SELECT coalesce(max(seq), 0) + 1 FROM events)::text)
       ON CONFLICT (key) DO UPDATE
         SET value = greatest(meta.value::bigint, excluded.value::bigint)::text
       RETURNING value`,
    );
    this.reindexBelow = Math.max(this.reindexBelow, Number(r.rows[0]!.value));
  }

  private async readReindexMarker(): Promise<number> {
    const r = await this.pool.query<{ value: string }>(
      "SELECT value FROM meta WHERE key = 'search_reindex_below'",
    );
    this.reindexBelow = Number(r.rows[0]?.value ?? 0);
    return this.reindexBelow;
  }

  /** Whether rows wait to be indexed again (as this instance last read the marker). */
  get reindexPending(): boolean {
    return this.reindexBelow > 0;
  }

  /**
   * Indexes the `n` newest rows below the marker again with the secrets as they are now, and
   * lowers the marker past them (unless another save raised it meanwhile: then the next chunk
   * starts again from the top). Returns whether rows remain.
   */
  async reindexChunk(n = 100): Promise<boolean> {
    const below = await this.readReindexMarker();
    if (below === 0) return false;
    const rows = (
      await this.pool.query<{
        seq: number;
        path: string;
        query: string;
        headers: string;
        body: Buffer;
      }>(
        `SELECT e.seq, e.path, e.query, e.headers, b.body FROM events e
         JOIN bodies b ON b.seq = e.seq WHERE e.seq < $1 ORDER BY e.seq DESC LIMIT $2`,
        [below, n],
      )
    ).rows;
    const docs = rows.map((r) =>
      this.searchDoc(
        { path: r.path, query: r.query, headers: JSON.parse(r.headers) as [string, string][] },
        r.body,
      ),
    );
    const next = rows.length < n ? 0 : rows[rows.length - 1]!.seq;
    await transaction(this.pool, async (c) => {
      if (rows.length > 0) {
        await c.query(
          `UPDATE search_docs s SET path = d.path, headers = d.headers, body = d.body
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS d(seq, path, headers, body)
           WHERE s.seq = d.seq`,
          [
            rows.map((r) => r.seq),
            docs.map((d) => d[0]),
            docs.map((d) => d[1]),
            docs.map((d) => d[2]),
          ],
        );
      }
      await c.query(
        "UPDATE meta SET value = $2 WHERE key = 'search_reindex_below' AND value = $1",
        [String(below), String(next)],
      );
    });
    return (await this.readReindexMarker()) > 0;
  }

  /** Seqs below this may be indexed with fewer secrets than now (0: none). */
  private reindexBelow = 0;
  /** The secrets this instance last saw (secretsChanged); null before the first look. */
  private maskedKnown: Set<string> | null = null;

  /** Whether a search term could match a secret not yet masked in old rows' search rows. */
  private touchesSecret(text: string): boolean {
    const words = searchTokens(text);
    if (words.length === 0) return false;
    const secretWords = this.mask.secrets().flatMap((s) => searchTokens(s));
    return words.some((w) => secretWords.some((sw) => sw.includes(w) || w.includes(sw)));
  }

  maskUrl(url: string): string {
    return this.mask.url(url);
  }

  async close(): Promise<void> {
    await this.commit.drained();
  }
}
