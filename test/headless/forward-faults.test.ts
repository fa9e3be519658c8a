import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, startServe, type ServeProcess } from '../helpers/serve-process';

// Kills while forwards are in flight. The promise under test (docs/ARCHITECTURE.md §3): a delivery that
// got a 2xx is never lost, and neither is its forward job; forwarding is at-least-once, so a
// kill may send an attempt again, but only one that was in flight when the process died.

const CONCURRENCY = 4;
/** Long enough that nothing in flight times out during a test: attempts end by kill or answer. */
const FORWARDING = { paused: false, concurrency: CONCURRENCY, timeoutMs: 60_000, maxAttempts: 5 };

/** Polls `cond` every 20 ms until it holds; throws after `ms`. */
async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The developer's app as a real HTTP server. In `hold` mode it reads each request and keeps
 * it open without answering (an attempt in flight); in `answer` mode it answers 200 at once.
 */
class Target {
  mode: 'hold' | 'answer' = 'hold';
  /** Every request path, in arrival order (one entry per attempt that reached the app). */
  readonly received: string[] = [];
  /** Requests held open, by path, until answered or their connection closes. */
  readonly held = new Map<string, ServerResponse>();
  /** Held requests whose connection the sender dropped. */
  readonly dropped: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url!;
      this.received.push(path);
      req.resume();
      if (this.mode === 'answer') {
        res.end('ok');
        return;
      }
      this.held.set(path, res);
      res.on('close', () => {
        if (this.held.delete(path) && !res.writableEnded) this.dropped.push(path);
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers 200 to the held request for `path`. */
  answer(path: string): void {
    const res = this.held.get(path)!;
    this.held.delete(path);
    res.end('ok');
  }

  /** How many times each path arrived. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const p of this.received) m.set(p, (m.get(p) ?? 0) + 1);
    return m;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function post(agent: Agent, base: string, path: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path, method: 'POST' },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(JSON.stringify({ path, pad: 'x'.repeat(512) }));
  });
}

/** Sends deliveries from `workers` parallel senders until `stop()` is true; returns the acked paths. */
async function sendUntil(
  base: string,
  prefix: string,
  workers: number,
  stop: (acked: string[]) => boolean,
  onAck: (acked: string[]) => void = () => undefined,
  max = 2000,
): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const acked: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop(acked) && next < max) {
      const path = `${prefix}/${next++}`;
      const status = await post(agent, base, path);
      if (status === 200) {
        acked.push(path);
        onAck(acked);
      } else if (status === 0) {
        return; // the receiver is gone
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  agent.destroy();
  return acked;
}

interface JobRow {
  path: string;
  state: string;
  attempts: number;
}

/** Every stored event's path with its forward job (read straight from the SQLite file). */
function readLog(dataDir: string): { events: Set<string>; jobs: JobRow[] } {
  const db = new Database(join(dataDir, 'hookscope.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const events = new Set(
      (db.prepare('SELECT path FROM events').all() as { path: string }[]).map((r) => r.path),
    );
    const jobs = db
      .prepare(
        `SELECT e.path AS path, j.state AS state, j.attempts AS attempts
         FROM forward_jobs j JOIN events e ON e.id = j.event_id`,
      )
      .all() as JobRow[];
    return { events, jobs };
  } finally {
    db.close();
  }
}

async function configure(s: ServeProcess, target: string, forwarding = FORWARDING): Promise<void> {
  const ep = await s.api('saveEndpoint', {
    id: 'default',
    name: 'App',
    path: '/',
    forwardTo: target,
  });
  expect(ep.status).toBe(200);
  expect((await s.api('saveSettings', { forwarding })).status).toBe(200);
}

/** Every stored event's path and forward status, through the control API. */
async function forwardStatuses(s: ServeProcess): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let beforeSeq: number | undefined;
  for (;;) {
    const res = await s.api('listEvents', { limit: 500, ...(beforeSeq ? { beforeSeq } : {}) });
    const page = (await res.json()) as {
      items: { path: string; seq: number; forward: { status: string } }[];
      hasMore: boolean;
    };
    for (const e of page.items) out.set(e.path, e.forward.status);
    if (!page.hasMore) return out;
    beforeSeq = page.items.at(-1)!.seq;
  }
}

/** Waits until every path in `paths` reached the target and its forward shows as ok. */
async function allDelivered(
  s: ServeProcess,
  target: Target,
  paths: Iterable<string>,
): Promise<void> {
  const want = [...paths];
  await until('every event to reach the target', () => {
    const got = target.counts();
    return want.every((p) => got.has(p));
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const statuses = await forwardStatuses(s);
    const notOk = want.filter((p) => statuses.get(p) !== 'ok');
    if (notOk.length === 0) return;
    if (Date.now() > deadline) throw new Error(`forwards not ok: ${notOk.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('forwarding under kills', () => {
  it('SIGKILL with attempts in flight: no acked event or forward job lost, only in-flight ones sent twice', async () => {
    const target = await new Target().listen();
    const s = await startServe();
    let again: ServeProcess | null = null;
    try {
      await configure(s, target.url);
      // Deliveries keep arriving while the app holds CONCURRENCY forwards open; the process is
      // killed in the middle of both.
      let killed = false;
      let heldAtKill: string[] = [];
      const acked = await sendUntil(
        s.receiverUrl,
        '/kill',
        16,
        () => killed,
        (a) => {
          if (!killed && a.length >= 150 && target.held.size === CONCURRENCY) {
            killed = true;
            heldAtKill = [...target.held.keys()];
            s.child.kill('SIGKILL');
          }
        },
      );
      expect(killed).toBe(true);
      expect((await s.stop()).signal).toBe('SIGKILL');
      // The app sees the in-flight requests break off: no answer was ever recorded for them.
      await until('the held requests to be dropped', () => target.dropped.length === CONCURRENCY);
      expect([...target.dropped].sort()).toEqual([...heldAtKill].sort());

      // Straight from the file: every acked event is there with its job; the in-flight ones
      // are still marked running, the rest pending; nothing finished.
      const log = readLog(s.dataDir);
      expect(acked.filter((p) => !log.events.has(p))).toEqual([]);
      const jobByPath = new Map(log.jobs.map((j) => [j.path, j]));
      expect(acked.filter((p) => !jobByPath.has(p))).toEqual([]);
      expect(log.jobs.length).toBe(log.events.size);
      const running = log.jobs.filter((j) => j.state === 'running').map((j) => j.path);
      expect(running.sort()).toEqual([...heldAtKill].sort());
      expect(
        log.jobs.filter((j) => j.state !== 'running').every((j) => j.state === 'pending'),
      ).toBe(true);

      target.mode = 'answer';
      const sentBefore = target.received.length;
      again = await startServe({ dataDir: s.dataDir });
      await allDelivered(again, target, log.events);

      // At-least-once, bounded: each stored event reached the app; the only ones that reached
      // it twice are the attempts in flight at the kill (at most `concurrency` per crash).
      const counts = target.counts();
      const twice = [...counts].filter(([, n]) => n > 1).map(([p]) => p);
      expect([...counts].every(([, n]) => n <= 2)).toBe(true);
      expect(twice.sort()).toEqual([...heldAtKill].sort());
      expect([...log.events].filter((p) => !counts.has(p))).toEqual([]);
      console.log(
        `[forward-faults] SIGKILL in flight: ${acked.length} acked, ${log.events.size} stored, ` +
          `${heldAtKill.length} attempts in flight at the kill, ${sentBefore} requests before ` +
          `/ ${target.received.length - sentBefore} after restart, lost 0, duplicates ${twice.length} ` +
          `(bound: concurrency ${CONCURRENCY} per crash)`,
      );
      await again.stop();
      const after = readLog(s.dataDir);
      expect(after.jobs.every((j) => j.state === 'done' && j.attempts === 1)).toBe(true);
    } finally {
      await again?.stop();
      await s.dispose();
      await target.close();
    }
  });

  it('SIGTERM mid-forward: exits 0 promptly, answered attempts finish, the rest stay queued', async () => {
    const target = await new Target().listen();
    // `listen` is the CLI a developer runs next to their app (stripe listen style).
    const s = await startServe({ command: 'listen', args: ['--forward-to', target.url] });
    let again: ServeProcess | null = null;
    try {
      expect((await s.api('saveSettings', { forwarding: FORWARDING })).status).toBe(200);
      const N = 20;
      const acked = await sendUntil(s.receiverUrl, '/term', 1, (a) => a.length >= N);
      expect(acked.length).toBe(N);
      await until('attempts in flight', () => target.held.size === CONCURRENCY);

      // SIGTERM, then the app answers half of what it holds while the process shuts down.
      const started = performance.now();
      const stopped = s.stop('SIGTERM');
      const inFlight = [...target.held.keys()];
      const answered = inFlight.slice(0, CONCURRENCY / 2);
      for (const p of answered) target.answer(p);
      const exit = await stopped;
      const stopMs = performance.now() - started;
      expect(exit.code).toBe(0);
      expect(exit.signal).toBe(null);
      expect(s.lines.some((l) => l.event === 'stopped')).toBe(true);
      // The forwarder's grace for attempts in flight is 2 s; the bound leaves room for a slow CI.
      expect(stopMs).toBeLessThan(8_000);
      await until('the unanswered requests to be dropped', () => target.held.size === 0);
      const unanswered = [...target.dropped];
      expect(unanswered.length).toBeGreaterThan(0);

      const log = readLog(s.dataDir);
      expect(acked.filter((p) => !log.jobs.some((j) => j.path === p))).toEqual([]);
      const byState = (st: string): string[] =>
        log.jobs
          .filter((j) => j.state === st)
          .map((j) => j.path)
          .sort();
      // What the app answered during the shutdown was recorded; what it still held is queued.
      for (const p of answered) expect(byState('done')).toContain(p);
      expect(byState('running')).toEqual([...unanswered].sort());
      expect(byState('dead')).toEqual([]);

      target.mode = 'answer';
      again = await startServe({ dataDir: s.dataDir });
      await allDelivered(again, target, acked);
      const counts = target.counts();
      const twice = [...counts].filter(([, n]) => n > 1).map(([p]) => p);
      expect(twice.sort()).toEqual([...unanswered].sort());
      expect(acked.filter((p) => counts.get(p) === undefined)).toEqual([]);
      console.log(
        `[forward-faults] SIGTERM in flight: exit 0 after ${Math.round(stopMs)} ms, ` +
          `${answered.length} answered during shutdown and recorded, ${unanswered.length} left ` +
          `queued and sent again after restart, lost 0`,
      );
    } finally {
      await again?.stop();
      await s.dispose();
      await target.close();
    }
  });

  it('power-cut style: SIGKILL of the whole process group right after acks loses nothing in the WAL', async () => {
    const target = await new Target().listen();
    expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
    const dataDir = await mkdtemp(join(tmpdir(), 'hookscope-powercut-'));
    // Its own process group (detached), so the group can be killed at once like a power cut,
    // without touching the test runner's group.
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--data-dir',
        dataDir,
        '--receiver-port',
        '0',
        '--api-port',
        '0',
        '--no-open',
        '--json',
      ],
      { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) =>
      child.once('exit', (_c, sig) => r(sig)),
    );
    try {
      child.stderr.resume();
      const lines = createInterface({ input: child.stdout });
      const ready = await new Promise<{ receiverUrl: string; apiUrl: string; token: string }>(
        (resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no ready line')), 10_000);
          lines.on('line', (l) => {
            const j = JSON.parse(l) as { event?: string };
            if (j.event === 'ready') {
              clearTimeout(timer);
              resolve(j as never);
            }
          });
        },
      );
      const api = (name: string, input: unknown): Promise<Response> =>
        fetch(`${ready.apiUrl}/api/${name}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${ready.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
      expect(
        (
          await api('saveEndpoint', {
            id: 'default',
            name: 'App',
            path: '/',
            forwardTo: target.url,
          })
        ).status,
      ).toBe(200);
      expect((await api('saveSettings', { forwarding: FORWARDING })).status).toBe(200);

      let killed = false;
      const acked = await sendUntil(
        ready.receiverUrl,
        '/cut',
        16,
        () => killed,
        (a) => {
          // In the very callback of the 300th ack: no time for the process to tidy anything.
          if (!killed && a.length >= 300) {
            killed = true;
            process.kill(-child.pid!, 'SIGKILL');
          }
        },
      );
      expect(await exited).toBe('SIGKILL');
      // Nothing was checkpointed on the way out: the commits are in the WAL.
      const wal = statSync(join(dataDir, 'hookscope.db-wal')).size;
      expect(wal).toBeGreaterThan(0);

      const log = readLog(dataDir);
      const lost = acked.filter((p) => !log.events.has(p));
      const lostJobs = acked.filter((p) => !log.jobs.some((j) => j.path === p));
      expect(lost).toEqual([]);
      expect(lostJobs).toEqual([]);
      console.log(
        `[forward-faults] power-cut (SIGKILL of the process group): ${acked.length} acked, ` +
          `${log.events.size} in the log, ${log.jobs.length} forward jobs, WAL ${wal} bytes, lost 0`,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await target.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
