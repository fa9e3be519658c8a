import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReceiverLimits } from '../shared/model';
import type { Clock, IncomingDelivery } from './types';
import { ClientGate, type Client, type LogRefusal } from './client-gate';
import { describeRequest, isForwarder, unreadRequest } from './incoming';
import { clientKey, isLoopback, normalizeIp } from './net';
import { refuse, refuseSocket } from './refuse';

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

/** A refusal: the status, why (sent and logged), extra headers, and whether to cut at once. */
interface Refusal {
  status: number;
  reason: string;
  extra?: [string, string][];
  cut?: boolean;
}

const STORE_FAILED = JSON.stringify({ error: 'hookscope could not store this delivery' });
const RETRY_SOON: [string, string][] = [['Retry-After', '1']];

const overLimit = Symbol('hookscope.overConnectionLimit');
const owner = Symbol('hookscope.directClient');
const inFlight = Symbol('hookscope.inFlight');
const answered = Symbol('hookscope.answered');
type CountedSocket = Socket & {
  [overLimit]?: boolean;
  /** The client of a direct connection, counted against its cap from the connection's start. */
  [owner]?: Client;
  /** The request being read or answered on this connection. */
  [inFlight]?: { delivery: IncomingDelivery; client: Client; res: ServerResponse };
  /** Refused outside a request (at accept, or by the HTTP parser). */
  [answered]?: boolean;
};
type ParserError = Error & { code?: string; reason?: string; rawPacket?: Buffer };

/**
 * The webhook receiver: any method and path, the body kept as the exact bytes received, the
 * raw header list in order with duplicates. A response is written only after `ingest` has
 * committed the delivery; if storing fails the sender gets 503 so that it retries.
 *
 * On a URL open to the internet it refuses, each with a clear status: a client over its rate
 * (429) or with too many open connections (503), too many connections in all (503), a full
 * disk (507), too many headers or header bytes (431), a body over the limit (413, answered as
 * soon as the limit is passed), a slow client (408), bytes that are not HTTP (400). Every
 * request, accepted or refused, passes the per-client gate (`ClientGate`), which also decides
 * which refusals are logged. Refusals are answered at once and the connection is closed cleanly
 * after the client has finished sending (bounded).
 */
export class Receiver {
  private readonly servers: Server[] = [];
  private readonly gate: ClientGate;
  private connections = 0;

  constructor(private readonly opts: ReceiverOptions) {
    this.gate = new ClientGate(opts.logRefusal);
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
    server.on('connection', (socket: CountedSocket) => this.accept(socket, viaTunnel));
    server.on('clientError', (err: ParserError, socket: CountedSocket) =>
      this.parserRefusal(err, socket, viaTunnel, limits.maxHeaderBytes),
    );
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

  /** The client an address is counted against; this machine is never limited. */
  private clientOf(ip: string | null, viaTunnel: boolean): Client {
    return { key: clientKey(ip) ?? 'an unknown client', limited: viaTunnel || !isLoopback(ip) };
  }

  /**
   * A new connection. One from a direct client (not the tunnel, not a trusted proxy, whose
   * clients are known only from each request's headers) counts against the client's cap from
   * now on, so idle or slow connections cannot take every slot; over the cap it is answered 503
   * and closed at once.
   */
  private accept(socket: CountedSocket, viaTunnel: boolean): void {
    const limits = this.opts.limits();
    this.connections++;
    socket.once('close', () => this.connections--);
    if (this.connections > limits.maxConnections) socket[overLimit] = true;
    const peer = normalizeIp(socket.remoteAddress ?? null);
    if (peer === null || isForwarder(peer, viaTunnel, this.opts.trustedProxies)) return;
    const client = this.clientOf(peer, false);
    const release = this.gate.enter(client, limits.maxConnectionsPerClient);
    if (release) {
      socket[owner] = client;
      socket.once('close', release);
      return;
    }
    socket[answered] = true;
    const now = this.opts.clock();
    const r = this.admit(client, false, now, limits)!;
    const delivery = unreadRequest(undefined, now, peer, false);
    this.gate.refused(delivery, client, r.status, r.reason, now);
    refuseSocket(socket, r.status, r.reason, r.extra, r.cut);
  }

  /**
   * Counts one request of `client` (a token of its rate) and checks its connection cap:
   * `entered` is false when it is already at the cap. The refusal, or null to go on.
   */
  private admit(
    client: Client,
    entered: boolean,
    now: number,
    limits: ReceiverLimits,
  ): Refusal | null {
    const wait = this.gate.take(client, now, limits.rateLimit);
    if (!entered) {
      const reason = `more than ${limits.maxConnectionsPerClient} open connections from ${client.key}`;
      return { status: 503, reason, extra: RETRY_SOON, cut: true };
    }
    if (wait > 0) {
      const { perSecond, burst } = limits.rateLimit!;
      return {
        status: 429,
        reason: `rate limit: more than ${perSecond}/s (burst ${burst}) from ${client.key}`,
        extra: [['Retry-After', String(Math.ceil(wait / 1000))]],
      };
    }
    return null;
  }

  /** Every limit a request is checked against once its headers are in; null to accept it. */
  private check(
    req: IncomingMessage,
    delivery: IncomingDelivery,
    admitted: Refusal | null,
    limits: ReceiverLimits,
  ): Refusal | null {
    if (admitted) return admitted;
    if ((req.socket as CountedSocket)[overLimit]) {
      const reason = `more than ${limits.maxConnections} open connections`;
      return { status: 503, reason, extra: RETRY_SOON };
    }
    const disk = this.opts.refusal();
    if (disk !== null) return { status: 507, reason: disk, extra: [['Retry-After', '60']] };
    if (delivery.headers.length > limits.maxHeaders) {
      const reason = `${delivery.headers.length} header fields, over the limit of ${limits.maxHeaders}`;
      return { status: 431, reason };
    }
    const declared = Number(req.headers['content-length']);
    if (declared > limits.maxBodyBytes) return tooLarge(declared, limits);
    return null;
  }

  private handle(req: IncomingMessage, res: ServerResponse, viaTunnel: boolean): void {
    const socket = req.socket as CountedSocket;
    if (socket[answered]) {
      res.destroy();
      return;
    }
    const receivedAt = this.opts.clock();
    const limits = this.opts.limits();
    const delivery = describeRequest(req, receivedAt, viaTunnel, this.opts.trustedProxies);
    const client = socket[owner] ?? this.clientOf(delivery.sourceIp, viaTunnel);
    socket[inFlight] = { delivery, client, res };
    res.once('close', () => {
      if (socket[inFlight]?.res === res) socket[inFlight] = undefined;
    });
    // Behind the tunnel or a proxy the client is known only now: its open requests count.
    const release = socket[owner]
      ? () => undefined
      : this.gate.enter(client, limits.maxConnectionsPerClient);
    if (release) res.once('close', release);
    const turnAway = (r: Refusal): void => {
      // Under the disk guard nothing more is written: a 507 is answered, not logged.
      if (r.status !== 507) this.gate.refused(delivery, client, r.status, r.reason, receivedAt);
      refuse(req, res, r.status, r.reason, r.extra, r.cut);
    };
    const refusal = this.check(
      req,
      delivery,
      this.admit(client, release !== null, receivedAt, limits),
      limits,
    );
    if (refusal) {
      turnAway(refusal);
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

  /**
   * What node's HTTP parser refused (`clientError`): header bytes over the limit (431), a
   * client too slow with its headers or body (408), bytes that are not HTTP (400). It goes
   * through the same gate as a request: a request in progress was counted when it arrived;
   * otherwise the client is the direct peer, or an unknown client of the tunnel or proxy.
   */
  private parserRefusal(
    err: ParserError,
    socket: CountedSocket,
    viaTunnel: boolean,
    maxHeaderBytes: number,
  ): void {
    if (socket[answered]) return;
    const current = socket[inFlight];
    if (err.code === 'ECONNRESET' || !socket.writable || current?.res.headersSent) {
      socket.destroy();
      return;
    }
    socket[answered] = true;
    const now = this.opts.clock();
    const limits = this.opts.limits();
    const refusal = parserRefusal(err, current !== undefined, limits, maxHeaderBytes);
    if (current) {
      this.gate.refused(current.delivery, current.client, refusal.status, refusal.reason, now);
      refuseSocket(socket, refusal.status, refusal.reason);
      return;
    }
    const peer = normalizeIp(socket.remoteAddress ?? null);
    const forwarded = isForwarder(peer, viaTunnel, this.opts.trustedProxies);
    const client: Client = forwarded
      ? { key: `an unknown client via ${viaTunnel ? 'the tunnel' : peer}`, limited: true }
      : (socket[owner] ?? this.clientOf(peer, false));
    // While it drains, the connection counts against the client's cap.
    const release = socket[owner]
      ? () => undefined
      : this.gate.enter(client, limits.maxConnectionsPerClient);
    if (release) socket.once('close', release);
    const r = this.admit(client, release !== null, now, limits) ?? refusal;
    const delivery = unreadRequest(err.rawPacket, now, forwarded ? null : peer, viaTunnel);
    this.gate.refused(delivery, client, r.status, r.reason, now);
    refuseSocket(socket, r.status, r.reason, r.extra, r.cut);
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

function tooLarge(size: number | null, limits: ReceiverLimits): Refusal {
  const reason = `body ${size === null ? 'larger' : `of ${size} bytes, larger`} than the limit of ${limits.maxBodyBytes} bytes; not stored`;
  return { status: 413, reason };
}

/** The status and reason for an error of node's HTTP parser. */
function parserRefusal(
  err: ParserError,
  headersIn: boolean,
  limits: ReceiverLimits,
  maxHeaderBytes: number,
): Refusal {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: `header bytes over the limit of ${maxHeaderBytes}` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, reason: 'chunk extensions over the HTTP parser limit' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: headersIn
          ? `the request was not complete within ${Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs) / 1000} s`
          : `the headers were not complete within ${limits.headersTimeoutMs / 1000} s`,
      };
    default:
      return { status: 400, reason: `malformed HTTP request (${err.reason ?? err.code})` };
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
