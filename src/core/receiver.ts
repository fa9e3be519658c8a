import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReceiverLimits } from '../shared/model';
import type { Clock, IncomingDelivery } from './types';
import { isLoopback, isTrusted, normalizeIp } from './net';
import { RateLimiter } from './rate-limit';

/** What the receiver sends back for one delivery. */
export interface ReceiverResponse {
  status: number;
  headers: [string, string][];
  body: string;
  delayMs: number;
}

/** Stores a delivery and decides its response; rejects when it could not be stored. */
export type Ingest = (delivery: IncomingDelivery) => Promise<ReceiverResponse>;

/** Logs a refused request (its body is never kept); must not throw. */
export type LogRefusal = (delivery: IncomingDelivery, status: number, reason: string) => void;

export interface ReceiverOptions {
  ingest: Ingest;
  logRefusal: LogRefusal;
  clock: Clock;
  /** Read on every request, so a change applies at once (header bytes: next listener). */
  limits: () => ReceiverLimits;
  /** Non-null while every delivery must be refused with 507: why (the disk guard). */
  refusal: () => string | null;
  /** Peers (IPs or CIDRs) whose X-Forwarded-* headers are believed. */
  trustedProxies: string[];
}

const EMPTY = Buffer.alloc(0);
/** A host name or IPv4 (or a bracketed IPv6), with an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const STORE_FAILED = JSON.stringify({ error: 'hookscope could not store this delivery' });
/** Headers kept on a request refused for having too many. */
const REFUSED_HEADERS_KEPT = 100;
/** A refused body is read (and dropped) up to this much more before the connection is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_LIMIT_MS = 10_000;
/** How often a refusal per client IP is logged while it keeps being rate-limited. */
const RATE_LOG_EVERY_MS = 60_000;

const overLimit = Symbol('hookscope.overConnectionLimit');
type CountedSocket = Socket & { [overLimit]?: boolean };

/**
 * The webhook receiver: any method and path, the body kept as the exact bytes received, the
 * raw header list in order with duplicates. A response is written only after `ingest` has
 * committed the delivery; if storing fails the sender gets 503 so that it retries.
 *
 * On a URL open to the internet it refuses, each with a clear status: too many connections
 * (503), a full disk (507), too many headers (431), a client over its rate (429), a body over
 * the limit (413, answered as soon as the limit is passed). Refusals are answered at once and
 * the connection is closed cleanly after the client has finished sending (bounded).
 */
export class Receiver {
  private readonly servers: Server[] = [];
  private readonly rates = new RateLimiter();
  private connections = 0;

  constructor(private readonly opts: ReceiverOptions) {}

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
    server.on('connection', (socket: CountedSocket) => {
      this.connections++;
      if (this.connections > this.opts.limits().maxConnections) socket[overLimit] = true;
      socket.once('close', () => this.connections--);
    });
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
    const receivedAt = this.opts.clock();
    const limits = this.opts.limits();
    if ((req.socket as CountedSocket)[overLimit]) {
      refuse(req, res, 503, `more than ${limits.maxConnections} open connections`, [
        ['Retry-After', '1'],
      ]);
      return;
    }
    const disk = this.opts.refusal();
    if (disk !== null) {
      refuse(req, res, 507, disk, [['Retry-After', '60']]);
      return;
    }
    const delivery = this.describe(req, receivedAt, viaTunnel);
    if (delivery.headers.length > limits.maxHeaders) {
      const reason = `${delivery.headers.length} header fields, over the limit of ${limits.maxHeaders}`;
      delivery.headers = delivery.headers.slice(0, REFUSED_HEADERS_KEPT);
      this.opts.logRefusal(delivery, 431, reason);
      refuse(req, res, 431, reason);
      return;
    }
    if (limits.rateLimit && (viaTunnel || !isLoopback(delivery.sourceIp))) {
      const ip = delivery.sourceIp ?? 'unknown';
      const wait = this.rates.take(ip, receivedAt, limits.rateLimit);
      if (wait > 0) {
        const reason = `rate limit: more than ${limits.rateLimit.perSecond}/s (burst ${limits.rateLimit.burst}) from ${ip}`;
        if (this.rates.shouldLog(ip, receivedAt, RATE_LOG_EVERY_MS)) {
          this.opts.logRefusal(
            delivery,
            429,
            `${reason}; further refusals from it are logged once a minute`,
          );
        }
        refuse(req, res, 429, reason, [['Retry-After', String(Math.ceil(wait / 1000))]]);
        return;
      }
    }
    const tooLarge = (size: number | null): void => {
      const reason = `body ${size === null ? 'larger' : `of ${size} bytes, larger`} than the limit of ${limits.maxBodyBytes} bytes; not stored`;
      this.opts.logRefusal(delivery, 413, reason);
      refuse(req, res, 413, reason);
    };
    const declared = Number(req.headers['content-length']);
    if (declared > limits.maxBodyBytes) {
      tooLarge(declared);
      return;
    }
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
      tooLarge(null);
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

  /** The delivery without its body (filled in once read). */
  private describe(req: IncomingMessage, receivedAt: number, viaTunnel: boolean): IncomingDelivery {
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
      // Only a well-formed origin: these headers come from outside.
      if (host && /^https?$/i.test(proto) && HOST.test(host)) {
        publicUrl = `${proto.toLowerCase()}://${host}${target}`;
      }
    }
    return {
      receivedAt,
      method: req.method ?? 'GET',
      path: path || '/',
      query,
      headers,
      body: EMPTY,
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

/**
 * Answers a refusal at once (JSON error, `Connection: close`) and ends the exchange once the
 * client has finished sending what it started, so it reads the answer instead of a reset;
 * a client that keeps sending past a bound is cut off.
 */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  reason: string,
  extra: [string, string][] = [],
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ error: `hookscope: ${reason}` });
  res.writeHead(
    status,
    [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
      ...extra,
    ].flat(),
  );
  res.write(body);
  if (req.complete) {
    res.end();
    return;
  }
  let drained = 0;
  const cut = setTimeout(() => req.socket.destroy(), DRAIN_LIMIT_MS);
  cut.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('end', () => {
    clearTimeout(cut);
    res.end();
  });
  req.on('close', () => clearTimeout(cut));
  req.resume();
}
