/**
 * Several `hookscope serve --database` instances as one receiver, under load and failure
 * (issue 17, docs/ARCHITECTURE.md §7, RELIABILITY.md): two real processes A and B on one
 * database forward to a local app while a few hundred deliveries are sent to both; A is
 * SIGKILLed with requests and forwards in flight. Every delivery that was acknowledged is in
 * the log and reaches the app; B takes over A's claimed jobs once their lease runs out (short
 * here through HOOKSCOPE_FORWARD_LEASE_MARGIN_MS); nothing is sent twice while its first
 * sender is alive; A starts again on the same database.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { describePg } from '../helpers/postgres';
import { startServe, type ServeProcess } from '../helpers/serve-process';

const KEY = randomBytes(32).toString('base64');
/** The deliveries sent, over A and B. */
const N = 300;
/** Requests in flight at once. */
const SENDERS = 12;
/** Forwards in flight per instance (the forwarding settings' concurrency). */
const CONCURRENCY = 4;
const TIMEOUT_MS = 5000;
/** A claim holds TIMEOUT_MS + this, then B may take it over. */
const LEASE_MARGIN_MS = 1000;

interface Summary {
  id: string;
  seq: number;
  idempotency: { deliveryId: string | null };
}

/**
 * The developer's app: a real HTTP server recording each forward it gets (the delivery id in
 * its body), in arrival order. While `hold` is on, it answers nothing (the forwards stay in
 * flight) until `release()`.
 */
function localApp() {
  const arrivals: string[] = [];
  const held: ServerResponse[] = [];
  let hold = false;
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        arrivals.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id);
      } catch {
        arrivals.push(`(not a delivery: ${req.url})`);
      }
      res.on('error', () => undefined); // its sender may be dead
      if (hold) held.push(res);
      else res.end('ok');
      for (const w of waiters.splice(0)) w();
    });
  });
  return {
    server,
    arrivals,
    held,
    holdAll() {
      hold = true;
    },
    release() {
      hold = false;
      for (const r of held.splice(0)) r.end('ok');
    },
    /** Resolves once `pred` holds (checked at each arrival), or fails after `ms`. */
    async until(pred: () => boolean, ms: number, what: string): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pred()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the local app: ${what} not reached within ${ms} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}

describePg('serve --database: SIGKILL of one instance under load', (db) => {
  const app = localApp();
  const started: ServeProcess[] = [];
  afterAll(async () => {
    app.release();
    await Promise.all(started.map((s) => s.dispose()));
    await new Promise<void>((r) => app.server.close(() => r()));
  });

  const start = async (): Promise<ServeProcess> => {
    const s = await startServe({
      args: ['--database', db.url],
      env: {
        HOOKSCOPE_SECRET_KEY: KEY,
        HOOKSCOPE_FORWARD_LEASE_MARGIN_MS: String(LEASE_MARGIN_MS),
      },
    });
    started.push(s);
    return s;
  };
  const call = async <T>(s: ServeProcess, name: string, input: unknown): Promise<T> => {
    const res = await s.api(name, input);
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  /** Every delivery id in the log, read through `s` (newest first, page by page). */
  const loggedIds = async (s: ServeProcess): Promise<Set<string>> => {
    const ids = new Set<string>();
    let before: number | undefined;
    for (;;) {
      const page = await call<{ items: Summary[]; hasMore: boolean }>(s, 'listEvents', {
        limit: 500,
        ...(before !== undefined ? { beforeSeq: before } : {}),
      });
      for (const i of page.items) if (i.idempotency.deliveryId) ids.add(i.idempotency.deliveryId);
      if (!page.hasMore || page.items.length === 0) return ids;
      before = page.items[page.items.length - 1]!.seq;
    }
  };

  it('every acked delivery is logged and forwarded; A restarts on the same database', async () => {
    await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const [a, b] = await Promise.all([start(), start()]);

    await call(a, 'saveEndpoint', { name: 'Load', path: '/load', forwardTo: target });
    await call(a, 'saveSettings', {
      forwarding: {
        paused: false,
        concurrency: CONCURRENCY,
        timeoutMs: TIMEOUT_MS,
        maxAttempts: 20,
      },
    });
    // B applies both (its bell, or its periodic re-read) before any delivery is sent to it.
    await expect
      .poll(
        async () => {
          const eps = await call<{ items: { path: string }[] }>(b, 'listEndpoints', {});
          const s = await call<{ forwarding: { timeoutMs: number } }>(b, 'getSettings', {});
          return eps.items.some((e) => e.path === '/load') && s.forwarding.timeoutMs === TIMEOUT_MS;
        },
        { timeout: 15_000 },
      )
      .toBe(true);

    const run = randomBytes(4).toString('hex');
    const acked = new Set<string>();
    let killed = false;
    let next = 0;
    let reachedKillPoint!: () => void;
    const killPoint = new Promise<void>((r) => (reachedKillPoint = r));
    const send = async (): Promise<void> => {
      while (next < N) {
        const i = next++;
        const id = `${run}-${i}`;
        // Split over both, as a load balancer would; once A is gone, B only.
        const to = !killed && i % 2 === 0 ? a : b;
        try {
          const res = await fetch(`${to.receiverUrl}/load/${i}`, {
            method: 'POST',
            body: JSON.stringify({ id }),
            headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
          });
          await res.arrayBuffer();
          if (res.ok) acked.add(id);
        } catch {
          // A died with this request in flight: not acknowledged, so no promise about it.
        }
        if (acked.size >= N / 3) reachedKillPoint();
      }
    };
    const senders = Promise.all(Array.from({ length: SENDERS }, send));

    // A third acknowledged: the app stops answering, so forwards pile up in flight. B has at
    // most CONCURRENCY of them in flight, so once CONCURRENCY + 1 are held, A holds at least
    // one it sent and never settles: B must take it over after the lease.
    await killPoint;
    app.holdAll();
    await app.until(() => app.held.length > CONCURRENCY, 15_000, 'forwards held from A');
    const beforeKill = app.arrivals.length;
    killed = true;
    expect((await a.stop('SIGKILL')).signal).toBe('SIGKILL');
    app.release();
    await senders;
    expect(acked.size).toBeGreaterThan(N / 2);

    // Every acknowledged delivery is in the log, read through B.
    const logged = await loggedIds(b);
    expect([...acked].filter((id) => !logged.has(id))).toEqual([]);

    // Every acknowledged delivery reaches the app: the jobs A had claimed once their lease
    // (TIMEOUT_MS + LEASE_MARGIN_MS) ran out, the others at once.
    await app.until(
      () => [...acked].every((id) => app.arrivals.includes(id)),
      TIMEOUT_MS + LEASE_MARGIN_MS + 30_000,
      'every acknowledged delivery',
    );

    // ...and every forward ends recorded as delivered ('ok'): the ones A sent and never
    // recorded too, once B sent them again.
    await expect
      .poll(
        async () =>
          (
            await call<{ items: Summary[] }>(b, 'listEvents', {
              limit: 500,
              forwardStatus: ['pending', 'retrying', 'failed', 'dead'],
            })
          ).items.length,
        { timeout: TIMEOUT_MS + LEASE_MARGIN_MS + 30_000, interval: 250 },
      )
      .toBe(0);

    // At least once, never twice while the first sender was alive (RELIABILITY.md): a forward
    // may come twice only when A sent it and died before recording the answer (B sends it
    // again after the lease). So the second copy of an id always arrives after A was killed,
    // and no id comes more than twice.
    const seen = new Map<string, number[]>();
    app.arrivals.forEach((id, at) => seen.set(id, [...(seen.get(id) ?? []), at]));
    const twice = [...seen].filter(([, at]) => at.length > 1);
    expect(twice.filter(([, at]) => at.length > 2)).toEqual([]);
    expect(twice.filter(([, at]) => at[1]! < beforeKill)).toEqual([]);
    // The held forward(s) A had sent are among those sent again.
    expect(twice.length).toBeGreaterThan(0);

    // A starts again on the same database, receives, and its delivery is forwarded.
    const again = await start();
    const id = `${run}-again`;
    const res = await fetch(`${again.receiverUrl}/load/again`, {
      method: 'POST',
      body: JSON.stringify({ id }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
    });
    expect(res.status).toBe(200);
    expect((await loggedIds(b)).has(id)).toBe(true);
    await app.until(() => app.arrivals.includes(id), 15_000, 'the delivery to A restarted');
  });
});
