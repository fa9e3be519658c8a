import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../core/engine';
import { clientFromForwardedFor } from '../core/incoming';
import { isLoopback, isTrusted, normalizeIp } from '../core/net';
import { asPerson } from '../core/actor';
import { LOCAL_CALLER, TokenChecker, type Caller } from '../core/users';
import { accessOf, isCommandName } from '../shared/contract';
import type { Access } from '../shared/contract-parts';
import { dispatch } from '../shared/dispatch';
import { toErrorBody, type ErrorBody, type ErrorCode } from '../shared/errors';
import {
  bearer,
  hasToken,
  isAllowedOrigin,
  isLoopbackHost,
  isPublicHost,
  isPublicOrigin,
} from './guard';
import { SignInLimiter } from './sign-in-limit';
import { SseHub } from './sse';
import { serveStatic } from './static-files';

const MAX_COMMAND_BYTES = 16 * 1024 * 1024;

const STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  unknown_command: 404,
  not_found: 404,
  conflict: 409,
  not_implemented: 501,
  internal: 500,
};

/** How the API is reached beyond loopback (serve --api-host, --tls-cert/--tls-key, --public-url). */
export interface ApiServerOptions {
  /** The address it binds (default 127.0.0.1). */
  host?: string;
  /** Its own certificate and key (PEM): the API is served over https. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The origin people use (`https://hooks.example.com`): the Host/Origin guard accepts it too. */
  publicOrigin?: string;
  /**
   * Failed sign-ins per client address; default: SIGN_IN_LIMIT when the API is served beyond
   * loopback (host or public origin), none on loopback only (every client is this machine).
   */
  signIns?: SignInLimiter | null;
  /** Reverse proxies whose X-Forwarded-For names the client (HOOKSCOPE_TRUSTED_PROXIES). */
  trustedProxies?: string[];
}

/** Whether a role may run a command of `access` (docs/ARCHITECTURE.md §2). */
export function mayRun(role: Caller['role'], access: Access): boolean {
  if (access === 'read') return true;
  if (access === 'write') return role === 'member' || role === 'admin';
  return role === 'admin';
}

const ROLE_WORDS: Record<Caller['role'], string> = {
  viewer: 'A viewer may only read',
  member: 'A member may not manage people',
  admin: '',
};

/**
 * The control API of headless mode: `POST /api/<command>` (bearer token), `GET /api/stream`
 * (SSE) and the built UI at `/`. Binds loopback unless told otherwise (then over TLS: serve
 * checks), and refuses any Host or Origin that is not this loopback address or the configured
 * public origin, so a web page cannot reach it through DNS rebinding. The caller is the local
 * token (admin, no sign-in) or a person's token; each command's `access` in the contract
 * decides which roles may run it.
 */
export class ApiServer {
  private readonly server: Server;
  private readonly sse: SseHub;
  private readonly people: TokenChecker;
  private readonly signIns: SignInLimiter | null;
  private readonly unsubscribe: () => void;
  private readonly scheme: 'http:' | 'https:';
  private port = 0;
  /** The origin people use beyond loopback, if any (the Host/Origin guard accepts it). */
  publicOrigin: string | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly token: string,
    private readonly staticDir: string,
    private readonly opts: ApiServerOptions = {},
  ) {
    this.sse = new SseHub(engine);
    this.people = new TokenChecker(engine.users);
    const host = opts.host ?? '127.0.0.1';
    const exposed = (host !== 'localhost' && !isLoopback(host)) || opts.publicOrigin !== undefined;
    this.signIns = opts.signIns !== undefined ? opts.signIns : exposed ? new SignInLimiter() : null;
    // A revoked person's streams close at once (a revoke on another instance too: the bell).
    this.unsubscribe = engine.users.onChange((u) => {
      if (u.revokedAt !== null) this.sse.closeOwner(u.id);
    });
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => sendError(res, toErrorBody(err)));
    };
    this.scheme = opts.tls ? 'https:' : 'http:';
    this.publicOrigin = opts.publicOrigin;
    this.server = opts.tls
      ? (createHttpsServer(
          { cert: opts.tls.cert, key: opts.tls.key },
          onRequest,
        ) as unknown as Server)
      : createServer(onRequest);
  }

  /** Listens on the host (default 127.0.0.1) and `port` (0 = any free port). */
  async listen(port: number): Promise<{ port: number; url: string }> {
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    // Its own certificate on a named address: people open that address.
    if (this.opts.tls && !this.publicOrigin && !isLoopback(host) && host !== 'localhost') {
      this.publicOrigin = new URL(
        `https://${host.includes(':') ? `[${host}]` : host}:${this.port}`,
      ).origin;
    }
    // The address this machine reaches it by (a wildcard bind is reached on loopback here).
    const local =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return { port: this.port, url: `${this.scheme}//${local}:${this.port}` };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pub = this.publicOrigin;
    if (!isLoopbackHost(req.headers.host, this.port) && !isPublicHost(req.headers.host, pub)) {
      return sendError(res, {
        code: 'forbidden',
        message: pub
          ? `Host must be this loopback address or ${new URL(pub).host}`
          : 'Host must be this loopback address',
      });
    }
    const origin = req.headers.origin;
    const o = Array.isArray(origin) ? origin[0] : origin;
    if (!isAllowedOrigin(o, this.port, this.scheme) && !isPublicOrigin(o, pub)) {
      return sendError(res, { code: 'forbidden', message: 'cross-origin requests are refused' });
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendMethodNotAllowed(res, 'GET, HEAD');
      return serveStatic(this.staticDir, path, req.method, res);
    }
    const caller = await this.signIn(req, res);
    if (!caller) return;
    const name = decodeURIComponentSafe(path.slice('/api/'.length));
    if (name === 'stream') {
      if (req.method !== 'GET') return sendMethodNotAllowed(res, 'GET');
      const last = req.headers['last-event-id'];
      return this.sse.attach(
        res,
        Array.isArray(last) ? last[0] : last,
        caller.kind === 'user' ? caller.id : undefined,
      );
    }
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
    if (isCommandName(name) && !mayRun(caller.role, accessOf(name))) {
      const what =
        accessOf(name) === 'admin'
          ? 'manages people (admins only)'
          : 'changes something or sends a request';
      return sendError(res, {
        code: 'forbidden',
        message: `${ROLE_WORDS[caller.role]}: ${name} ${what}. Ask an admin for another role (hookscope users).`,
      });
    }
    if (Number(req.headers['content-length']) > MAX_COMMAND_BYTES) {
      // Said up front: answer now instead of reading it all first.
      res.setHeader('Connection', 'close');
      send(res, 413, {
        error: { code: 'bad_input', message: `body larger than ${MAX_COMMAND_BYTES} bytes` },
      });
      return;
    }
    const raw = await readBody(req);
    if (raw === null) {
      return sendError(res, {
        code: 'bad_input',
        message: `body larger than ${MAX_COMMAND_BYTES} bytes`,
      });
    }
    let input: unknown = {};
    if (raw.length > 0) {
      try {
        input = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        return sendError(res, {
          code: 'bad_input',
          message: `body is not JSON: ${(err as Error).message}`,
        });
      }
    }
    try {
      const started = performance.now();
      const run = (): Promise<unknown> => dispatch(this.engine.handlers, name, input);
      // A person's command is theirs: what it records names them (core/actor.ts).
      const output = await (caller.kind === 'user' ? asPerson(caller.name, run) : run());
      // The command's own time (input checked, the engine's answer built), without HTTP and
      // JSON: what a browser's network panel shows as "engine" (Server-Timing).
      res.setHeader('Server-Timing', `engine;dur=${(performance.now() - started).toFixed(2)}`);
      send(res, 200, output);
    } catch (err) {
      sendError(res, toErrorBody(err));
    }
  }

  /**
   * Who is calling, or null once the answer (401, 429) is sent. The local token and a person's
   * token this process already checked pass at once; any other is checked against the slow
   * hash unless its address failed too often (429 with Retry-After); failures count.
   */
  private async signIn(req: IncomingMessage, res: ServerResponse): Promise<Caller | null> {
    if (hasToken(req, this.token)) return LOCAL_CALLER;
    const token = bearer(req);
    const quick = token === null ? null : this.people.quick(token);
    if (quick) return quick;
    const address = this.clientAddress(req);
    const wait = this.signIns?.retryAfter(address) ?? 0;
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      send(res, 429, {
        error: {
          code: 'unauthorized',
          message: `too many failed sign-ins from this address: try again in ${wait} s`,
        },
      });
      return null;
    }
    const caller = quick === undefined && token !== null ? await this.people.check(token) : null;
    if (caller) return caller;
    this.signIns?.failed(address);
    sendError(res, {
      code: 'unauthorized',
      message: 'missing, wrong or revoked bearer token',
    });
    return null;
  }

  /** The client's address: the peer, or the one a trusted reverse proxy names. */
  private clientAddress(req: IncomingMessage): string | undefined {
    const peer = normalizeIp(req.socket.remoteAddress ?? null);
    const trusted = this.opts.trustedProxies ?? [];
    if (peer === null || !isTrusted(peer, trusted)) return peer ?? undefined;
    return clientFromForwardedFor(req.headers['x-forwarded-for'], trusted) ?? peer;
  }

  /** Closes streams and the listener. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.people.close();
    this.sse.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_COMMAND_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_COMMAND_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(json);
}

function sendError(res: ServerResponse, error: ErrorBody): void {
  if (res.destroyed) return; // the client hung up: nobody to answer
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, STATUS[error.code] ?? 500, { error });
}

function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  send(res, 405, { error: { code: 'bad_input', message: `method not allowed; use ${allow}` } });
}
