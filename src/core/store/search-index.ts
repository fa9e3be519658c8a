import type { Db } from './db';
import { bodyText } from './event-rows';

const CHUNK = 100;
/** Index only after the log has been quiet this long: indexing competes with the receiver. */
const QUIET_MS = 250;
/** Bodies larger than this are not indexed (search covers path and headers for them). */
const MAX_INDEXED_BODY = 256 * 1024;

/**
 * The FTS5 index over path, headers and text body, kept off the ack path: an FTS insert
 * costs ~17× a plain row, so rows are indexed in small chunks in idle time, and a search
 * first catches up with whatever is not yet indexed.
 */
export class SearchIndex {
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private indexedSeq: number;
  private readonly stmts;

  constructor(private readonly db: Db) {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'fts_seq'").get() as
      { value: string } | undefined;
    this.indexedSeq = row ? Number(row.value) : 0;
    this.stmts = {
      pending: db.prepare(
        `SELECT e.seq, e.path, e.query, e.headers, b.body FROM events e
         JOIN bodies b ON b.seq = e.seq WHERE e.seq > ? ORDER BY e.seq LIMIT ?`,
      ),
      insert: db.prepare('INSERT INTO events_fts (rowid, path, headers, body) VALUES (?, ?, ?, ?)'),
      save: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_seq', ?)"),
      remove: db.prepare('DELETE FROM events_fts WHERE rowid = ?'),
    };
  }

  /** The words of a search text (letters, digits, underscore), or null when none. */
  static words(text: string): string[] | null {
    return text.match(/[\p{L}\p{N}_]+/gu);
  }

  /**
   * Turns user text into a safe FTS5 query: every word quoted (so operators and quotes in the
   * text are literal), all words required, the last one as a prefix. Null when no words.
   */
  static toMatch(text: string): string | null {
    const words = SearchIndex.words(text);
    if (!words) return null;
    return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
  }

  /** Notes a write; pending rows are indexed once the log has been quiet for a moment. */
  schedule(): void {
    this.lastWrite = Date.now();
    if (this.timer) return;
    const tick = (): void => {
      const quietFor = Date.now() - this.lastWrite;
      if (quietFor < QUIET_MS) {
        this.timer = setTimeout(tick, QUIET_MS - quietFor);
      } else if (this.idleChunk() === CHUNK) {
        this.timer = setTimeout(tick, 0); // yield to deliveries between chunks
      } else {
        this.timer = null;
      }
      this.timer?.unref();
    };
    this.timer = setTimeout(tick, QUIET_MS);
    this.timer.unref();
  }

  /** One chunk from a timer: never throws (a closed log or a bad row waits for the next search). */
  private idleChunk(): number {
    if (!this.db.open) return 0;
    try {
      return this.indexChunk();
    } catch {
      return 0;
    }
  }

  /**
   * Indexes what is pending for at most `budgetMs` (before a search) and returns the highest
   * indexed seq: rows above it must be searched another way.
   */
  catchUp(budgetMs: number): number {
    const until = Date.now() + budgetMs;
    while (Date.now() < until && this.indexChunk() === CHUNK) {
      /* keep going */
    }
    return this.indexedSeq;
  }

  private indexChunk(): number {
    const rows = this.stmts.pending.all(this.indexedSeq, CHUNK) as {
      seq: number;
      path: string;
      query: string;
      headers: string;
      body: Buffer;
    }[];
    if (rows.length === 0) return 0;
    this.db.transaction(() => {
      for (const r of rows) {
        const headers = (JSON.parse(r.headers) as [string, string][])
          .map(([n, v]) => `${n}: ${v}`)
          .join('\n');
        const text = r.body.length <= MAX_INDEXED_BODY ? (bodyText(r.body) ?? '') : '';
        const path = r.query ? `${r.path}?${r.query}` : r.path;
        this.stmts.insert.run(r.seq, path, headers, text);
      }
      this.indexedSeq = rows[rows.length - 1]!.seq;
      this.stmts.save.run(String(this.indexedSeq));
    })();
    return rows.length;
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
