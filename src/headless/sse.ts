import type { ServerResponse } from 'node:http';
import type { PushName } from '../shared/contract';
import type { EventSummary } from '../shared/model';
import type { Engine } from '../core/engine';

const BACKFILL_PAGE = 500;
/** Past this many missed changes a client is told to reload rather than replayed. */
const BACKFILL_MAX = 10_000;
/** A client whose unsent output exceeds this is dropped; it reconnects with Last-Event-ID. */
const MAX_BUFFERED = 8 * 1024 * 1024;

interface Client {
  res: ServerResponse;
  /** The highest rev this client has been sent. */
  lastRev: number;
}

/**
 * Server-sent events for `GET /api/stream`. `id:` is the store's rev; a client reconnecting
 * with Last-Event-ID is sent what it missed, on its own connection only, before live pushes.
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Engine,
    keepAliveMs = 15_000,
  ) {
    this.unsubscribe = engine.subscribe((name, payload) => this.broadcast(name, payload));
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, keepAliveMs);
    this.keepAlive.unref();
  }

  /** Takes over `res` as an event stream; `lastEventId` is the request's Last-Event-ID. */
  attach(res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const current = this.engine.events.currentRev;
    const since =
      lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
    const client: Client = { res, lastRev: since ?? current };
    if (since !== null && since < current) this.backfill(client, since);
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
  }

  private backfill(client: Client, since: number): void {
    let cursor = since;
    let sent = 0;
    for (;;) {
      const items = this.engine.events.changesSince(cursor, BACKFILL_PAGE);
      if (items.length === 0) break;
      sent += items.length;
      if (sent > BACKFILL_MAX) {
        client.lastRev = this.engine.events.currentRev;
        write(client.res, 'events.reset', { rev: client.lastRev }, client.lastRev);
        return;
      }
      cursor = items[items.length - 1]!.rev;
      this.sendBatch(client, items);
      if (items.length < BACKFILL_PAGE) break;
    }
  }

  private sendBatch(client: Client, items: EventSummary[]): void {
    const fresh = items.filter((i) => i.rev > client.lastRev);
    if (fresh.length === 0) return;
    const rev = fresh[fresh.length - 1]!.rev;
    write(client.res, 'events.batch', { rev, items: fresh }, rev);
    client.lastRev = rev;
  }

  private broadcast(name: PushName, payload: unknown): void {
    for (const c of this.clients) {
      if (c.res.writableLength > MAX_BUFFERED) {
        c.res.destroy();
        this.clients.delete(c);
        continue;
      }
      if (name === 'events.batch') this.sendBatch(c, (payload as { items: EventSummary[] }).items);
      else write(c.res, name, payload);
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
