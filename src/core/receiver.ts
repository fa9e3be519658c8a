import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, IncomingDelivery } from './types';
import { isTrusted, normalizeIp } from './net';

/** What the receiver sends back for one delivery. */
export interface ReceiverResponse {
  status: number;
  headers: [string, string][];
  body: string;
  delayMs: number;
}

/** Stores a delivery and decides its response; rejects when it could not be stored. */
export type Ingest = (delivery: IncomingDelivery) => Promise<ReceiverResponse>;

export interface ReceiverOptions {
  ingest: Ingest;
  clock: Clock;
  /** Larger bodies get 413 and are not stored. */
  maxBodyBytes: number;
  /** Peers (IPs or CIDRs) whose X-Forwarded-* headers are believed. */
  trustedProxies: string[];
}

const STORE_FAILED = JSON.stringify({ error: 'hookscope could not store this delivery' });

/**
 * The webhook receiver: any method and path, the body kept as the exact bytes received, the
 * raw header list in order with duplicates. A response is written only after `ingest` has
 * committed the delivery; if storing fails the sender gets 503 so that it retries.
 */
export class Receiver {
  private readonly servers: Server[] = [];

  constructor(private readonly opts: ReceiverOptions) {}

  /** Starts a listener; `viaTunnel` marks the one only the tunnel connects to. */
  async listen(
    port: number,
    host: string,
    viaTunnel = false,
  ): Promise<{ port: number; url: string }> {
    const server = createServer(
      { maxHeaderSize: 64 * 1024, requestTimeout: 120_000, headersTimeout: 30_000 },
      (req, res) => this.handle(req, res, viaTunnel),
    );
    server.maxHeadersCount = 0; // keep every header; node drops those past 2,000 by default
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

  private handle(req: IncomingMessage, res: ServerResponse, viaTunnel: boolean): void {
    const receivedAt = this.opts.clock();
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > this.opts.maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        reply(res, req.method, {
          status: 413,
          headers: [['Content-Type', 'application/json']],
          body: JSON.stringify({
            error: `body larger than ${this.opts.maxBodyBytes} bytes; not stored`,
          }),
          delayMs: 0,
        });
        return;
      }
      const delivery = this.toDelivery(req, Buffer.concat(chunks, size), receivedAt, viaTunnel);
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
    });
  }

  private toDelivery(
    req: IncomingMessage,
    body: Buffer,
    receivedAt: number,
    viaTunnel: boolean,
  ): IncomingDelivery {
    const raw = req.rawHeaders;
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
    let target = req.url ?? '/';
    // Absolute-form request targets (sent to proxies) keep only their path and query.
    const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
    if (abs) target = target.slice(abs[0].length) || '/';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = q === -1 ? '' : target.slice(q + 1);

    const peer = normalizeIp(req.socket.remoteAddress ?? null);
    const forwarded = viaTunnel || (peer !== null && isTrusted(peer, this.opts.trustedProxies));
    let sourceIp = peer;
    let publicUrl: string | null = null;
    if (forwarded) {
      sourceIp =
        clientFromForwardedFor(req.headers['x-forwarded-for'], this.opts.trustedProxies) ?? peer;
      const proto = first(req.headers['x-forwarded-proto']) ?? (viaTunnel ? 'https' : 'http');
      const host = first(req.headers['x-forwarded-host']) ?? req.headers.host;
      if (host) publicUrl = `${proto}://${host}${target}`;
    }
    return {
      receivedAt,
      method: req.method ?? 'GET',
      path: path || '/',
      query,
      headers,
      body,
      sourceIp,
      viaTunnel,
      publicUrl,
    };
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

function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

/** The client address from X-Forwarded-For: the rightmost entry that is not a trusted proxy. */
function clientFromForwardedFor(
  header: string | string[] | undefined,
  trusted: string[],
): string | null {
  if (!header) return null;
  const parts = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((p) => normalizeIp(p.trim()))
    .filter((p): p is string => !!p);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (!isTrusted(parts[i]!, trusted) || i === 0) return parts[i]!;
  }
  return null;
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
