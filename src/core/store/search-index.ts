import type { BackgroundWrites } from '../store-health';
import type { Db } from './db';
import { SearchTail, type TailMatch, type TailRow } from './search-tail';
import { BODY_READ_BYTES, isEncoded, searchFields, type SearchFields } from './search-text';

export type { TailRow } from './search-tail';

/** An indexing chunk stops at this many rows or this much text: a few ms of work. */
const CHUNK_ROWS = 100;
const CHUNK_TEXT = 256 * 1024;
/** Index only after the log has been quiet this long: indexing competes with the receiver. */
const QUIET_MS = 250;
/** Text one search may match outside the index (rows not indexed yet) before it stops. */
const TAIL_TEXT = 32 * 1024 * 1024;
/** The longest rest between two chunks. */
const MAX_REST_MS = 100;
/** Rows left unindexed at open (a restart, the rebuilding migration) wait until start is over. */
const OPEN_DELAY_MS = 2000;
/** After a chunk failed to commit (disk full, I/O error), the next try comes this much later. */
const RETRY_MS = 1000;

/** Text indexed between two asks for a WAL checkpoint (each FTS row costs several times it). */
const BIG_BATCH_TEXT = 8 * 1024 * 1024;

/** The request fields the way out masks (path, headers, query), masked as it masks them. */
export type MaskRequest = (e: { path: string; headers: [string, string][]; query: string }) => {
  path: string;
  headers: [string, string][];
  query: string;
};

export interface SearchIndexOptions {
  /** Text a search may match outside the index (tests make it small). */
  tailText?: number;
  retryMs?: number;
}

/**
 * The FTS5 index over path, headers and body text, kept off the ack path: an FTS insert
 * costs ~17× a plain row, so rows are indexed in small chunks in idle time. A search first
 * catches up within a small budget; rows still above the index are matched by the same FTS5
 * tokenizer and the same MATCH expression in an in-memory scratch table, so both give the
 * same answers (search-query.ts says what a query means).
 */
export class SearchIndex {
  /** Asked before each chunk; told how writes went (set by the engine). */
  writes: BackgroundWrites | null = null;
  /** Called after about 8 MB of text was indexed, so the WAL is checkpointed soon. */
  afterBigBatch: (() => void) | null = null;
  private written = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  /**
   * What every way out masks (secrets in headers and query, EventStore.maskSecretsWith) is
   * masked before it is indexed or matched, so a search never finds what an answer hides.
   */
  mask: MaskRequest = (e) => e;
  private readonly tail: SearchTail;
  private readonly retryMs: number;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    opts: SearchIndexOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? RETRY_MS;
    this.stmts = {
      cursor: db.prepare("SELECT value FROM meta WHERE key = 'fts_seq'"),
      reset: db.prepare("DELETE FROM meta WHERE key = 'fts_seq'"),
      deleteAll: db.prepare("INSERT INTO events_fts (events_fts) VALUES ('delete-all')"),
      pending: db.prepare(
        'SELECT seq, path, query, headers, size FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      pendingCount: db.prepare('SELECT count(*) AS n FROM events WHERE seq > ?'),
      prefix: db.prepare('SELECT substr(body, 1, ?) AS body FROM bodies WHERE seq = ?'),
      whole: db.prepare('SELECT body FROM bodies WHERE seq = ?'),
      insert: db.prepare('INSERT INTO events_fts (rowid, path, headers, body) VALUES (?, ?, ?, ?)'),
      save: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_seq', ?)"),
      remove: db.prepare('DELETE FROM events_fts WHERE rowid = ?'),
    };
    this.tail = new SearchTail(db, (r) => this.fieldsOf(r), opts.tailText ?? TAIL_TEXT);
    // After a restart (or the migration that rebuilds the index) nothing is left unindexed.
    if (this.pending > 0) this.arm(OPEN_DELAY_MS);
  }

  /**
   * The highest seq whose index rows are committed, as committed: read from the log, so a
   * rebuild rolled back with the transaction it ran in leaves the cursor where it was.
   */
  private get indexedSeq(): number {
    const row = this.stmts.cursor.get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /**
   * Empties the index and indexes every event again from the start, in idle chunks (as after
   * the migration that rebuilt it): a secret was added, and rows indexed before it may hold
   * it unmasked. Runs in the caller's transaction when there is one. Searches meanwhile match
   * rows not indexed yet in memory, by the same rules, masked with the secrets as they are.
   */
  rebuild(): void {
    this.db.transaction(() => {
      this.stmts.deleteAll.run();
      this.stmts.reset.run();
    })();
    this.arm(QUIET_MS);
  }

  /** Rows stored but not indexed yet. */
  get pending(): number {
    return (this.stmts.pendingCount.get(this.indexedSeq) as { n: number }).n;
  }

  /** Notes a write; pending rows are indexed once the log has been quiet for a moment. */
  schedule(): void {
    this.lastWrite = Date.now();
    this.arm(QUIET_MS);
  }

  private arm(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    const quietFor = Date.now() - this.lastWrite;
    if (quietFor < QUIET_MS) return this.arm(QUIET_MS - quietFor);
    if (!this.db.open) return;
    // The disk guard refuses or the log failed a write: do not make a full disk fuller.
    if (this.writes && !this.writes.mayWrite()) return this.arm(this.retryMs);
    try {
      const started = Date.now();
      // More to do (a burst, a rebuild): rest as long as the chunk took, so deliveries and
      // the UI's requests get at least half of the thread while a big log is indexed.
      const more = this.indexChunk();
      this.writes?.succeeded();
      if (more) this.arm(Math.min(Date.now() - started, MAX_REST_MS));
    } catch (err) {
      this.writes?.failed(err, 'indexing deliveries for search');
      this.arm(this.retryMs); // the chunk rolled back and stays pending: try again later
    }
  }

  /**
   * Indexes what is pending for at most `budgetMs` (before a search) and returns the highest
   * indexed seq: rows above it must be matched with `matchTail`. A chunk that cannot be
   * committed (disk full) leaves its rows above the index, to be retried.
   */
  catchUp(budgetMs: number): number {
    if (this.writes && !this.writes.mayWrite()) return this.indexedSeq; // the tail matches the rest
    const until = Date.now() + budgetMs;
    try {
      while (Date.now() < until && this.indexChunk()) {
        /* keep going */
      }
    } catch {
      this.arm(this.retryMs);
    }
    return this.indexedSeq;
  }

  /** The searchable fields of a stored row (reads only the part of the body searched). */
  private fieldsOf(r: TailRow): SearchFields {
    let headers: [string, string][];
    try {
      headers = JSON.parse(r.headers) as [string, string][];
    } catch {
      headers = []; // never written so by this store; index the rest rather than stall
    }
    const read = (
      isEncoded(headers)
        ? this.stmts.whole.get(r.seq)
        : this.stmts.prefix.get(BODY_READ_BYTES, r.seq)
    ) as { body: Buffer } | undefined;
    const masked = this.mask({ path: r.path, headers, query: r.query });
    return searchFields(
      { path: masked.path, query: masked.query, headers: masked.headers },
      read?.body ?? Buffer.alloc(0),
      r.size,
      headers,
    );
  }

  /** Indexes one chunk in one transaction; true when more rows are pending. */
  private indexChunk(): boolean {
    const rows = this.stmts.pending.all(this.indexedSeq, CHUNK_ROWS) as TailRow[];
    if (rows.length === 0) return false;
    const docs: [number, SearchFields][] = [];
    let text = 0;
    for (const r of rows) {
      const f = this.fieldsOf(r);
      docs.push([r.seq, f]);
      text += f.path.length + f.headers.length + f.body.length;
      if (text >= CHUNK_TEXT) break;
    }
    const last = docs[docs.length - 1]![0];
    this.db.transaction(() => {
      for (const [seq, f] of docs) this.stmts.insert.run(seq, f.path, f.headers, f.body);
      this.stmts.save.run(String(last));
    })();
    this.written += text;
    if (this.written >= BIG_BATCH_TEXT) {
      this.written = 0;
      this.afterBigBatch?.();
    }
    return docs.length < rows.length || rows.length === CHUNK_ROWS;
  }

  /** Matches rows not indexed yet by the index's own rules (see SearchTail.match). */
  matchTail<T extends TailRow>(
    match: string,
    page: (cursor: number | null, limit: number) => T[],
    want: number,
  ): TailMatch<T> {
    return this.tail.match(match, page, want);
  }

  /** Removes one event from the index (no-op when it was not indexed yet). */
  remove(seq: number): void {
    if (seq <= this.indexedSeq) this.stmts.remove.run(seq);
  }

  /** Empties the index (the log was cleared). */
  clear(): void {
    // The cursor stays: new events get higher seqs than anything indexed before.
    this.db.exec('DELETE FROM events_fts');
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
