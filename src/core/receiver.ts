import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReceiverLimits } from '../shared/model';
import type { IncomingDelivery } from './types';
import { ReceiverGuard, type GuardOptions } from './receiver-guard';
import { tooLarge, type ParserError } from './refuse';

export type { LogRefusal } from './client-gate';

/** What the receiver sends back for one delivery. */
export interface ReceiverResponse {
  status: number;
  headers: [string, string][];
  body: string;
  delayMs: number;
}

/** Stores a delivery and decides its response; rejects when it could not be stored. */
export type Ingest = (delivery: IncomingDelivery) => Promise<ReceiverResponse>;

export interface ReceiverOptions extends GuardOptions {
  ingest: Ingest;
}

const STORE_FAILED = JSON.stringify({ error: 'hookscope could not store this delivery' });

/**
 * The webhook receiver: any method and path, the body kept as the exact bytes received, the
 * raw header list in order with duplicates. A response is written only after `ingest` has
 * committed the delivery; if storing fails the sender gets 503 so that it retries.
 *
 * On a URL open to the internet it refuses, each with a clear status: a client over its rate
 * (429) or with too many open connections (503), too many connections in all (503), a full
 * disk (507), too many headers or header bytes (431), a body over the limit (413, answered as
 * soon as the limit is passed), a slow client (408), bytes that are not HTTP (400), CONNECT
 * (405). Those checks are the `ReceiverGuard`'s: every request, accepted or refused, passes
 * its per-client gate, which also decides which refusals are logged. Refusals are answered at once and the connection is closed cleanly
 * after the client has finished sending (bounded).
 */
export class Receiver {
  private readonly servers: Server[] = [];
  private readonly guard: ReceiverGuard;

  constructor(private readonly opts: ReceiverOptions) {
    this.guard = new ReceiverGuard(opts);
  }

  /** Starts a listener; `viaTunnel` marks the one only the tunnel connects to. */
  async listen(
    port: number,
    host: string,
    viaTunnel = false,
  ): Promise<{ port: number; url: string }> {
    const limits = this.opts.limits();
    const server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        // Timeouts are checked this often (node's default, 30 s, would double them).
        connectionsCheckingInterval: 1000,
      },
      (req, res) => this.handle(req, res, viaTunnel),
    );
    server.maxHeadersCount = 0; // count them ourselves: node silently drops those past 2,000
    server.on('connection', (socket: Socket) => this.guard.accept(socket, viaTunnel));
    server.on('clientError', (err: ParserError, socket: Socket) =>
      this.guard.parserRefusal(err, socket, viaTunnel, limits.maxHeaderBytes),
    );
    server.on('connect', (req: IncomingMessage, socket: Socket) =>
      this.guard.refuseConnect(req, socket, viaTunnel),
    );
    // An Expect other than 100-continue: node would answer 417 itself, past the gate. It is
    // taken as the delivery it is (the Expect header kept with the others).
    server.on('checkExpectation', (req, res) => this.handle(req, res, viaTunnel));
    this.applyTimeouts(server, limits);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    const addr = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const urlHost = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
    return { port: addr.port, url: `http://${urlHost}:${addr.port}` };
  }

  /** Applies changed timeouts to the open listeners. */
  limitsChanged(): void {
    const limits = this.opts.limits();
    for (const s of this.servers) this.applyTimeouts(s, limits);
  }

  private applyTimeouts(server: Server, limits: ReceiverLimits): void {
    server.headersTimeout = limits.headersTimeoutMs;
    // node requires requestTimeout >= headersTimeout when both are set.
    server.requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  }

  private handle(req: IncomingMessage, res: ServerResponse, viaTunnel: boolean): void {
    const started = this.guard.begin(req, res, viaTunnel);
    if (!started) return;
    const { delivery, limits, turnAway } = started;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limits.maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
      turnAway(tooLarge(null, limits));
    };
    const onEnd = (): void => {
      delivery.body = Buffer.concat(chunks, size);
      this.opts.ingest(delivery).then(
        (r) => {
          if (r.delayMs > 0) setTimeout(() => reply(res, req.method, r), r.delayMs);
          else reply(res, req.method, r);
        },
        () =>
          reply(res, req.method, {
            status: 503,
            headers: [['Content-Type', 'application/json']],
            body: STORE_FAILED,
            delayMs: 0,
          }),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => res.destroy());
  }

  /** Stops listening; open keep-alive connections are closed once their requests finish. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
            // A response held by a configured delay must not hold up shutdown for long.
            setTimeout(() => s.closeAllConnections(), 2000).unref();
          }),
      ),
    );
    this.servers.length = 0;
  }
}

function reply(res: ServerResponse, method: string | undefined, r: ReceiverResponse): void {
  if (res.destroyed || res.headersSent) return;
  const noBody = method === 'HEAD' || r.status === 204 || r.status === 304;
  const body = noBody ? '' : r.body;
  // Framing is ours to set: configured Content-Length/Transfer-Encoding would contradict it.
  const headers = r.headers.filter(([n]) => !/^(content-length|transfer-encoding)$/i.test(n));
  if (!noBody) headers.push(['Content-Length', String(Buffer.byteLength(body))]);
  try {
    res.writeHead(r.status, headers.flat());
    res.end(body);
  } catch {
    // A configured header the HTTP layer refuses must not take the receiver down.
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'hookscope: invalid configured response header' }));
  }
}
