import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A request to send exactly as given (bytes and header order). */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

/** What came back (or why nothing did). */
export interface SendResult {
  /** HTTP status, or null when no response arrived (connection error, timeout). */
  status: number | null;
  error: string | null;
  durationMs: number;
  headers: [string, string][];
  /** The first `maxResponseBytes` of the response body. */
  body: Buffer;
  truncated: boolean;
}

export interface SendOptions {
  timeoutMs: number;
  /** Response bytes kept; more are read (up to 16× this) then the connection is dropped. */
  maxResponseBytes: number;
}

/**
 * Sends one request with a whole-exchange deadline and a cap on the response kept in memory.
 * Never rejects: failures come back as `error` with `status` null (or the status when the
 * response started but broke off).
 */
export function send(req: OutgoingRequest, opts: SendOptions): Promise<SendResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return resolve(failure(started, `invalid URL "${req.url}"`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return resolve(
        failure(started, `unsupported protocol ${url.protocol} (http and https only)`),
      );
    }
    let status: number | null = null;
    let headers: [string, string][] = [];
    const chunks: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    let done = false;
    const finish = (error: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        status,
        error,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        headers,
        body: Buffer.concat(chunks, kept),
        truncated: seen > kept,
      });
    };
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // A raw header list gets no Host from node: add the target's when the caller gave none.
    const hasHost = req.headers.some(([n]) => n.toLowerCase() === 'host');
    const raw = (hasHost ? req.headers : [['Host', url.host], ...req.headers]).flat();
    let client: ReturnType<typeof make>;
    try {
      client = make(url, { method: req.method, headers: raw, agent: false }, onResponse);
    } catch (err) {
      // Node checks the method and every header before sending (an imported event may hold
      // a header value with a line break): nothing was sent.
      return resolve(failure(started, `not sent: ${(err as Error).message}`));
    }
    const timer = setTimeout(() => {
      client.destroy();
      finish(`timed out after ${opts.timeoutMs} ms`);
    }, opts.timeoutMs);
    client.on('error', (err) => finish(describe(err)));
    client.end(req.body);

    function onResponse(res: IncomingMessage): void {
      status = res.statusCode ?? null;
      headers = pairs(res.rawHeaders);
      res.on('data', (c: Buffer) => {
        seen += c.length;
        if (kept < opts.maxResponseBytes) {
          const take = c.subarray(0, opts.maxResponseBytes - kept);
          chunks.push(take);
          kept += take.length;
        }
        // A huge answer is not worth reading to the end: drop the connection.
        if (seen > opts.maxResponseBytes * 16) {
          res.destroy();
          finish(null);
        }
      });
      res.on('end', () => finish(null));
      res.on('error', (err) => finish(status !== null ? null : describe(err)));
      res.on('close', () => finish(null));
    }
  });
}

/** The result of a request that was not sent, and why. */
export function notSent(error: string): SendResult {
  return {
    status: null,
    error,
    durationMs: 0,
    headers: [],
    body: Buffer.alloc(0),
    truncated: false,
  };
}

function failure(started: number, error: string): SendResult {
  return { ...notSent(error), durationMs: Math.round((performance.now() - started) * 10) / 10 };
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function describe(err: Error & { code?: string }): string {
  const hints: Record<string, string> = {
    ECONNREFUSED: 'connection refused: is your app running on that port?',
    ECONNRESET: 'the connection was reset by the target',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'connection timed out',
  };
  return err.code && hints[err.code] ? `${err.code}: ${hints[err.code]}` : err.message;
}
