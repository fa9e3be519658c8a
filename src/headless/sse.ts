import type { ServerResponse } from 'node:http';
import type { PushMessage } from '../shared/contract';
import type { Client as EngineClient } from '../shared/dispatch';
import type { EventSummary } from '../shared/model';

const BACKFILL_PAGE = 500;
/** Past this many missed changes a client is told to reload rather than replayed. */
const BACKFILL_MAX = 10_000;
/** A client whose unsent output exceeds this is dropped; it reconnects with Last-Event-ID. */
const MAX_BUFFERED = 8 * 1024 * 1024;

interface Client {
  res: ServerResponse;
  /** The highest rev this client has been sent. */
  lastRev: number;
  /** Live pushes that came while the client was sent what it missed, sent after it. */
  held: PushMessage[] | null;
  /** The person it was opened with (none for the local token). */
  owner: string | undefined;
}

/**
 * Server-sent events for `GET /api/stream`. `id:` is the log's rev; a client reconnecting
 * with Last-Event-ID is sent what it missed (read through the engine's client, like any other
 * reader of the live cursor), on its own connection only, before live pushes.
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: {
      client: EngineClient;
      subscribe(listener: (push: PushMessage) => void): () => void;
      /** The highest rev handed to the pushes, sent or queued (Engine.liveRev). */
      liveRev(): number;
    },
    keepAliveMs = 15_000,
  ) {
    this.unsubscribe = engine.subscribe((push) => this.broadcast(push));
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  /** Takes over `res` as an event stream; `lastEventId` is the request's Last-Event-ID. */
  async attach(
    res: ServerResponse,
    lastEventId: string | undefined,
    owner?: string,
  ): Promise<void> {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const since =
      lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
    // Live from now on; pushes that come while the backfill is read wait for it.
    const client: Client = { res, lastRev: since ?? 0, held: [], owner };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    try {
      await this.backfill(client, since);
    } catch {
      res.destroy();
      this.clients.delete(client);
      return;
    }
    const held = client.held ?? [];
    client.held = null;
    for (const push of held) this.send(client, push);
  }

  /**
   * Sends `client` every change after `since`, or `events.reset` when that is more than
   * BACKFILL_MAX. A new client (no `since`) starts at the rev handed to the pushes (sent or
   * queued: it reads those from the log), not at the log's rev: a change committed before it
   * connected but not yet handed over (another instance's, on a shared log) still comes to it.
   */
  private async backfill(client: Client, since: number | null): Promise<void> {
    if (since === null) {
      client.lastRev = this.engine.liveRev();
      return;
    }
    const events = this.engine.client;
    let cursor = since;
    client.lastRev = cursor;
    let sent = 0;
    for (;;) {
      const page = await events.listChanges({ afterRev: cursor, limit: BACKFILL_PAGE });
      if (page.items.length === 0) break;
      sent += page.items.length;
      if (sent > BACKFILL_MAX) {
        client.lastRev = page.rev;
        write(client.res, 'events.reset', { rev: page.rev }, page.rev);
        return;
      }
      cursor = page.items[page.items.length - 1]!.rev;
      this.sendBatch(client, page.items);
      if (!page.hasMore) break;
    }
  }

  private sendBatch(client: Client, items: EventSummary[]): void {
    const fresh = items.filter((i) => i.rev > client.lastRev);
    if (fresh.length === 0) return;
    const rev = fresh[fresh.length - 1]!.rev;
    write(client.res, 'events.batch', { rev, items: fresh }, rev);
    client.lastRev = rev;
  }

  private send(client: Client, push: PushMessage): void {
    if (push.name === 'events.batch') this.sendBatch(client, push.payload.items);
    else write(client.res, push.name, push.payload);
  }

  private broadcast(push: PushMessage): void {
    for (const c of this.clients) {
      if (c.res.writableLength > MAX_BUFFERED) {
        c.res.destroy();
        this.clients.delete(c);
        continue;
      }
      if (c.held) c.held.push(push);
      else this.send(c, push);
    }
  }

  /** Ends the streams `owner` opened (their token was revoked). */
  closeOwner(owner: string): void {
    for (const c of this.clients) {
      if (c.owner !== owner) continue;
      c.res.end();
      this.clients.delete(c);
    }
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.keepAlive);
    this.unsubscribe();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}

function write(res: ServerResponse, event: string, data: unknown, id?: number): void {
  res.write(
    `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  );
}
