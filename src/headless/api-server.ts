import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../core/engine';
import { dispatch } from '../shared/dispatch';
import { toErrorBody, type ErrorBody, type ErrorCode } from '../shared/errors';
import { hasToken, isAllowedOrigin, isLoopbackHost } from './guard';
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

/**
 * The control API of headless mode: `POST /api/<command>` (bearer token), `GET /api/stream`
 * (SSE) and the built UI at `/`. Binds loopback only and refuses any Host or Origin that is
 * not this loopback address, so a web page cannot reach it through DNS rebinding.
 */
export class ApiServer {
  private readonly server: Server;
  private readonly sse: SseHub;
  private port = 0;

  constructor(
    private readonly engine: Engine,
    private readonly token: string,
    private readonly staticDir: string,
  ) {
    this.sse = new SseHub(engine);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => sendError(res, toErrorBody(err)));
    });
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port). */
  async listen(port: number): Promise<{ port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return { port: this.port, url: `http://127.0.0.1:${this.port}` };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, this.port)) {
      return sendError(res, { code: 'forbidden', message: 'Host must be this loopback address' });
    }
    const origin = req.headers.origin;
    if (!isAllowedOrigin(Array.isArray(origin) ? origin[0] : origin, this.port)) {
      return sendError(res, { code: 'forbidden', message: 'cross-origin requests are refused' });
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendMethodNotAllowed(res, 'GET, HEAD');
      return serveStatic(this.staticDir, path, req.method, res);
    }
    if (!hasToken(req, this.token)) {
      return sendError(res, { code: 'unauthorized', message: 'missing or wrong bearer token' });
    }
    const name = decodeURIComponentSafe(path.slice('/api/'.length));
    if (name === 'stream') {
      if (req.method !== 'GET') return sendMethodNotAllowed(res, 'GET');
      const last = req.headers['last-event-id'];
      return this.sse.attach(res, Array.isArray(last) ? last[0] : last);
    }
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
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
      const output = await dispatch(this.engine.handlers, name, input);
      // The command's own time (input checked, the engine's answer built), without HTTP and
      // JSON: what a browser's network panel shows as "engine" (Server-Timing).
      res.setHeader('Server-Timing', `engine;dur=${(performance.now() - started).toFixed(2)}`);
      send(res, 200, output);
    } catch (err) {
      sendError(res, toErrorBody(err));
    }
  }

  /** Closes streams and the listener. */
  async close(): Promise<void> {
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
