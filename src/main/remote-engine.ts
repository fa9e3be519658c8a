import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { commandNames, isPushName, type PushMessage } from '../shared/contract';
import type { Handlers } from '../shared/dispatch';
import { HookscopeError, isErrorBody } from '../shared/errors';
import { workspaceCommandNames } from '../shared/workspaces-contract';

/** Where the stream to the server stands (the UI shows it as the workspace's state). */
export interface RemoteConnection {
  connection: 'connecting' | 'online' | 'lost';
  /** Why it is lost, in words. */
  detail?: string;
}

export interface RemoteEngineOptions {
  /** The server's address (its control API: `POST <url>/api/<command>`). */
  url: string;
  token: string;
  /** A PEM CA certificate trusted for this server besides the system's (self-signed server). */
  ca?: string;
  /** First wait before a reconnect; doubles up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** The stream counts as dead after this long without a byte (the server pings every 15 s). */
  idleTimeoutMs?: number;
  /** How long a command may take before it fails. */
  requestTimeoutMs?: number;
  /** Waits `ms` before a reconnect (tests pass one they release themselves). */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** The TLS codes of a certificate Node refused, said in words. */
const CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A network failure as the person reads it: what could not be done and why. */
export function describeNetworkError(err: unknown, url: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  const msg = (err as { message?: unknown } | null)?.message;
  if (typeof code === 'string' && CERT_CODES.has(code)) {
    return `The certificate of ${url} is not trusted (${code}). If it is your team's own certificate, add its CA certificate file to this server.`;
  }
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused: is the server running?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'no such host'
        : code === 'ETIMEDOUT' || code === 'timeout'
          ? 'no answer in time'
          : code === 'ECONNRESET'
            ? 'the connection was reset'
            : typeof msg === 'string' && msg
              ? msg
              : String(err);
  return `Cannot reach the Hookscope server at ${url} (${why}).`;
}

/** Why the server refused the stream, from its error body. */
function streamRefusal(text: string, status: string): string {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    if (!isErrorBody(e)) return status;
    return e.code === 'unauthorized'
      ? `The server refused this workspace's token (${e.message}).`
      : e.message;
  } catch {
    return status;
  }
}

/**
 * A Hookscope server seen from the desktop's main process, with the shape the IPC layer uses
 * for the embedded engine: `handlers` for every contract command (each a `POST /api/<name>`
 * with the bearer token; the server's errors come back as the same HookscopeError code and
 * message) and `subscribe` for its pushes, read from `GET /api/stream` and resumed with
 * Last-Event-ID after a drop (backoff, never a throw), its state told to `onConnection`.
 * TLS is checked against the system's CAs plus the workspace's own CA file, never turned off.
 * The page never talks to the server: only this process does.
 */
export class RemoteEngine {
  readonly handlers: Handlers;
  private readonly base: URL;
  private readonly listeners = new Set<(push: PushMessage) => void>();
  private readonly stateListeners = new Set<(s: RemoteConnection) => void>();
  private state: RemoteConnection = { connection: 'connecting' };
  private abort: AbortController | null = null;
  private lastEventId: string | null = null;
  private readonly ca: string[] | undefined;

  constructor(private readonly opts: RemoteEngineOptions) {
    this.base = new URL(opts.url.replace(/\/+$/, '') + '/');
    // `ca` replaces Node's list: keep the system's roots and add the workspace's own.
    this.ca = opts.ca ? [...rootCertificates, opts.ca] : undefined;
    const shell = new Set<string>(workspaceCommandNames);
    this.handlers = Object.fromEntries(
      commandNames.map((name) => [
        name,
        shell.has(name)
          ? () => {
              throw new HookscopeError('not_implemented', 'workspaces are the desktop app’s own');
            }
          : (input: unknown) => this.call(name, input),
      ]),
    ) as unknown as Handlers;
  }

  /** The address as the person typed it, for messages. */
  get url(): string {
    return this.opts.url;
  }

  get connection(): RemoteConnection {
    return { ...this.state };
  }

  /** Calls one command on the server; rejects with a HookscopeError in the person's words. */
  async call(name: string, input: unknown): Promise<unknown> {
    const body = JSON.stringify(input ?? {});
    let res: { status: number; text: string };
    try {
      res = await this.send('POST', `api/${encodeURIComponent(name)}`, body);
    } catch (err) {
      throw new HookscopeError('internal', describeNetworkError(err, this.opts.url));
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new HookscopeError(
        'internal',
        `The server at ${this.opts.url} answered HTTP ${res.status} with something that is not Hookscope's API: is the address right?`,
      );
    }
    if (res.status >= 200 && res.status < 300) return json;
    const err = (json as { error?: unknown } | null)?.error;
    if (isErrorBody(err)) throw new HookscopeError(err.code, err.message, err.issues);
    throw new HookscopeError(
      'internal',
      `The server at ${this.opts.url} answered HTTP ${res.status}.`,
    );
  }

  /** Every push of the server (contract names only). Returns the unsubscribe function. */
  subscribe(listener: (push: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The stream's state as it changes (connecting, online, lost with why). */
  onConnection(listener: (s: RemoteConnection) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  /** Opens the live stream (idempotent); it reconnects by itself until `stop()`. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
  }

  /** Closes the stream for good; no push is delivered after this. */
  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.listeners.clear();
    this.stateListeners.clear();
  }

  private setState(s: RemoteConnection): void {
    if (s.connection === this.state.connection && s.detail === this.state.detail) return;
    this.state = s;
    for (const l of [...this.stateListeners]) l({ ...s });
  }

  private async run(signal: AbortSignal): Promise<void> {
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 10_000;
    const wait = this.opts.wait ?? sleep;
    let delay = min;
    while (!signal.aborted) {
      let why: string;
      try {
        why = await this.stream(signal, () => {
          delay = min;
        });
      } catch (err) {
        why = describeNetworkError(err, this.opts.url);
      }
      if (signal.aborted) return;
      this.setState({ connection: 'lost', detail: why });
      await wait(delay, signal);
      delay = Math.min(delay * 2, max);
    }
  }

  /** One connection of the stream; resolves with why it ended. */
  private stream(signal: AbortSignal, connected: () => void): Promise<string> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${this.opts.token}`,
        Accept: 'text/event-stream',
      };
      if (this.lastEventId !== null) headers['Last-Event-ID'] = this.lastEventId;
      const req = this.request('GET', 'api/stream', headers, (res) => {
        if (res.statusCode !== 200) {
          const status = `The server answered HTTP ${res.statusCode}.`;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (text.length < 4096) text += c;
          });
          res.on('end', () => resolve(streamRefusal(text, status)));
          res.on('error', () => resolve(status));
          return;
        }
        connected();
        this.setState({ connection: 'online' });
        res.setEncoding('utf8');
        const idle = this.opts.idleTimeoutMs ?? 45_000;
        res.socket.setTimeout(idle, () =>
          req.destroy(Object.assign(new Error('idle'), { code: 'timeout' })),
        );
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            this.dispatchBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        res.on('end', () => resolve('The server closed the stream.'));
        res.on('error', (err) => resolve(describeNetworkError(err, this.opts.url)));
        res.on('close', () => resolve('The connection to the server was closed.'));
      });
      const onAbort = (): void => {
        req.destroy();
        resolve('stopped');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal.removeEventListener('abort', onAbort));
      req.on('error', reject);
      req.end();
    });
  }

  private dispatchBlock(block: string): void {
    let event = 'message';
    let data = '';
    let id: string | null = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i === -1 ? line : line.slice(0, i);
      const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') id = value;
    }
    if (id !== null) this.lastEventId = id;
    // Only the contract's pushes, and never the shell's own: a server cannot switch workspaces.
    if (!data || !isPushName(event) || event === 'workspace.changed') return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    const push = { name: event, payload } as PushMessage;
    for (const l of [...this.listeners]) l(push);
  }

  private send(
    method: string,
    path: string,
    body: string,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        method,
        path,
        {
          Authorization: `Bearer ${this.opts.token}`,
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(body)),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(this.opts.requestTimeoutMs ?? 60_000, () =>
        req.destroy(Object.assign(new Error('no answer in time'), { code: 'timeout' })),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  private request(
    method: string,
    path: string,
    headers: Record<string, string>,
    onResponse: (res: IncomingMessage) => void,
  ) {
    const url = new URL(path, this.base);
    const options: RequestOptions & { ca?: string[] } = { method, headers };
    if (url.protocol === 'https:') {
      return httpsRequest(url, { ...options, ...(this.ca ? { ca: this.ca } : {}) }, onResponse);
    }
    return httpRequest(url, options, onResponse);
  }
}
