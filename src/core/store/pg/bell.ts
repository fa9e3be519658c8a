import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Queryable } from './db';

/** What a change rings the bell about. */
export type BellKind = 'endpoints' | 'settings' | 'meta' | 'events' | 'deleted' | 'users';

/** What a ring says besides its kind (`deleted`: the events' ids, or all). */
export interface RingDetail {
  rev?: number;
  ids?: string[];
  all?: boolean;
}

interface Ring extends RingDetail {
  k: BellKind;
  /** The instance that rang (its own rings are not followed: it knows its changes). */
  from: string;
}

const RECONNECT_MS = { first: 250, max: 5000 };

/**
 * Changes made by another instance on one PostgreSQL database (docs/ARCHITECTURE.md §7):
 * after a write commits, its instance sends a NOTIFY on one channel with a small payload
 * (which entity, the new rev); every instance LISTENs on its own connection and re-reads what
 * the payload names. NOTIFY is not replayed after a reconnect, so a reconnect re-reads
 * everything, and so does a periodic pass (the safety net). The connection also holds this
 * instance's session-level advisory locks (`tryLock`), freed when it goes.
 */
export class Bell {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<
    BellKind,
    Set<(rev: number | undefined, ring: RingDetail) => void>
  >();
  /** Each re-read, and whether it is running now (a slow one never holds up the others). */
  private readonly resyncs = new Map<() => Promise<void>, boolean>();
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private delay = RECONNECT_MS.first;
  private closed = false;
  readonly channel: string;
  private readonly id = randomUUID();

  constructor(
    private readonly url: string,
    schema: string | undefined,
    private readonly resyncMs = 5000,
  ) {
    this.channel = schema ? `hookscope_${schema}` : 'hookscope';
  }

  /** Connects and listens; rejects when the server cannot be reached at start. */
  async start(): Promise<void> {
    await this.connect();
    this.timer = setInterval(() => this.resyncAll(), this.resyncMs);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.url });
    c.on('error', () => this.lost(c));
    c.on('end', () => this.lost(c));
    c.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      let ring: Ring;
      try {
        ring = JSON.parse(n.payload) as Ring;
      } catch {
        return;
      }
      if (ring.from === this.id) return;
      for (const h of this.handlers.get(ring.k) ?? []) h(ring.rev, ring);
    });
    await c.connect();
    await c.query(`LISTEN ${this.channel}`);
    this.client = c;
    this.delay = RECONNECT_MS.first;
  }

  private lost(c: pg.Client): void {
    if (this.client !== c) return;
    this.client = null;
    this.held.clear(); // the session's advisory locks went with it
    void c.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().then(
        // Rings sent while it was away are not replayed: read everything again.
        () => this.resyncAll(),
        () => {
          this.delay = Math.min(this.delay * 2, RECONNECT_MS.max);
          this.reconnectLater();
        },
      );
    }, this.delay);
    this.retry.unref();
  }

  /** Calls `handler` when another instance rings about `kind`. */
  on(kind: BellKind, handler: (rev: number | undefined, ring: RingDetail) => void): void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    set.add(handler);
  }

  /** Runs `resync` after a reconnect and every resyncMs (never two at once per handler). */
  onResync(resync: () => Promise<void>): void {
    this.resyncs.set(resync, false);
  }

  private resyncAll(): void {
    for (const [r, running] of this.resyncs) {
      if (running) continue;
      this.resyncs.set(r, true);
      void r()
        .catch(() => undefined)
        .finally(() => this.resyncs.set(r, false));
    }
  }

  /** Sends a ring on `q` (inside a transaction: delivered when it commits, not before). */
  async ring(q: Queryable, kind: BellKind, rev?: number): Promise<void> {
    const payload: Ring =
      rev === undefined ? { k: kind, from: this.id } : { k: kind, rev, from: this.id };
    await q.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(payload)]);
  }

  /**
   * Rings that events were deleted: all of them, or these ids, in as many rings as it takes
   * (a NOTIFY payload must stay under 8000 bytes).
   */
  async ringDeleted(q: Queryable, deleted: string[] | 'all'): Promise<void> {
    if (deleted === 'all') {
      const payload: Ring = { k: 'deleted', all: true, from: this.id };
      await q.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(payload)]);
      return;
    }
    let chunk: string[] = [];
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const payload: Ring = { k: 'deleted', ids: chunk, from: this.id };
      chunk = [];
      bytes = 0;
      await q.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(payload)]);
    };
    for (const id of deleted) {
      const size = Buffer.byteLength(JSON.stringify(id)) + 1;
      if (bytes + size > 6000) await send();
      chunk.push(id);
      bytes += size;
    }
    await send();
  }

  /**
   * Whether this instance holds the session-level advisory lock `name` (taken now when free):
   * held until this instance closes or its connection drops, so one instance at a time.
   */
  async tryLock(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const c = this.client;
    if (!c) return false;
    const r = await c.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('hookscope:' || $1::text)) AS ok`,
      [name],
    );
    if (r.rows[0]?.ok && this.client === c) this.held.add(name);
    return this.held.has(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    this.held.clear();
    await c?.end().catch(() => undefined);
  }
}
