import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ReceiverLimits } from '../shared/model';
import type { Clock, IncomingDelivery } from './types';
import { ClientGate, type Client, type ConnectionCapFull, type LogRefusal } from './client-gate';
import { describeRequest, isForwarder, unreadRequest } from './incoming';
import { clientGroups, clientKey, isLoopback, normalizeIp } from './net';
import {
  parserRefusal,
  refuse,
  refuseSocket,
  tooLarge,
  type ParserError,
  type Refusal,
} from './refuse';

export interface GuardOptions {
  logRefusal: LogRefusal;
  clock: Clock;
  /** Read on every request, so a change applies at once (header bytes: next listener). */
  limits: () => ReceiverLimits;
  /** Non-null while every delivery must be refused with 507: why (the disk guard). */
  refusal: () => string | null;
  /** Peers (IPs or CIDRs) whose X-Forwarded-* headers are believed. */
  trustedProxies: string[];
}

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

/**
 * The receiver's limits on a URL open to the internet, for every way node hands it a request:
 * a new connection, a request whose headers are in, what the HTTP parser refused
 * (`clientError`) and CONNECT. Each passes the per-client gate (`ClientGate`): a token of the
 * client's rate, its connection cap, and whether the refusal is logged.
 */
export class ReceiverGuard {
  private readonly gate: ClientGate;
  private connections = 0;

  constructor(private readonly opts: GuardOptions) {
    this.gate = new ClientGate(opts.logRefusal);
  }

  /** The client an address is counted against; this machine is never limited. */
  private clientOf(ip: string | null, viaTunnel: boolean): Client {
    return {
      key: clientKey(ip) ?? 'an unknown client',
      limited: viaTunnel || !isLoopback(ip),
      groups: clientGroups(ip),
    };
  }

  /**
   * A new connection. One from a direct client (not the tunnel, not a trusted proxy, whose
   * clients are known only from each request's headers) counts against the client's cap from
   * now on, so idle or slow connections cannot take every slot; over the cap it is answered 503
   * and closed at once.
   */
  accept(socket: CountedSocket, viaTunnel: boolean): void {
    const limits = this.opts.limits();
    this.connections++;
    socket.once('close', () => this.connections--);
    if (this.connections > limits.maxConnections) socket[overLimit] = true;
    const peer = normalizeIp(socket.remoteAddress ?? null);
    if (peer === null || isForwarder(peer, viaTunnel, this.opts.trustedProxies)) return;
    const client = this.clientOf(peer, false);
    const entered = this.gate.enter(client, limits.maxConnectionsPerClient);
    if (typeof entered === 'function') {
      socket[owner] = client;
      socket.once('close', entered);
      return;
    }
    socket[answered] = true;
    const now = this.opts.clock();
    const r = this.admit(client, entered, now, limits)!;
    const delivery = unreadRequest(undefined, now, peer, false);
    this.gate.refused(delivery, client, r.status, r.reason, now);
    refuseSocket(socket, r.status, r.reason, r.extra, r.cut);
  }

  /**
   * Counts one request of `client` (a token of its rate) and checks its connection cap:
   * `full` is the cap it (or its IPv6 /56 or /48) already has open, or null when it entered.
   * The refusal, or null to go on.
   */
  private admit(
    client: Client,
    full: ConnectionCapFull | null,
    now: number,
    limits: ReceiverLimits,
  ): Refusal | null {
    const limited = this.gate.take(client, now, limits.rateLimit);
    if (full) {
      const reason = `more than ${full.max} open connections from ${full.key}${groupNote(full.key, client)}`;
      return { status: 503, reason, extra: RETRY_SOON, cut: true };
    }
    if (limited) {
      const { perSecond, burst, key, waitMs } = limited;
      return {
        status: 429,
        reason: `rate limit: more than ${perSecond}/s (burst ${burst}) from ${key}${groupNote(key, client)}`,
        extra: [['Retry-After', String(Math.ceil(waitMs / 1000))]],
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

  /**
   * A request whose headers are in: counted, checked against every limit, and refused here
   * when over one. Else its delivery (body still to read) and how to refuse it later (413).
   */
  begin(
    req: IncomingMessage,
    res: ServerResponse,
    viaTunnel: boolean,
  ): { delivery: IncomingDelivery; limits: ReceiverLimits; turnAway: (r: Refusal) => void } | null {
    const socket = req.socket as CountedSocket;
    if (socket[answered]) {
      res.destroy();
      return null;
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
    const entered = socket[owner]
      ? () => undefined
      : this.gate.enter(client, limits.maxConnectionsPerClient);
    if (typeof entered === 'function') res.once('close', entered);
    const turnAway = (r: Refusal): void => {
      // Under the disk guard nothing more is written: a 507 is answered, not logged.
      if (r.status !== 507) this.gate.refused(delivery, client, r.status, r.reason, receivedAt);
      refuse(req, res, r.status, r.reason, r.extra, r.cut);
    };
    const refusal = this.check(
      req,
      delivery,
      this.admit(client, typeof entered === 'function' ? null : entered, receivedAt, limits),
      limits,
    );
    if (refusal) {
      turnAway(refusal);
      return null;
    }
    return { delivery, limits, turnAway };
  }

  /**
   * What node's HTTP parser refused (`clientError`): header bytes over the limit (431), a
   * client too slow with its headers or body (408), bytes that are not HTTP (400). It goes
   * through the same gate as a request: a request in progress was counted when it arrived;
   * otherwise the client is the direct peer, or an unknown client of the tunnel or proxy.
   */
  parserRefusal(
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
    const delivery = unreadRequest(err.rawPacket, now, forwarded ? null : peer, viaTunnel);
    this.refuseOutsideRequest(socket, delivery, client, refusal, now, limits);
  }

  /**
   * A CONNECT request (node hands over the socket: there is no response object). Not a
   * webhook: refused with 405 through the same gate.
   */
  refuseConnect(req: IncomingMessage, socket: CountedSocket, viaTunnel: boolean): void {
    socket[answered] = true;
    const now = this.opts.clock();
    const delivery = describeRequest(req, now, viaTunnel, this.opts.trustedProxies);
    const client = socket[owner] ?? this.clientOf(delivery.sourceIp, viaTunnel);
    const refusal: Refusal = {
      status: 405,
      reason: 'CONNECT is not taken: this is a webhook receiver',
      extra: [['Allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS']],
    };
    this.refuseOutsideRequest(socket, delivery, client, refusal, now, this.opts.limits());
  }

  /**
   * Answers on the socket what was refused outside node's request handling, after the gate
   * has counted it (a token of the client's rate, and its connection cap while it drains).
   */
  private refuseOutsideRequest(
    socket: CountedSocket,
    delivery: IncomingDelivery,
    client: Client,
    refusal: Refusal,
    now: number,
    limits: ReceiverLimits,
  ): void {
    const entered = socket[owner]
      ? () => undefined
      : this.gate.enter(client, limits.maxConnectionsPerClient);
    if (typeof entered === 'function') socket.once('close', entered);
    const full = typeof entered === 'function' ? null : entered;
    const r = this.admit(client, full, now, limits) ?? refusal;
    this.gate.refused(delivery, client, r.status, r.reason, now);
    refuseSocket(socket, r.status, r.reason, r.extra, r.cut);
  }
}

/** Says why a limit names a group of IPv6 addresses rather than the client itself. */
function groupNote(key: string, client: Client): string {
  return key === client.key
    ? ''
    : ` (the addresses in one IPv6 ${key.slice(key.lastIndexOf('/'))} are counted together, and ${client.key} is in it)`;
}
