import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/serve-process';

// Forward targets that misbehave on purpose, run against a real `hookscope serve` process:
// one never answers, one resets every connection, one streams a 1 GB answer. The forwarder
// must time out, cap what it reads, retry then dead-letter, and the receiver (same process,
// same event loop) must keep acknowledging deliveries about as fast as without them.

const TIMEOUT_MS = 1000;
const MAX_ATTEMPTS = 2;
const FORWARDING = {
  paused: false,
  concurrency: 8,
  timeoutMs: TIMEOUT_MS,
  maxAttempts: MAX_ATTEMPTS,
};
/** What the forwarder keeps of an answer (MAX_RESPONSE_BYTES in src/core/forward/forwarder.ts). */
const KEPT_BYTES = 64 * 1024;
const GB = 1024 ** 3;
const N = 200;

interface Attempt {
  status: number | null;
  error: string | null;
  durationMs: number;
  attempt: number;
  response: { base64: string; truncated: boolean } | null;
}

/** Polls `cond` until it holds; throws after `ms`. */
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A target server on 127.0.0.1 that counts requests and open connections. */
async function target(handler: RequestListener) {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    get open() {
      return sockets.size;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The process's resident set size in bytes (Linux /proc). */
function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/**
 * The load generator, in a process of its own so that the hostile targets (served by this
 * test process) cannot slow the measuring client down: posts `paths` one after another over
 * one keep-alive connection and prints each status and latency (ms).
 */
const CLIENT = `
const http = require('node:http');
const [base, paths] = [new URL(process.argv[1]), JSON.parse(process.argv[2])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const one = (path) => new Promise((resolve) => {
  const t = performance.now();
  const req = http.request({ agent, host: base.hostname, port: base.port, path, method: 'POST' }, (res) => {
    res.resume();
    res.on('end', () => resolve([res.statusCode, performance.now() - t]));
  });
  req.on('error', () => resolve([0, performance.now() - t]));
  req.end(JSON.stringify({ path, pad: 'x'.repeat(2000) }));
});
(async () => {
  const out = [];
  for (const p of paths) out.push(await one(p));
  agent.destroy();
  process.stdout.write(JSON.stringify(out));
})();
`;

/** Sends `paths` to the receiver from a separate process; every answer must be 200. */
async function deliver(receiverUrl: string, paths: string[]): Promise<number[]> {
  const child = spawn(process.execPath, ['-e', CLIENT, receiverUrl, JSON.stringify(paths)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const results = JSON.parse(out) as [number, number][];
  expect(results.filter(([status]) => status !== 200)).toEqual([]);
  return results.map(([, ms]) => ms);
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]): string =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

async function eventsByPath(s: ServeProcess): Promise<Map<string, { id: string; fwd: string }>> {
  const out = new Map<string, { id: string; fwd: string }>();
  let beforeSeq: number | undefined;
  for (;;) {
    const res = await s.api('listEvents', { limit: 500, ...(beforeSeq ? { beforeSeq } : {}) });
    const page = (await res.json()) as {
      items: { id: string; seq: number; path: string; forward: { status: string } }[];
      hasMore: boolean;
    };
    for (const e of page.items) out.set(e.path, { id: e.id, fwd: e.forward.status });
    if (!page.hasMore) return out;
    beforeSeq = page.items.at(-1)!.seq;
  }
}

describe('hostile forward targets', () => {
  it('time out, cap and dead-letter them while the receiver keeps its latency', async () => {
    const hang = await target(() => undefined); // reads nothing, answers nothing, ever
    const reset = await target((req) => req.socket.destroy());
    const streamed: { bytes: number; complete: boolean }[] = [];
    // 1 GB announced and generated lazily, 64 KB at a time as the socket drains; it stops as
    // soon as the client goes away.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const huge = await target((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': GB });
      let bytes = 0;
      let gone = false;
      res.on('close', () => {
        gone = true;
        streamed.push({ bytes, complete: res.writableFinished });
      });
      const pump = (): void => {
        while (!gone && bytes < GB) {
          bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!gone) res.end();
      };
      pump();
    });
    const s = await startServe();
    const pid = s.child.pid!;
    let sampler: NodeJS.Timeout | undefined;
    try {
      for (const [name, t] of [
        ['hang', hang],
        ['reset', reset],
        ['huge', huge],
      ] as const) {
        const res = await s.api('saveEndpoint', { name, path: `/${name}`, forwardTo: t.url });
        expect(res.status).toBe(200);
      }
      expect((await s.api('saveSettings', { forwarding: FORWARDING })).status).toBe(200);

      const run = (paths: string[]): Promise<number[]> => deliver(s.receiverUrl, paths);
      await run(Array.from({ length: 50 }, (_, i) => `/warm/${i}`));

      // Baseline: nothing to forward.
      const quiet = await run(Array.from({ length: N }, (_, i) => `/quiet/${i}`));
      const rssBefore = rss(pid);
      let rssPeak = rssBefore;
      sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rss(pid))), 25);

      // Hostile forwarding under way before the measured run starts...
      await run(['/hang/p0', '/reset/p0', '/huge/p0', '/hang/p1', '/reset/p1', '/huge/p1']);
      await until('hostile attempts in flight', () => hang.open > 0 && streamed.length > 0);
      // ...and kept fed during it: every 4th measured delivery is forwarded to one of them.
      const hostileBefore = hang.requests + reset.requests + huge.requests;
      const kinds = ['hang', 'reset', 'huge'];
      const busy = await run(
        Array.from({ length: N }, (_, i) =>
          i % 4 === 0 ? `/${kinds[(i / 4) % 3]}/${i}` : `/busy/${i}`,
        ),
      );
      const hostileDuring = hang.requests + reset.requests + huge.requests - hostileBefore;
      const hangOpenAtEnd = hang.open;

      // Every hostile forward ends: delivered (huge) or dead-lettered (hang, reset).
      const hostile = (m: Map<string, { id: string; fwd: string }>) =>
        [...m].filter(([p]) => /^\/(hang|reset|huge)\//.test(p));
      let events = new Map<string, { id: string; fwd: string }>();
      await until(
        'every hostile forward to be final',
        async () => {
          events = await eventsByPath(s);
          return hostile(events).every(([, e]) => e.fwd === 'ok' || e.fwd === 'dead');
        },
        30_000,
      );
      clearInterval(sampler);
      expect(events.size).toBe(50 + 2 * N + 6);

      const attemptsOf = async (id: string): Promise<Attempt[]> =>
        ((await (await s.api('getEvent', { id })).json()) as { forwards: Attempt[] }).forwards;
      const byKind: Record<string, Attempt[][]> = { hang: [], reset: [], huge: [] };
      for (const [p, e] of hostile(events)) {
        byKind[p.split('/')[1]!]!.push(await attemptsOf(e.id));
        expect(e.fwd, p).toBe(p.startsWith('/huge/') ? 'ok' : 'dead');
      }
      expect(byKind.hang!.length + byKind.reset!.length + byKind.huge!.length).toBe(56);

      // The configured timeout holds: every attempt on the hanging target ends at it.
      for (const attempts of byKind.hang!) {
        expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
        for (const a of attempts) {
          expect(a).toMatchObject({ status: null, error: `timed out after ${TIMEOUT_MS} ms` });
          expect(a.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
          expect(a.durationMs).toBeLessThan(TIMEOUT_MS + 2000);
        }
      }
      // ...and gives the slot back: the connections are closed, nothing is still waiting.
      await until('the hanging connections to be closed', () => hang.open === 0);

      // Resets are retryable errors, then a dead letter.
      for (const attempts of byKind.reset!) {
        expect(attempts).toHaveLength(MAX_ATTEMPTS);
        for (const a of attempts)
          expect(a).toMatchObject({
            status: null,
            error: 'ECONNRESET: the connection was reset by the target',
          });
      }
      const dead = (await (await s.api('listDeadLetters', { limit: 500 })).json()) as {
        items: { eventId: string; attempts: number; lastError: string }[];
      };
      const deadIds = new Set(dead.items.map((d) => d.eventId));
      for (const [p, e] of hostile(events))
        expect(deadIds.has(e.id), p).toBe(!p.startsWith('/huge/'));
      expect(dead.items.every((d) => d.attempts === MAX_ATTEMPTS)).toBe(true);

      // The 1 GB answer: delivered (200) on the first attempt, kept truncated to the cap, and
      // the connection dropped long before the end.
      for (const attempts of byKind.huge!) {
        expect(attempts).toHaveLength(1);
        const [a] = attempts;
        expect(a!.status).toBe(200);
        expect(a!.response!.truncated).toBe(true);
        expect(Buffer.from(a!.response!.base64, 'base64').length).toBe(KEPT_BYTES);
        expect(a!.durationMs).toBeLessThan(TIMEOUT_MS);
      }
      expect(streamed).toHaveLength(byKind.huge!.length);
      expect(streamed.every((x) => !x.complete && x.bytes < 64 * 1024 * 1024)).toBe(true);
      const rssGrowth = rssPeak - rssBefore;
      expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);

      // The receiver does not notice: a generous bound, the figures are what matter.
      expect(hostileDuring).toBeGreaterThan(0);
      expect(percentile(busy, 99)).toBeLessThan(250);
      const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
      console.log(
        [
          `[forward-hostile] receiver ack latency, ${N} sequential 2 KB POSTs each:`,
          `  no forwarding:      ${fmt(quiet)}`,
          `  hostile forwarding: ${fmt(busy)} (${hostileDuring} hostile attempts during the run, ${hangOpenAtEnd} hanging at its end)`,
          `[forward-hostile] hang: ${byKind.hang!.length} events x ${MAX_ATTEMPTS} attempts, each "timed out after ${TIMEOUT_MS} ms", all dead-lettered`,
          `[forward-hostile] reset: ${byKind.reset!.length} events x ${MAX_ATTEMPTS} attempts, ECONNRESET, all dead-lettered`,
          `[forward-hostile] 1 GB answer: ${byKind.huge!.length} events delivered, ${KEPT_BYTES / 1024} KB kept (truncated), at most ${mb(Math.max(...streamed.map((x) => x.bytes)))} written by the target before the client left`,
          `[forward-hostile] serve RSS: ${mb(rssBefore)} before, peak ${mb(rssPeak)} (+${mb(rssGrowth)})`,
        ].join('\n'),
      );
    } finally {
      clearInterval(sampler);
      await s.dispose();
      await Promise.all([hang.close(), reset.close(), huge.close()]);
    }
  });
});
