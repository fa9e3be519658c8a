import type { Db } from './db';
import type { SearchFields } from './search-text';

/** Rows read per page while matching the tail. */
const TAIL_PAGE = 200;
/** Text matched per scratch batch (as an indexing chunk). */
const BATCH_TEXT = 256 * 1024;

/** A row to search that is not in the index yet: its seq, request fields and body size. */
export interface TailRow {
  seq: number;
  path: string;
  query: string;
  headers: string;
  size: number;
}

/** What matching the rows above the index found, in the order the pages gave them. */
export interface TailMatch<T> {
  rows: T[];
  /** False when the text budget ran out before every row above the index was looked at. */
  complete: boolean;
}

/**
 * Matches rows that are not indexed yet by exactly the index's rules: they go through an
 * in-memory FTS5 table defined like events_fts (same tokenizer) and the same MATCH
 * expression, a batch at a time, newest first, within a budget of text per search.
 */
export class SearchTail {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly fieldsOf: (r: TailRow) => SearchFields,
    private readonly budget: number,
  ) {
    this.attach();
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO search_scratch.tail (rowid, path, headers, body) VALUES (?, ?, ?, ?)',
      ),
      match: db.prepare('SELECT rowid FROM search_scratch.tail WHERE tail MATCH ?'),
      clear: db.prepare("INSERT INTO search_scratch.tail (tail) VALUES ('delete-all')"),
    };
  }

  /** A table in memory defined exactly like events_fts (same tokenizer), for the tail. */
  private attach(): void {
    const attached = this.db
      .prepare("SELECT 1 FROM pragma_database_list WHERE name = 'search_scratch'")
      .get();
    if (!attached) this.db.exec("ATTACH DATABASE ':memory:' AS search_scratch");
    const def = this.db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events_fts'")
      .get() as { sql: string };
    this.db.exec(
      def.sql.replace(
        /^CREATE VIRTUAL TABLE\s+\S+/i,
        'CREATE VIRTUAL TABLE IF NOT EXISTS search_scratch.tail',
      ),
    );
  }

  /**
   * Matches rows that are not indexed yet against an FTS5 MATCH expression, in the list's
   * order, until `want` match or the tail's text budget is spent. `page(cursor)` gives the
   * next candidates (already filtered, above the index, past `cursor` in the list's order:
   * the seq of the last candidate given, null at first).
   */
  match<T extends TailRow>(
    match: string,
    page: (cursor: number | null, limit: number) => T[],
    want: number,
  ): TailMatch<T> {
    const found: T[] = [];
    let cursor: number | null = null;
    let spent = 0;
    this.stmts.clear.run(); // empty even if an earlier search stopped half-way
    for (;;) {
      const rows = page(cursor, TAIL_PAGE);
      if (rows.length === 0) return { rows: found, complete: true };
      let batch: T[] = [];
      let text = 0;
      const flush = (): boolean => {
        if (batch.length === 0) return false;
        const hits = new Set(
          (this.stmts.match.all(match) as { rowid: number }[]).map((h) => h.rowid),
        );
        this.stmts.clear.run();
        for (const r of batch) {
          if (!hits.has(r.seq)) continue;
          found.push(r);
          if (found.length >= want) return true;
        }
        batch = [];
        text = 0;
        return false;
      };
      for (const [i, r] of rows.entries()) {
        const f = this.fieldsOf(r);
        this.stmts.insert.run(r.seq, f.path, f.headers, f.body);
        batch.push(r);
        const n = f.path.length + f.headers.length + f.body.length;
        text += n;
        spent += n;
        if (text >= BATCH_TEXT || spent >= this.budget) {
          if (flush()) return { rows: found, complete: true };
          const last = i === rows.length - 1 && rows.length < TAIL_PAGE;
          if (spent >= this.budget) return { rows: found, complete: last };
        }
      }
      if (flush()) return { rows: found, complete: true };
      cursor = rows[rows.length - 1]!.seq;
    }
  }
}
