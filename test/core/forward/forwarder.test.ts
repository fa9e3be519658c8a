import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Forwarder, type ForwardSettings } from '../../../src/core/forward/forwarder';
import { openDb, type Db } from '../../../src/core/store/db';
import { EventStore } from '../../../src/core/store/event-store';
import { ForwardStore, type AttemptRecord } from '../../../src/core/store/forward-store';
import { tempDir } from '../../helpers/engine';
import { appendTo, type TestEvent } from '../../helpers/append';
import { delivery } from '../../helpers/events';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A local target answering with the statuses given, in turn (the last one repeats). */
async function target(statuses: number[], extraHeaders: Record<string, string> = {}) {
  const received: { method: string; url: string; headers: string[]; body: Buffer }[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.rawHeaders,
        body: Buffer.concat(chunks),
      });
      const status = statuses[Math.min(next++, statuses.length - 1)]!;
      res.writeHead(status, extraHeaders);
      res.end(`answer ${status}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    setStatuses(s: number[]) {
      statuses = s;
      next = 0;
    },
  };
}

const fast: ForwardSettings = {
  paused: false,
  concurrency: 4,
  timeoutMs: 2000,
  retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, factor: 2, jitter: 0 },
};

function setup(dir?: string) {
  const t = dir ? { dir, cleanup: () => undefined } : tempDir();
  const db: Db = openDb({ dataDir: t.dir });
  const jobs = new ForwardStore(db);
  const events = new EventStore(db, 20, jobs);
  const attempts: AttemptRecord[] = [];
  const waiters: (() => void)[] = [];
  let settings = fast;
  const fwd = new Forwarder(
    jobs,
    events,
    () => settings,
    Date.now,
    (a) => {
      attempts.push(a);
      for (const w of waiters.splice(0)) w();
    },
  );
  const close = async () => {
    await fwd.stop();
    void events.close();
    if (db.open) db.close();
  };
  cleanups.push(close, t.cleanup);
  return {
    dir: t.dir,
    db,
    jobs,
    events,
    fwd,
    attempts,
    close,
    setSettings(s: ForwardSettings) {
      settings = s;
    },
    /** Resolves once `n` attempts in all have been recorded. */
    async attemptsReach(n: number) {
      while (attempts.length < n) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

/** A delivery through the tunnel, queued for `forwardTarget`. */
function event(forwardTarget: string, over: Partial<TestEvent> = {}): TestEvent {
  return delivery({
    receivedAt: Date.now(),
    headers: [
      ['Host', 'abc.ngrok.app'],
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 't=1,v1=abc'],
    ],
    body: Buffer.from([0x7b, 0x7d, 0xff, 0x00]),
    sourceIp: '203.0.113.5',
    responseStatus: 200,
    forwardStatus: 'pending',
    forwardTarget,
    ...over,
  });
}

describe('Forwarder', () => {
  it('retries 503 twice with backoff, then delivers on 200; every attempt is recorded', async () => {
    const t = await target([503, 503, 200]);
    const s = setup();
    s.fwd.start();
    const e = await appendTo(s.events, event(`${t.url}/webhooks`));
    s.fwd.kick();
    await s.attemptsReach(3);
    expect(s.attempts.map((a) => [a.attempt, a.status, a.kind])).toEqual([
      [1, 503, 'live'],
      [2, 503, 'live'],
      [3, 200, 'live'],
    ]);
    // Backoff: the gaps grow (10 ms, then 20 ms at least).
    expect(s.attempts[1]!.at - s.attempts[0]!.at).toBeGreaterThanOrEqual(10);
    expect(s.attempts[2]!.at - s.attempts[1]!.at).toBeGreaterThanOrEqual(20);
    expect((await s.events.summary(e.id))!.forward.status).toBe('ok');
    expect((await s.jobs.attemptsFor(e.id)).map((a) => a.responseBody.toString())).toEqual([
      'answer 503',
      'answer 503',
      'answer 200',
    ]);
  });

  it('sends the exact body bytes, the method, and the headers minus hop-by-hop, plus X-Forwarded-*', async () => {
    const t = await target([200]);
    const s = setup();
    s.fwd.start();
    await appendTo(s.events, event(`${t.url}/webhooks?x=1`));
    s.fwd.kick();
    await s.attemptsReach(1);
    const got = t.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/webhooks?x=1');
    expect(got.body.equals(Buffer.from([0x7b, 0x7d, 0xff, 0x00]))).toBe(true);
    const h = Object.fromEntries(
      got.headers.reduce<[string, string][]>(
        (acc, v, i, a) => (i % 2 ? acc : [...acc, [v.toLowerCase(), a[i + 1]!]]),
        [],
      ),
    );
    expect(h).toMatchObject({
      host: new URL(t.url).host,
      'stripe-signature': 't=1,v1=abc',
      'x-forwarded-for': '203.0.113.5',
      'x-forwarded-host': 'abc.ngrok.app',
    });
  });

  it('dead-letters after the last attempt, and redrive delivers once the target is fixed', async () => {
    const t = await target([500]);
    const s = setup();
    s.fwd.start();
    const e = await appendTo(s.events, event(t.url));
    s.fwd.kick();
    await s.attemptsReach(3);
    expect((await s.events.summary(e.id))!.forward.status).toBe('dead');
    const dead = await s.jobs.listDead(10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ eventId: e.id, lastStatus: 500, attempts: 3 });

    t.setStatuses([200]);
    const again = (await s.jobs.deadJobs('all')).map((job) => ({
      job,
      targetUrl: job.targetUrl,
      refused: null,
    }));
    expect(await s.jobs.redrive(again, Date.now())).toEqual([]);
    s.fwd.kick();
    await s.attemptsReach(4);
    expect(s.attempts[3]!.kind).toBe('redrive');
    expect((await s.events.summary(e.id))!.forward.status).toBe('ok');
    expect(await s.jobs.listDead(10)).toEqual([]);
  });

  it('treats a 4xx other than 408/429 as final: one attempt, dead', async () => {
    const t = await target([400]);
    const s = setup();
    s.fwd.start();
    const e = await appendTo(s.events, event(t.url));
    s.fwd.kick();
    await s.attemptsReach(1);
    expect((await s.events.summary(e.id))!.forward.status).toBe('dead');
    expect(await s.jobs.pendingCount()).toBe(0);
  });

  it('keeps queueing while paused and sends when resumed', async () => {
    const t = await target([200]);
    const s = setup();
    s.setSettings({ ...fast, paused: true });
    s.fwd.start();
    await appendTo(s.events, event(t.url));
    s.fwd.kick();
    expect(await s.jobs.pendingCount()).toBe(1);
    expect(t.received).toHaveLength(0);
    s.setSettings(fast);
    s.fwd.kick();
    await s.attemptsReach(1);
    expect(t.received).toHaveLength(1);
  });

  it('looks again by itself when the log refuses to claim a job (a real SQLite write error), never throwing', async () => {
    const t = await target([200]);
    const s = setup();
    s.setSettings({ ...fast, paused: true });
    s.fwd.start();
    const e = await appendTo(s.events, event(t.url));
    // Every write now fails with SQLITE_READONLY, the claim included.
    s.db.pragma('query_only = ON');
    s.setSettings(fast);
    expect(() => s.fwd.kick()).not.toThrow();
    expect(t.received).toHaveLength(0);
    s.db.pragma('query_only = OFF');
    await s.attemptsReach(1);
    expect((await s.events.summary(e.id))!.forward.status).toBe('ok');
  });

  it('dead-letters a job whose request cannot even be built (a stored target that is not a URL), never rejecting', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => void process.off('unhandledRejection', onUnhandled));
    const s = setup();
    s.fwd.start();
    // A job row written by an older version or by hand: its target does not parse.
    const e = await appendTo(s.events, event('not a url'));
    s.fwd.kick();
    await s.attemptsReach(fast.retry.maxAttempts);
    expect(s.attempts.map((a) => a.error)).toEqual(
      Array(fast.retry.maxAttempts).fill('not sent: the target "not a url" is not a URL'),
    );
    await expect.poll(async () => (await s.events.summary(e.id))!.forward.status).toBe('dead');
    expect(await s.jobs.listDead(10)).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  it('resumes jobs left running by a crash, on the next start (at-least-once)', async () => {
    const t = await target([200]);
    const s = setup();
    const e = await appendTo(s.events, event(t.url));
    // Simulate a crash mid-send: the job is claimed (running) but never finished.
    expect(await s.jobs.claimDue(Date.now(), 10)).toHaveLength(1);
    s.db.close();
    const again = setup(s.dir);
    again.fwd.start();
    await again.attemptsReach(1);
    expect(t.received).toHaveLength(1);
    expect((await again.events.summary(e.id))!.forward.status).toBe('ok');
  });

  it('keeps slots for other targets while one target hangs, and gives it every slot when alone', async () => {
    // Two targets on one server: /slow holds every request until released, /ok answers at once.
    const arrivals: string[] = [];
    const held: (() => void)[] = [];
    const server = createServer((req, res) => {
      req.resume();
      arrivals.push(req.url!);
      if (req.url === '/slow') held.push(() => res.end('late'));
      else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const port = (server.address() as AddressInfo).port;
    // Two origins for one server: 127.0.0.1 and localhost.
    const slow = `http://127.0.0.1:${port}/slow`;
    const ok = `http://localhost:${port}/ok`;
    const s = setup();
    s.setSettings({ ...fast, concurrency: 4, timeoutMs: 60_000 });
    s.fwd.start();
    // Alone, the hanging target may take all 4 slots.
    for (let i = 0; i < 6; i++) await appendTo(s.events, event(slow));
    s.fwd.kick();
    await expect.poll(() => held.length).toBe(4);
    // Another target's deliveries queue behind them. One slot frees up: the hanging target,
    // over half the slots while others wait, does not get it back, so all 5 flow through it;
    // alone again, it takes the one free slot.
    for (let i = 0; i < 5; i++) await appendTo(s.events, event(ok));
    s.fwd.kick();
    held.shift()!();
    await s.attemptsReach(6);
    await expect.poll(() => arrivals.length).toBe(10);
    expect(arrivals).toEqual([...Array(4).fill('/slow'), ...Array(5).fill('/ok'), '/slow']);
    for (const release of held.splice(0)) release();
    await expect.poll(() => held.length).toBe(1); // the last job
    held.shift()!();
    await s.attemptsReach(11);
  });

  it('drops the jobs of deleted events', async () => {
    const s = setup();
    const e = await appendTo(s.events, event('http://127.0.0.1:9/never'));
    await s.events.deleteIds([e.id]);
    expect(await s.jobs.pendingCount()).toBe(0);
  });
});
