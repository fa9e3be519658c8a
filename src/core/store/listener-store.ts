import { randomUUID } from 'node:crypto';
import type { EventSummary } from '../../shared/model';

type ForwardStatus = EventSummary['forward']['status'];
import type { StoredRequest } from '../types';
import { openDb, type Db } from './db';
import { ForwardStore } from './forward-store';

/**
 * A delivery a `hookscope listen --server` took from the server, as it keeps it: the exact
 * request (what its forwards send) under the server's event id, with the server's `seq`.
 */
export interface TakenDelivery extends StoredRequest {
  /** The server's event id (the forward job's and the report's event id). */
  id: string;
  /** The server's seq: the cursor moves to it in the same commit. */
  seq: number;
  /** The provider's delivery id, or the server's id (the `-->` line's reference). */
  ref: string;
  receivedAt: string;
}

/** What the listener did with a delivery: forwarded (its forward's status) or skipped, and why. */
export interface TakenRecord {
  id: string;
  seq: number;
  ref: string;
  /** pending, retrying, ok, dead (the forward), or skipped (not forwarded: `note` says why). */
  status: ForwardStatus | 'skipped';
  note: string | null;
  receivedAt: string;
}

/** The cursor: the last delivery taken (its seq on the server, when it arrived there). */
export interface ListenerCursor {
  seq: number;
  receivedAt: string | null;
}

/**
 * The local state of one `hookscope listen --server` (one SQLite file per server and path in
 * the listener's data folder): the engine's own forward queue (`ForwardStore`, the log's
 * schema: the same jobs, attempts, retries and dead letters as `hookscope listen`), the
 * deliveries taken with their bytes, and the cursor. A delivery, its forward job and the
 * cursor are written in one transaction, so a restart never queues one twice and never skips
 * one. The two tables of its own are created here, not by the log's migrations: they exist only
 * in a listener's file.
 */
export class ListenerStore {
  readonly forwards: ForwardStore;
  private readonly s;

  private constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS listener_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS listener_deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ref TEXT NOT NULL,
        endpoint_id TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT NOT NULL,
        headers TEXT NOT NULL,
        body BLOB,
        host TEXT,
        source_ip TEXT,
        public_url TEXT,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL,
        note TEXT
      );
    `);
    this.forwards = new ForwardStore(db);
    this.s = {
      get: db.prepare('SELECT value FROM listener_state WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO listener_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      insert: db.prepare(
        `INSERT OR IGNORE INTO listener_deliveries (seq, id, ref, endpoint_id, method, path, query,
           headers, body, host, source_ip, public_url, received_at, status, note)
         VALUES (@seq, @id, @ref, @endpointId, @method, @path, @query, @headers, @body, @host,
           @sourceIp, @publicUrl, @receivedAt, @status, @note)`,
      ),
      source: db.prepare('SELECT * FROM listener_deliveries WHERE id = ?'),
      mark: db.prepare('UPDATE listener_deliveries SET status = ? WHERE id = ?'),
      // A delivered request's bytes are not needed any more; its record (id, status) stays.
      dropBody: db.prepare('UPDATE listener_deliveries SET body = NULL WHERE id = ?'),
      record: db.prepare(
        'SELECT id, seq, ref, status, note, received_at FROM listener_deliveries WHERE id = ?',
      ),
      records: db.prepare(
        'SELECT id, seq, ref, status, note, received_at FROM listener_deliveries ORDER BY seq',
      ),
    };
    this.forwards.marksEventsWith((id, status) => {
      this.s.mark.run(status, id);
      if (status === 'ok') this.s.dropBody.run(id);
    });
  }

  /** Opens (creating) `fileName` in `dataDir`: WAL, synchronous=FULL, 0600, as the log is. */
  static open(dataDir: string, fileName: string): ListenerStore {
    return new ListenerStore(openDb({ dataDir, fileName }));
  }

  /** This listener's id on the server's list: made once, kept across restarts. */
  id(): string {
    let id = this.value('listener_id');
    if (id === null) {
      id = randomUUID();
      this.s.set.run('listener_id', id);
    }
    return id;
  }

  /** The last delivery taken, or null before the first. */
  cursor(): ListenerCursor | null {
    const seq = this.value('cursor_seq');
    if (seq === null) return null;
    return { seq: Number(seq), receivedAt: this.value('cursor_at') };
  }

  /** Moves the cursor without taking anything (a start from now, `--since`, `--from-now`). */
  setCursor(c: ListenerCursor): void {
    this.db.transaction(() => this.writeCursor(c))();
  }

  /**
   * Takes one delivery in one commit: its record, its forward job to `target` (or none, with
   * `skipped` saying why) and the cursor. False when it was taken before (nothing written).
   */
  take(
    d: TakenDelivery,
    plan: { target: string; refused?: string } | { skipped: string },
  ): boolean {
    return this.db.transaction(() => {
      const cur = this.cursor();
      if (cur && d.seq <= cur.seq) return false;
      const skipped = 'skipped' in plan ? plan.skipped : null;
      const { changes } = this.s.insert.run({
        seq: d.seq,
        id: d.id,
        ref: d.ref,
        endpointId: d.endpointId,
        method: d.method,
        path: d.path,
        query: d.query,
        headers: JSON.stringify(d.headers),
        body: skipped === null ? d.body : null,
        host: d.host,
        sourceIp: d.sourceIp,
        publicUrl: d.publicUrl ?? null,
        receivedAt: d.receivedAt,
        status:
          skipped === null ? ('refused' in plan && plan.refused ? 'dead' : 'pending') : 'skipped',
        note: skipped,
      });
      if (changes === 0) return false;
      if (!('skipped' in plan))
        this.forwards.insertJob(d.id, plan.target, Date.now(), plan.refused);
      this.writeCursor({ seq: d.seq, receivedAt: d.receivedAt });
      return true;
    })();
  }

  /** The request a forward sends, or null when it is not kept (delivered, or unknown). */
  async source(id: string): Promise<StoredRequest | null> {
    const r = this.s.source.get(id) as DeliveryRow | undefined;
    if (!r || r.body === null) return null;
    return {
      method: r.method,
      path: r.path,
      query: r.query,
      headers: JSON.parse(r.headers) as [string, string][],
      body: r.body,
      host: r.host,
      sourceIp: r.source_ip,
      publicUrl: r.public_url,
      endpointId: r.endpoint_id,
    };
  }

  /** What the listener did with a delivery (by the server's event id), or undefined. */
  record(id: string): TakenRecord | undefined {
    const r = this.s.record.get(id) as RecordRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Every delivery taken, oldest first. */
  records(): TakenRecord[] {
    return (this.s.records.all() as RecordRow[]).map(toRecord);
  }

  close(): void {
    this.db.close();
  }

  private value(key: string): string | null {
    return (this.s.get.get(key) as { value: string } | undefined)?.value ?? null;
  }

  private writeCursor(c: ListenerCursor): void {
    this.s.set.run('cursor_seq', String(c.seq));
    if (c.receivedAt !== null) this.s.set.run('cursor_at', c.receivedAt);
  }
}

interface DeliveryRow {
  seq: number;
  id: string;
  endpoint_id: string;
  method: string;
  path: string;
  query: string;
  headers: string;
  body: Buffer | null;
  host: string | null;
  source_ip: string | null;
  public_url: string | null;
}

interface RecordRow {
  id: string;
  seq: number;
  ref: string;
  status: TakenRecord['status'];
  note: string | null;
  received_at: string;
}

const toRecord = (r: RecordRow): TakenRecord => ({
  id: r.id,
  seq: r.seq,
  ref: r.ref,
  status: r.status,
  note: r.note,
  receivedAt: r.received_at,
});
