import type { Db } from './db';
import { bodyText } from './event-rows';

const CHUNK = 250;
/** Bodies larger than this are not indexed (search covers path and headers for them). */
const MAX_INDEXED_BODY = 256 * 1024;

/**
 * The FTS5 index over path, headers and text body, kept off the ack path: an FTS insert
 * costs ~17× a plain row, so rows are indexed in small chunks in idle time, and a search
 * first catches up with whatever is not yet indexed.
 */
export class SearchIndex {
  private timer: NodeJS.Timeout | null = null;
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

  /**
   * Turns user text into a safe FTS5 query: every word quoted (so operators and quotes in the
   * text are literal), all words required, the last one as a prefix. Null when no words.
   */
  static toMatch(text: string): string | null {
    const words = text.match(/[\p{L}\p{N}_]+/gu);
    if (!words) return null;
    return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
  }

  /** Indexes pending rows soon, a chunk at a time, yielding to the receiver between chunks. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.indexChunk() === CHUNK) this.schedule();
    }, 100);
    this.timer.unref();
  }

  /** Indexes everything not yet indexed (before a search). */
  catchUp(): void {
    while (this.indexChunk() === CHUNK) {
      /* keep going */
    }
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
