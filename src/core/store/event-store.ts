import { isUtf8 } from 'node:buffer';
import { SecretMask } from './event-mask';
import type { BackgroundWrites } from '../store-health';
import {
  type BodyPart,
  type EventCounts,
  type EventDetail,
  type EventSummary,
  type EventView,
} from '../../shared/model';
import type { Classification, Dispose, NewEvent, StoredRequest } from '../types';
import type { Envelope, EventLog } from './ports';
import type { Db } from './db';
import {
  SUMMARY_COLUMNS,
  countsFrom,
  mayBeFirst,
  newEventRow,
  type CounterRow,
  toDetail,
  bodyPart,
  toSummary,
  totalFromCounters,
  type DetailRow,
  type SummaryRow,
} from './event-rows';
import { GroupCommit } from './group-commit';
import { ResponseStore } from './response-store';
import type { ForwardStore } from './forward-store';
import { HookscopeError } from '../../shared/errors';
import { SearchIndex, type SearchIndexOptions, type TailRow } from './search-index';
import { searchFields } from './search-text';
import { parseSearch, toFtsMatch } from './search-query';
import { filterSql, RARE_INDEXES } from './event-filters';
import { RetentionBound, WALK_STEP } from './retention-bound';

/** Steps of the bound's walk one retention chunk may take before it answers what it found. */
const MAX_WALK_STEPS = 8;

/** The search index's tuning, and how far a search's total is counted. */
export interface EventStoreSearchOptions extends SearchIndexOptions {
  /** A search's total is counted up to this many matches (SEARCH_COUNT_CAP; tests shrink it). */
  countCap?: number;
}

/** The store's tuning: the search index's, and retention's walk (tests shrink them). */
export interface EventStoreOptions extends EventStoreSearchOptions {
  /** Events one step of retention's bound walk reads (WALK_STEP). */
  retentionWalkStep?: number;
  /** Steps one deleteOldest may walk before it answers what it found (MAX_WALK_STEPS). */
  retentionWalkSteps?: number;
}

/** A search counts its matches up to this many; past it the total is "at least" this. */
export const SEARCH_COUNT_CAP = 10_000;

/** Whether a filter has a criterion the counters count (a pill or an endpoint). */
function hasPill(f: ListFilter): boolean {
  return Boolean(
    f.signatureStatus || f.forwardStatus || f.duplicatesOnly || f.refusedOnly || f.endpointId,
  );
}

/**
 * The index to walk for a filter of single values: of its counted criteria, the one with the
 * fewest events (by the counters), when it has an index; `n` 0 means nothing can match. Null
 * leaves the choice to SQLite (no counted criterion with an index: a walk down the log by seq
 * finds common values at once). Chosen here because SQLite, without statistics, can pick an
 * endpoint's whole range over a rare verdict's few entries.
 */
function driver(f: ListFilter, c: EventCounts): { index: string; n: number } | null {
  const options: { index: string | null; n: number }[] = [];
  const rare = (key: keyof typeof RARE_INDEXES, values: string[], of: Record<string, number>) => {
    const r = RARE_INDEXES[key];
    const all = values.every((v) => (r.values as readonly string[]).includes(v));
    options.push({ index: all ? r.index : null, n: values.reduce((n, v) => n + (of[v] ?? 0), 0) });
  };
  if (f.signatureStatus) rare('signatureStatus', f.signatureStatus, c.signature);
  if (f.forwardStatus) rare('forwardStatus', f.forwardStatus, c.forward);
  if (f.duplicatesOnly) options.push({ index: 'events_dup', n: c.duplicates });
  if (f.refusedOnly) options.push({ index: 'events_rejected', n: c.refused });
  if (f.endpointId) options.push({ index: 'events_endpoint', n: c.endpoints[f.endpointId] ?? 0 });
  if (options.some((o) => o.n === 0)) return { index: '', n: 0 };
  const best = options
    .filter((o): o is { index: string; n: number } => o.index !== null)
    .sort((a, b) => a.n - b.n)[0];
  return best ?? null;
}

export interface ListFilter {
  limit: number;
  beforeSeq?: number | undefined;
  afterSeq?: number | undefined;
  /** Newest first (the default) or oldest first. */
  order?: 'newest' | 'oldest' | undefined;
  endpointId?: string | undefined;
  query?: string | undefined;
  jobId?: string | undefined;
  eventType?: string | undefined;
  method?: string | undefined;
  signatureStatus?: string[] | undefined;
  duplicatesOnly?: boolean | undefined;
  refusedOnly?: boolean | undefined;
  forwardStatus?: string[] | undefined;
  /** Also count every event the filter matches (paging aside). */
  withTotal?: boolean | undefined;
}

/** A page of the list; with `withTotal`, how many events the filter matches in all. */
export interface ListPage {
  items: EventSummary[];
  hasMore: boolean;
  total?: number;
  /** The total is a lower bound (a search while recent deliveries are still being indexed). */
  totalAtLeast?: boolean;
}

/** What retention keeps: the newest `keep` events, those entered after `olderThanMs`. */
export interface RetentionLimits {
  olderThanMs?: number | undefined;
  keep?: number | undefined;
}

/** Called with the summaries of every commit (inserts and updates), in rev order. */
export type ChangeListener = (summaries: EventSummary[]) => void;

/** One append waiting for its group commit. */
interface Pending {
  e: NewEvent;
  dispose: Dispose;
}

/**
 * The durable event log on SQLite (the EventLog port): appends go through a group commit (the
 * promise resolves only after the transaction is on disk) and are classified as first or
 * duplicate inside it; reads are prepared statements. One `rev` counter orders every insert
 * and update; an insert's `seq` is its first rev.
 */
export class EventStore implements EventLog {
  private readonly commit: GroupCommit<Pending, EventSummary>;
  /** See SEARCH_COUNT_CAP. */
  private readonly searchCountCap: number;
  private readonly search: SearchIndex;
  private readonly responses: ResponseStore;
  /** Where retention's bound lies, walked a step at a time and kept between chunks. */
  private readonly bound: RetentionBound;
  private readonly walkStep: number;
  private readonly walkSteps: number;
  private rev: number;
  private total: number;
  private readonly listeners = new Set<ChangeListener>();
  /** Keys classified since the last commit: endpoint + key → first id and running count. */
  private pendingKeys = new Map<string, { firstId: string | null; count: number }>();
  private readonly stmts;

  constructor(
    private readonly db: Db,
    /** Time a search may spend indexing pending rows before matching the rest in memory. */
    private readonly searchBudgetMs = 20,
    /** The forward queue, written in the same transaction as the event. */
    private readonly forwards: ForwardStore | null = null,
    /** Search index and retention tuning (tests shrink them). */
    searchOptions: EventStoreOptions = {},
  ) {
    const maxRev = db.prepare('SELECT max(rev) AS r FROM events').get() as { r: number | null };
    const hwm = db.prepare("SELECT value FROM meta WHERE key = 'rev'").get() as
      { value: string } | undefined;
    this.rev = Math.max(maxRev.r ?? 0, hwm ? Number(hwm.value) : 0);
    // From the counters (migration 16): a count(*) reads every page of a big log's index.
    this.total = (
      db.prepare("SELECT coalesce(sum(n), 0) AS n FROM event_counts WHERE key = 'all'").get() as {
        n: number;
      }
    ).n;
    this.search = new SearchIndex(db, searchOptions);
    this.searchCountCap = searchOptions.countCap ?? SEARCH_COUNT_CAP;
    // Search finds nothing an answer hides: the index gets what `masked` gives.
    this.search.mask = (e) => this.mask.request(e);
    this.responses = new ResponseStore(db);
    this.bound = new RetentionBound(db);
    this.walkStep = searchOptions.retentionWalkStep ?? WALK_STEP;
    this.walkSteps = searchOptions.retentionWalkSteps ?? MAX_WALK_STEPS;
    this.stmts = {
      // Positional parameters: binding 30 named ones costs measurably per row.
      insert: db.prepare(`INSERT INTO events (seq, rev, id, received_at, endpoint_id, method, path,
        query, source_ip, via_tunnel, imported, public_url, event_type, job_id, headers, size, content_type, sig_status,
        sig_provider, sig_reason, idem_key, idem_source, duplicate_of, delivery_count,
        schema_status, schema_name, schema_issues, response_status, forward_status, rejected,
        response_id, may_be_first)
        VALUES (${Array.from({ length: 32 }, () => '?').join(', ')})`),
      insertBody: db.prepare('INSERT INTO bodies (seq, body) VALUES (?, ?)'),
      // The rev high-water mark is saved only when rows are removed: otherwise max(rev) of the
      // events table is it, and the commit on the ack path writes one page less.
      saveRev: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('rev', ?)"),
      // The first delivery's delivery_count is the running total (bumped by each duplicate),
      // so classification is one index probe however many duplicates there are.
      // Only a delivery that could be the sender's counts as a first one (`mayBeFirst`, stored
      // with it), and live and imported deliveries are apart (see classify).
      firstWithKey: db.prepare(
        `SELECT id, delivery_count AS n FROM events
         WHERE endpoint_id = @endpointId AND idem_key = @key AND imported = @imported
           AND may_be_first = 1
         ORDER BY seq LIMIT 1`,
      ),
      bumpCount: db.prepare(
        'UPDATE events SET delivery_count = max(delivery_count, ?), rev = ? WHERE id = ?',
      ),
      summaryById: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM events WHERE id = ?`),
      detailById: db.prepare(`SELECT e.*, r.json AS response_json FROM events e
        LEFT JOIN responses r ON r.id = e.response_id WHERE e.id = ?`),
      bodyBySeq: db.prepare('SELECT body FROM bodies WHERE seq = ?'),
      setForward: db.prepare('UPDATE events SET forward_status = ?, rev = ? WHERE id = ?'),
      setStoredAt: db.prepare('UPDATE events SET stored_at = ? WHERE seq = ?'),
      // Retention (the bound: retention-bound.ts). An event whose forward is still queued stays: deleting it would drop the job unsent.
      expired: db.prepare(
        `SELECT e.seq, e.id FROM events e WHERE e.seq < ? AND NOT EXISTS (SELECT 1 FROM forward_jobs j
         WHERE j.event_id = e.id AND j.state IN ('pending', 'running')) ORDER BY e.seq LIMIT ?`,
      ),
      held: db.prepare(
        `SELECT count(DISTINCT e.seq) AS n FROM forward_jobs j JOIN events e ON e.id = j.event_id
         WHERE j.state IN ('pending', 'running') AND e.seq < ?`,
      ),
      deleteEvent: db.prepare('DELETE FROM events WHERE seq = ?'),
      deleteBody: db.prepare('DELETE FROM bodies WHERE seq = ?'),
      changesSince: db.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM events WHERE rev > ? ORDER BY rev LIMIT ?`,
      ),
      // The filter pills' counters, kept by triggers (migration 16).
      counts: db.prepare(
        `SELECT endpoint_id AS e, key AS k, n FROM event_counts WHERE n <> 0
         AND (key IN ('all', 'dup', 'refused') OR key LIKE 'sig:%' OR key LIKE 'fwd:%')`,
      ),
      counter: db.prepare(
        `SELECT coalesce(sum(n), 0) AS n FROM event_counts
         WHERE key = @key AND (@endpointId IS NULL OR endpoint_id = @endpointId)`,
      ),
    };
    this.commit = new GroupCommit((batch) => this.commitBatch(batch));
    // The queue's settles set the event's forward status in their own commit.
    forwards?.marksEventsWith((id, status) => this.markForward(id, status));
  }

  /**
   * Appends one delivery, classified as first or duplicate by its idempotency key within its
   * endpoint in the same transaction (`dispose` decides its answer and forward from that);
   * resolves with its summary after the commit is durable.
   */
  append(e: NewEvent, dispose: Dispose): Promise<EventSummary> {
    return this.commit.enqueue({ e, dispose });
  }

  /** Registers a listener for committed changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A summary as it leaves the store: a secret in its path shown as `[secret]` (see masked). */
  private readonly maskPath = (e: EventSummary, r = this.mask.redactor()): EventSummary =>
    this.mask.summary(e, r);

  /** A row's summary as it leaves the store. */
  private readonly shown = (row: SummaryRow): EventSummary => this.maskPath(toSummary(row));

  /** Events stored now. */
  async count(): Promise<number> {
    return this.total;
  }

  /** The highest rev handed out so far. */
  async currentRev(): Promise<number> {
    return this.rev;
  }

  private commitBatch(batch: Pending[]): EventSummary[] {
    const changed = new Map<string, EventSummary>();
    const results: EventSummary[] = [];
    const startRev = this.rev;
    this.pendingKeys.clear();
    try {
      // IMMEDIATE: the batch reads (classification) before it writes; a deferred transaction
      // whose snapshot the checkpointer's WAL reset overtook could not upgrade (SQLITE_BUSY at
      // once, busy_timeout or not). Taking the write lock first waits for it instead.
      this.db
        .transaction(() => {
          for (const p of batch) results.push(this.insertOne(p.e, p.dispose, changed));
        })
        .immediate();
    } catch (err) {
      this.rev = startRev;
      this.responses.forget();
      throw err;
    }
    this.total += batch.length;
    this.search.schedule();
    const all = [...results, ...changed.values()].sort((a, b) => a.rev - b.rev);
    const r = this.mask.redactor();
    const shown = r.empty ? all : all.map((e) => this.maskPath(e, r));
    for (const l of this.listeners) l(shown);
    return results;
  }

  /**
   * Classifies a delivery by its idempotency key within its endpoint: the first delivery with
   * the key, or a duplicate of it with its running count. Inside the commit's transaction, so
   * deliveries earlier in the same batch count.
   */
  private classify(e: NewEvent): Classification {
    const key = e.idempotency.key;
    // A delivery whose signature failed is nobody's duplicate and nobody's first: otherwise a
    // stranger who guesses an id would make the sender's real delivery "a duplicate" (its
    // duplicate answer, not forwarded). Imports are classified among imports only, so a file
    // cannot change how live deliveries are answered.
    if (key === null || !mayBeFirst(e)) {
      return { duplicateOf: null, deliveryCount: 1 };
    }
    const endpointId = e.endpointId;
    const imported = e.imported ? 1 : 0;
    const k = `${endpointId}\u0000${imported}\u0000${key}`;
    let seen = this.pendingKeys.get(k);
    if (!seen) {
      const first = this.stmts.firstWithKey.get({ endpointId, key, imported }) as
        { id: string; n: number } | undefined;
      seen = first ? { firstId: first.id, count: first.n } : { firstId: null, count: 0 };
      this.pendingKeys.set(k, seen);
    }
    seen.count++;
    const duplicateOf = seen.firstId;
    seen.firstId ??= e.id;
    return { duplicateOf, deliveryCount: seen.count };
  }

  private insertOne(
    e: NewEvent,
    dispose: Dispose,
    changed: Map<string, EventSummary>,
  ): EventSummary {
    const dup = this.classify(e);
    const d = typeof dispose === 'function' ? dispose(dup) : dispose;
    const seq = ++this.rev;
    if (dup.duplicateOf !== null) {
      // The first delivery carries the running total, so its row shows "delivered n times".
      this.stmts.bumpCount.run(dup.deliveryCount, ++this.rev, dup.duplicateOf);
      const row = this.stmts.summaryById.get(dup.duplicateOf) as SummaryRow | undefined;
      if (row) changed.set(dup.duplicateOf, toSummary(row));
    }
    const row = newEventRow(e, seq, dup, d);
    this.stmts.insert.run(
      row.seq,
      row.rev,
      row.id,
      row.received_at,
      row.endpoint_id,
      row.method,
      row.path,
      row.query,
      row.source_ip,
      row.via_tunnel,
      row.imported,
      row.public_url,
      row.event_type,
      row.job_id,
      row.headers,
      row.size,
      row.content_type,
      row.sig_status,
      row.sig_provider,
      row.sig_reason,
      row.idem_key,
      row.idem_source,
      row.duplicate_of,
      row.delivery_count,
      row.schema_status,
      row.schema_name,
      row.schema_issues,
      row.response_status,
      row.forward_status,
      row.rejected,
      d.response ? this.responses.idOf(d.response) : null,
      row.may_be_first,
    );
    this.stmts.insertBody.run(seq, e.body);
    if (e.storedAt !== undefined) this.stmts.setStoredAt.run(e.storedAt, seq);
    if (d.forwardTarget !== null && this.forwards)
      this.forwards.insertJob(e.id, d.forwardTarget, e.receivedAt, d.forwardRefused);
    return toSummary(row);
  }

  /** Waits until every queued append has been committed. */
  drained(): Promise<void> {
    return this.commit.drained();
  }

  /** Commits anything queued now, synchronously (shutdown). */
  flush(): void {
    this.commit.flush();
  }

  /**
   * A page of summaries, newest first (or oldest first with `order: 'oldest'`), with `hasMore`
   * when more remain past the page in that order.
   */
  async list(asked: ListFilter): Promise<ListPage> {
    // A value given twice means it once (the per-value reads and the counters would count it
    // twice).
    const once = (v: string[] | undefined): string[] | undefined => v && [...new Set(v)];
    const f: ListFilter = {
      ...asked,
      signatureStatus: once(asked.signatureStatus),
      forwardStatus: once(asked.forwardStatus),
    };
    const { where, params } = filterSql(f);
    params.limit = f.limit + 1;
    // The filter without paging, for the total.
    const filterWhere = [...where];
    const filterParams = { ...params };
    delete filterParams.limit;
    if (f.beforeSeq !== undefined) {
      where.push('e.seq < @beforeSeq');
      params.beforeSeq = f.beforeSeq;
    }
    if (f.afterSeq !== undefined) {
      where.push('e.seq > @afterSeq');
      params.afterSeq = f.afterSeq;
    }

    const oldest = f.order === 'oldest';
    const dir = oldest ? 'ASC' : 'DESC';
    const cols = SUMMARY_COLUMNS.replace(/(\w+)/g, 'e.$1');
    // Newest first (or oldest first: the same walks, the other way). Through the search index, ordered by the index's own rowid (the event's
    // seq): FTS5 then walks its matches newest first and stops at the limit, where ordering
    // by e.seq had SQLite collect and sort every match (seconds for a common word in a
    // million events).
    const FTS = 'events_fts f JOIN events e ON e.seq = f.rowid';
    const page = <T = SummaryRow>(
      from: string,
      conds: string[],
      extra: Record<string, unknown> = {},
      select = cols,
    ): T[] =>
      this.db
        .prepare(
          `SELECT ${select} FROM ${from} ${conds.length ? 'WHERE ' + conds.join(' AND ') : ''}
           ORDER BY ${from === FTS ? 'f.rowid' : 'e.seq'} ${dir} LIMIT @limit`,
        )
        .all({ ...params, ...extra }) as T[];
    const count = (from: string, conds: string[], extra: Record<string, unknown> = {}): number =>
      (
        this.db
          .prepare(
            `SELECT count(*) AS n FROM ${from} ${conds.length ? 'WHERE ' + conds.join(' AND ') : ''}`,
          )
          .get({ ...filterParams, ...extra }) as { n: number }
      ).n;
    const match = toFtsMatch(parseSearch(f.query ?? ''));
    if (match === null) {
      const counts = hasPill(f) ? await this.counts(f.endpointId) : null;
      const rows = this.firstInOrder(f, (g) => {
        const drive = counts ? driver(g, counts) : null;
        if (drive?.n === 0) return []; // the counters know nothing matches
        const sql = filterSql(g);
        const from = drive ? `events e INDEXED BY ${drive.index}` : 'events e';
        return page(from, [...sql.where, ...where.slice(filterWhere.length)], sql.params);
      });
      const out: ListPage = {
        items: rows.slice(0, f.limit).map(this.shown),
        hasMore: rows.length > f.limit,
      };
      if (f.withTotal) {
        out.total = (await this.countedTotal(f)) ?? count('events e', filterWhere);
      }
      return out;
    }
    // Index what is pending within a small budget; rows still above the index (a burst not
    // indexed yet) are matched by the same tokenizer and MATCH expression in memory.
    const indexed = this.search.catchUp(this.searchBudgetMs);
    // Counted up to SEARCH_COUNT_CAP: a word in most of a million bodies took the thread for
    // most of a second; past the cap the total is a lower bound (totalAtLeast).
    let capped = false;
    const ftsTotal = (m: string, upTo: number): number => {
      const conds = [...filterWhere, 'events_fts MATCH @match', 'e.seq <= @upTo'];
      const n = (
        this.db
          .prepare(
            `SELECT count(*) AS n FROM (SELECT 1 FROM ${FTS} WHERE ${conds.join(' AND ')}
             LIMIT ${this.searchCountCap + 1})`,
          )
          .get({ ...filterParams, match: m, upTo }) as { n: number }
      ).n;
      if (n <= this.searchCountCap) return n;
      capped = true;
      return this.searchCountCap;
    };
    const matchTail = (want: number) =>
      this.search.matchTail(
        match,
        (cursor, limit) =>
          page<SummaryRow & TailRow>(
            'events e',
            [...where, 'e.seq > @indexed', oldest ? 'e.seq > @tailCursor' : 'e.seq < @tailCursor'],
            { indexed, tailCursor: cursor ?? (oldest ? indexed : Number.MAX_SAFE_INTEGER), limit },
            `${cols}, e.query, e.headers`,
          ),
        want,
      );
    if (oldest) {
      // Oldest first: the indexed matches come first (they are the older ones), then those
      // above the index, as far as the page needs them.
      const fts = page(FTS, [...where, 'events_fts MATCH @match'], { match });
      let rows: SummaryRow[] = fts;
      let tailKnown = false; // every match above the index is in `rows`
      let tailRows = 0;
      let complete = true;
      if (fts.length <= f.limit) {
        const want = f.limit + 1 - fts.length;
        const tail = matchTail(want);
        if (!tail.complete && fts.length + tail.rows.length === 0) {
          throw new HookscopeError(
            'conflict',
            `search is still indexing ${this.search.pending} recent deliveries (it does so when ` +
              'deliveries pause for a moment): try again shortly',
          );
        }
        rows = [...fts, ...tail.rows];
        tailRows = tail.rows.length;
        complete = tail.complete;
        tailKnown = tail.complete && tail.rows.length < want;
      }
      const out: ListPage = {
        items: rows.slice(0, f.limit).map(this.shown),
        hasMore: rows.length > f.limit || !complete,
      };
      if (f.withTotal) {
        out.total = ftsTotal(match, indexed) + tailRows;
        const paged = f.beforeSeq !== undefined || f.afterSeq !== undefined;
        if (paged || capped || !tailKnown) out.totalAtLeast = true;
      }
      return out;
    }
    const tail = matchTail(f.limit + 1);
    let rows: SummaryRow[] = tail.rows;
    if (!tail.complete) {
      // Out of budget: what was found is a correct first page (the next one goes on below
      // it); with nothing found there is no honest answer yet.
      if (rows.length === 0) {
        throw new HookscopeError(
          'conflict',
          `search is still indexing ${this.search.pending} recent deliveries (it does so when ` +
            'deliveries pause for a moment): try again shortly',
        );
      }
      const out: ListPage = { items: rows.map(this.shown), hasMore: true };
      if (f.withTotal) {
        out.total = rows.length + ftsTotal(match, indexed);
        out.totalAtLeast = true;
      }
      return out;
    }
    if (rows.length <= f.limit) {
      const fts = page(FTS, [...where, 'events_fts MATCH @match'], {
        match,
        limit: f.limit + 1 - rows.length,
      });
      rows = [...rows, ...fts];
    }
    const hasMore = rows.length > f.limit;
    const out: ListPage = { items: rows.slice(0, f.limit).map(this.shown), hasMore };
    if (f.withTotal) {
      // Matches among indexed rows, plus those above the index (all found when the tail
      // search was complete and fit the page, and the page was not cut by paging).
      out.total = ftsTotal(match, indexed) + tail.rows.length;
      const paged = f.beforeSeq !== undefined || f.afterSeq !== undefined;
      if (paged || capped || tail.rows.length > f.limit) out.totalAtLeast = true;
    }
    return out;
  }

  /** The search indexer's gate for background writes and its WAL checkpoint request. */
  backgroundWrites(writes: BackgroundWrites, afterBigBatch: () => void): void {
    this.search.writes = writes;
    this.search.afterBigBatch = afterBigBatch;
  }

  /**
   * What every answer built from a stored event (getEvent, `events show`, Copy as cURL, HAR and
   * NDJSON exports, diff) takes secrets out with: the endpoints' secrets as they are now. The
   * log keeps the request as received, so forwards, redrives and replays send your app the
   * token GitLab sent (RELIABILITY.md, promise 5).
   */
  maskSecretsWith(secrets: () => readonly string[]): void {
    this.mask.use(secrets);
  }

  /**
   * Called before secrets are saved (in the saving transaction when there is one): when one
   * of `secrets` is not masked yet, events indexed for search before may hold it, so the
   * index is rebuilt (search-index.ts `rebuild`), masked with the secrets as they will be.
   */
  secretsWillChange(secrets: readonly string[]): void {
    const now = new Set(this.mask.secrets());
    if (secrets.some((s) => s.trim() !== '' && !now.has(s))) this.search.rebuild();
  }

  /** The endpoints' secrets, masked in every answer (shared with the PostgreSQL log). */
  private readonly mask = new SecretMask();

  /**
   * The full event with its body, or undefined when no such id. A header or query value that
   * holds an endpoint secret (GitLab's `X-Gitlab-Token`, a token in the URL) shows `[secret]`.
   */
  async get(id: string): Promise<EventDetail | undefined> {
    const row = this.stmts.detailById.get(id) as DetailRow | undefined;
    if (!row) return undefined;
    const body = (this.stmts.bodyBySeq.get(row.seq) as { body: Buffer } | undefined)?.body;
    const detail = toDetail(row, body ?? Buffer.alloc(0));
    const { coverage } = searchFields(detail, body ?? Buffer.alloc(0), row.size);
    return this.masked({ ...detail, bodySearch: coverage });
  }

  /**
   * The event as getEvent sends it: the body once (text when UTF-8, else base64) and only its
   * first `firstBytes`; undefined when no such id. Secrets masked as in `get`.
   */
  async view(id: string, firstBytes: number): Promise<EventView | undefined> {
    const row = this.stmts.detailById.get(id) as DetailRow | undefined;
    if (!row) return undefined;
    const body =
      (this.stmts.bodyBySeq.get(row.seq) as { body: Buffer } | undefined)?.body ?? Buffer.alloc(0);
    const detail = toDetail(row, Buffer.alloc(0));
    const { coverage } = searchFields(detail, body, row.size);
    const { offset: _offset, ...part } = bodyPart(body, 0, firstBytes, isUtf8(body));
    return this.masked({
      ...detail,
      bodySearch: coverage,
      body: { ...part, complete: part.length === body.length },
    });
  }

  /** A URL a delivery was sent on to (a forward or replay attempt) with its secrets masked. */
  maskUrl(url: string): string {
    return this.mask.url(url);
  }

  /** An answer built from a stored event with the endpoints' secrets shown as `[secret]`. */
  private masked<
    T extends Pick<EventDetail, 'path' | 'headers' | 'query' | 'publicUrl' | 'idempotency'>,
  >(e: T): T {
    return this.mask.detail(e);
  }

  /** `length` bytes of an event's body from `offset` (see bodyPart); undefined when no such id. */
  async bodyPart(id: string, offset: number, length: number): Promise<BodyPart | undefined> {
    const row = this.stmts.detailById.get(id) as DetailRow | undefined;
    if (!row) return undefined;
    const body =
      (this.stmts.bodyBySeq.get(row.seq) as { body: Buffer } | undefined)?.body ?? Buffer.alloc(0);
    return bodyPart(body, offset, length, isUtf8(body));
  }

  /** Sets an event's forward status (a change: new rev, pushed to listeners). */
  async setForwardStatus(id: string, status: EventSummary['forward']['status']): Promise<void> {
    this.markForward(id, status);
  }

  /**
   * `setForwardStatus` inside a transaction of the forward queue on the same database (the job
   * and the event's status commit together).
   */
  markForward(id: string, status: EventSummary['forward']['status']): void {
    const rev = this.rev + 1;
    if (this.stmts.setForward.run(status, rev, id).changes === 0) return;
    this.rev = rev;
    const row = this.stmts.summaryById.get(id) as SummaryRow;
    const summary = this.shown(row);
    for (const l of this.listeners) l([summary]);
  }

  /** The stored request as received (for forwarding and replay), or null when deleted. */
  async source(id: string): Promise<StoredRequest | null> {
    const row = this.stmts.detailById.get(id) as DetailRow | undefined;
    if (!row) return null;
    const body = this.stmts.bodyBySeq.get(row.seq) as { body: Buffer } | undefined;
    const headers = JSON.parse(row.headers) as [string, string][];
    return {
      method: row.method,
      path: row.path,
      query: row.query,
      headers,
      body: body?.body ?? Buffer.alloc(0),
      sourceIp: row.source_ip,
      host: headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? null,
      endpointId: row.endpoint_id,
      publicUrl: row.public_url,
    };
  }

  /** What a signature needs besides the body (no body read): endpoint, path, headers, time. */
  async envelope(id: string): Promise<Envelope | null> {
    const row = this.stmts.detailById.get(id) as DetailRow | undefined;
    if (!row) return null;
    return {
      endpointId: row.endpoint_id,
      path: row.path,
      headers: JSON.parse(row.headers) as [string, string][],
      receivedAt: row.received_at,
      signatureStatus: row.sig_status,
    };
  }

  /** The summary of one event, or undefined. */
  async summary(id: string): Promise<EventSummary | undefined> {
    const row = this.stmts.summaryById.get(id) as SummaryRow | undefined;
    return row ? this.shown(row) : undefined;
  }

  /** Summaries changed after `rev`, oldest change first (SSE backfill). */
  async changesSince(rev: number, limit: number): Promise<EventSummary[]> {
    return (this.stmts.changesSince.all(rev, limit) as SummaryRow[]).map(this.shown);
  }

  /**
   * The first `limit + 1` rows of a filter in the list's order (the newest, or the oldest). A
   * filter on several verdicts or forward states is read one value at a time and merged: each
   * is a walk along its own index, where one `IN (…)` would collect and sort every match (a
   * big log has tens of thousands).
   */
  private firstInOrder(f: ListFilter, read: (g: ListFilter) => SummaryRow[]): SummaryRow[] {
    const sig = f.signatureStatus ?? [undefined];
    const fwd = f.forwardStatus ?? [undefined];
    if (sig.length * fwd.length <= 1) return read(f);
    const rows: SummaryRow[] = [];
    for (const s of sig) {
      for (const w of fwd) {
        rows.push(
          ...read({
            ...f,
            signatureStatus: s === undefined ? undefined : [s],
            forwardStatus: w === undefined ? undefined : [w],
          }),
        );
      }
    }
    const sign = f.order === 'oldest' ? -1 : 1;
    return rows.sort((a, b) => sign * (b.seq - a.seq)).slice(0, f.limit + 1);
  }

  /**
   * A filter's total from the counters when they hold it (no criterion or one pill, within an
   * endpoint or not); null when only a count of the rows can tell.
   */
  private countedTotal(f: ListFilter): Promise<number | null> {
    return totalFromCounters(
      f,
      (key) =>
        (this.stmts.counter.get({ key, endpointId: f.endpointId ?? null }) as { n: number }).n,
      () => this.counts(f.endpointId),
    );
  }

  /**
   * Marks live deliveries that arrived unsigned on these endpoints (which have secrets) as
   * no one's first (see storage.ts: logs from before the rule).
   */
  markUnverified(endpointIds: readonly string[]): void {
    const mark = this.db.prepare(
      `UPDATE events SET may_be_first = 0
       WHERE endpoint_id = ? AND may_be_first = 1 AND imported = 0 AND sig_status = 'none'`,
    );
    for (const id of endpointIds) mark.run(id);
  }

  /** How many events each list filter matches, from the counters kept with the log. */
  async counts(endpointId?: string): Promise<EventCounts> {
    return countsFrom(this.stmts.counts.all() as CounterRow[], endpointId);
  }

  /** Deletes every event; returns how many there were. */
  async deleteAll(): Promise<number> {
    this.bound.reset();
    const n = this.total;
    this.db.transaction(() => {
      this.stmts.saveRev.run(String(this.rev));
      this.db.exec('DELETE FROM events; DELETE FROM bodies;');
      this.forwards?.forgetEvents('all');
      this.search.clear();
    })();
    this.total = 0;
    return n;
  }

  /** Deletes the given events; returns the ids that existed and were deleted. */
  async deleteIds(ids: string[]): Promise<string[]> {
    this.bound.reset();
    const deleted: string[] = [];
    const find = this.db.prepare('SELECT seq FROM events WHERE id = ?');
    this.db.transaction(() => {
      this.stmts.saveRev.run(String(this.rev));
      for (const id of ids) {
        const row = find.get(id) as { seq: number } | undefined;
        if (!row) continue;
        this.removeSeq(row.seq);
        deleted.push(id);
        this.forwards?.forgetEvents([id]);
      }
    })();
    this.total -= deleted.length;
    return deleted;
  }

  /**
   * Deletes up to `limit` of the oldest events past retention (see RetentionBound), except
   * those whose forward is still queued (pending or running): returns the ids deleted. Fewer
   * than `limit` means none are left to delete now.
   */
  async deleteOldest(opts: RetentionLimits & { limit: number }): Promise<string[]> {
    // The bound as far as it is known; walked a step further only while this chunk needs more
    // rows than it covers (a walk behind a long run of held events goes on at the next call).
    let bound = this.bound.bound(opts, this.total, 0);
    let cut: { seq: number; id: string }[] = [];
    for (let steps = 0; ; steps++) {
      cut = bound.seq > 0 ? (this.stmts.expired.all(bound.seq, opts.limit) as typeof cut) : [];
      if (cut.length >= opts.limit || bound.complete || steps >= this.walkSteps) break;
      bound = this.bound.bound(opts, this.total, Math.max(opts.limit, this.walkStep));
      if (!bound.moved && !bound.complete) break; // nothing further to walk now
    }
    if (cut.length === 0) return [];
    this.db.transaction(() => {
      this.stmts.saveRev.run(String(this.rev));
      for (const r of cut) this.removeSeq(r.seq);
      this.forwards?.forgetEvents(cut.map((r) => r.id));
    })();
    this.total -= cut.length;
    this.bound.deleted(cut.map((r) => r.seq));
    return cut.map((r) => r.id);
  }

  /**
   * Events past retention kept only because their forward is still queued (those the bound's
   * walk has reached: all of them once a pass is done).
   */
  async heldForForwarding(opts: RetentionLimits): Promise<number> {
    const bound = this.bound.bound(opts, this.total, this.walkStep).seq;
    return bound <= 0 ? 0 : (this.stmts.held.get(bound) as { n: number }).n;
  }

  private removeSeq(seq: number): void {
    this.stmts.deleteEvent.run(seq);
    this.stmts.deleteBody.run(seq);
    this.search.remove(seq);
  }

  /** Stops background indexing timers. */
  async close(): Promise<void> {
    this.search.stop();
  }
}
