import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardRequest } from '../../../src/core/forward/prepare';
import {
  classify,
  nextDelay,
  parseRetryAfter,
  DEFAULT_RETRY,
} from '../../../src/core/forward/retry-policy';
import { send } from '../../../src/core/forward/send';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A local target on port 0 that records what it received. */
async function target(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
  const received: { method: string; url: string; headers: string[]; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method!, url: req.url!, headers: req.rawHeaders, body });
      handler(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const opts = { timeoutMs: 2000, maxResponseBytes: 64 * 1024 };

describe('send', () => {
  it('sends the exact bytes and headers, and records status, headers and body', async () => {
    const t = await target((_req, _b, res) => {
      res.writeHead(201, { 'X-Reply': 'yes' });
      res.end('created');
    });
    const body = Buffer.from([0, 1, 2, 255, 254]);
    const r = await send(
      {
        method: 'PATCH',
        url: `${t.url}/x?y=1`,
        headers: [
          ['X-A', '1'],
          ['Content-Length', '5'],
        ],
        body,
      },
      opts,
    );
    expect(r).toMatchObject({ status: 201, error: null, truncated: false });
    expect(r.body.toString()).toBe('created');
    expect(r.headers).toContainEqual(['X-Reply', 'yes']);
    expect(t.received[0]).toMatchObject({ method: 'PATCH', url: '/x?y=1' });
    expect(t.received[0]!.body.equals(body)).toBe(true);
  });

  it('reports a refused connection and a timeout as errors with no status', async () => {
    const closed = await target(() => undefined);
    const port = new URL(closed.url).port;
    servers[0]!.close();
    const refused = await send(
      { method: 'POST', url: `http://127.0.0.1:${port}/`, headers: [], body: Buffer.alloc(0) },
      opts,
    );
    expect(refused.status).toBeNull();
    expect(refused.error).toMatch(/ECONNREFUSED/);
    const hang = await target(() => undefined); // never answers
    const slow = await send(
      { method: 'POST', url: hang.url, headers: [], body: Buffer.alloc(0) },
      { ...opts, timeoutMs: 200 },
    );
    expect(slow).toMatchObject({ status: null, error: 'timed out after 200 ms' });
  });

  it('keeps only the first bytes of a huge answer and drops the connection', async () => {
    const t = await target((_req, _b, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    const r = await send(
      { method: 'POST', url: t.url, headers: [], body: Buffer.alloc(0) },
      { ...opts, maxResponseBytes: 1024 },
    );
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(1024);
    expect(r.truncated).toBe(true);
  });

  it('refuses non-HTTP URLs without throwing', async () => {
    const r = await send(
      { method: 'POST', url: 'file:///etc/passwd', headers: [], body: Buffer.alloc(0) },
      opts,
    );
    expect(r.error).toMatch(/unsupported protocol/);
  });

  it('resolves, sending nothing, for a method or header Node will not send (never rejects)', async () => {
    const t = await target((_req, _b, res) => res.end());
    for (const req of [
      { method: 'GE T', headers: [] as [string, string][] },
      { method: 'POST', headers: [['X-A', 'line\r\nX-Injected: 1']] as [string, string][] },
      { method: 'POST', headers: [['Bad Name', 'v']] as [string, string][] },
    ]) {
      const r = await send({ ...req, url: t.url, body: Buffer.alloc(0) }, opts);
      expect(r).toMatchObject({ status: null, error: expect.stringMatching(/^not sent: /) });
    }
    expect(t.received).toHaveLength(0);
  });
});

describe('forward request preparation', () => {
  const src = {
    method: 'POST',
    path: '/stripe/events/1',
    query: 'a=1',
    headers: [
      ['Host', 'abc.ngrok.app'],
      ['Connection', 'keep-alive'],
      ['Stripe-Signature', 't=1,v1=x'],
      ['Transfer-Encoding', 'chunked'],
      ['Cookie', 'session=from-a-public-sender'],
      ['Proxy-Authorization', 'Basic cHJveHk6cHc='],
      ['Proxy-Foo', 'x'],
      ['Authorization', 'Bearer provider-token'],
      ['X-Forwarded-For', '203.0.113.1'],
      ['Content-Type', 'application/json'],
    ] as [string, string][],
    body: Buffer.from('{}'),
    sourceIp: '198.51.100.2',
  };

  it('drops hop-by-hop headers, Cookie and Proxy-*, rewrites Host, sets the forwarding headers, keeps the rest (Authorization too) in order', () => {
    const r = forwardRequest(src, 'http://localhost:3000/webhooks/events/1?a=1', 'abc.ngrok.app');
    expect(r.headers).toEqual([
      ['Host', 'localhost:3000'],
      ['Stripe-Signature', 't=1,v1=x'],
      ['Authorization', 'Bearer provider-token'],
      ['Content-Type', 'application/json'],
      ['Forwarded', 'for=198.51.100.2;host=abc.ngrok.app;proto=http'],
      ['X-Forwarded-For', '198.51.100.2'],
      ['X-Real-IP', '198.51.100.2'],
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Host', 'abc.ngrok.app'],
      ['Content-Length', '2'],
    ]);
  });

  it('never lets a public sender pick the path, method, origin or client the app believes', () => {
    const hostile = {
      ...src,
      headers: [
        ['Host', 'evil.example'],
        ['Connection', 'close, X-Signature-Check , Authorization'],
        ['X-Signature-Check', 'skip'],
        ['Authorization', 'Bearer provider-token'],
        ['X-Original-URL', '/admin/delete-all'],
        ['X-Rewrite-URL', '/admin/delete-all'],
        ['X-HTTP-Method-Override', 'DELETE'],
        ['X-HTTP-Method', 'DELETE'],
        ['X-Method-Override', 'DELETE'],
        ['Forwarded', 'for=127.0.0.1;proto=https;host=admin.internal'],
        ['X-Real-IP', '127.0.0.1'],
        ['X-Forwarded-For', '127.0.0.1'],
        ['X-Forwarded-Proto', 'https'],
        ['X-Forwarded-Host', 'admin.internal'],
        ['Proxy-Connection', 'keep-alive'],
        ['Content-Type', 'application/json'],
      ] as [string, string][],
      sourceIp: '2001:db8::7',
      publicUrl: 'https://abc.ngrok.app/stripe/events/1',
    };
    const r = forwardRequest(hostile, 'http://localhost:3000/webhooks', 'evil.example');
    expect(r.headers).toEqual([
      ['Host', 'localhost:3000'],
      ['Content-Type', 'application/json'],
      ['Forwarded', 'for="[2001:db8::7]";host=abc.ngrok.app;proto=https'],
      ['X-Forwarded-For', '2001:db8::7'],
      ['X-Real-IP', '2001:db8::7'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'abc.ngrok.app'],
      ['Content-Length', '2'],
    ]);
    // No public URL: proto is the receiver's own (http); a Host that is no host name is dropped.
    const direct = forwardRequest(
      { ...hostile, publicUrl: null, sourceIp: null },
      'http://localhost:3000/webhooks',
      'a b/../x',
    );
    expect(direct.headers.filter(([n]) => /^(x-forwarded|forwarded|x-real)/i.test(n))).toEqual([
      ['Forwarded', 'proto=http'],
      ['X-Forwarded-Proto', 'http'],
    ]);
  });
});

describe('retry policy', () => {
  it('retries connection errors, timeouts, 5xx, 408 and 429; 2xx is ok; other statuses are final', () => {
    expect([null, 500, 503, 408, 429].map(classify)).toEqual([
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
    expect([200, 204].map(classify)).toEqual(['ok', 'ok']);
    expect([301, 400, 401, 404, 410].map(classify)).toEqual([
      'final',
      'final',
      'final',
      'final',
      'final',
    ]);
  });

  it('backs off exponentially with jitter, honours Retry-After, caps the delay', () => {
    const mid = () => 0.5;
    expect([1, 2, 3].map((a) => nextDelay(DEFAULT_RETRY, a, null, mid))).toEqual([
      1000, 2000, 4000,
    ]);
    expect(nextDelay(DEFAULT_RETRY, 1, null, () => 0)).toBe(800);
    expect(nextDelay(DEFAULT_RETRY, 1, null, () => 1)).toBe(1200);
    expect(nextDelay(DEFAULT_RETRY, 1, 30_000, mid)).toBe(30_000);
    expect(nextDelay(DEFAULT_RETRY, 20, null, mid)).toBe(DEFAULT_RETRY.maxDelayMs);
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
