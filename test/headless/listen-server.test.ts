import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, startServe, type ServeProcess } from '../helpers/serve-process';
import { SseClient } from '../helpers/sse';

const TOKEN = 'listen-server-test-token';
const WAIT_MS = 20_000;

/** A local app on port 0 that answers 200 and remembers each request's body, in order. */
class App {
  readonly bodies: string[] = [];
  private waiters: (() => void)[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.bodies.push(Buffer.concat(chunks).toString());
        res.end('ok');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves once `n` requests arrived (fails the test after WAIT_MS). */
  async received(n: number): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (this.bodies.length < n) {
      if (Date.now() > deadline) throw new Error(`app got ${this.bodies.length} of ${n}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000).unref();
      });
    }
  }

  close(): void {
    this.server.close();
  }
}

/** One `hookscope listen --server ... --json` process and its JSON lines. */
class Listener {
  readonly lines: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ event: 'not-json', line });
      }
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  }

  /** The first line matching `pred` from index `from` on. */
  async line(
    pred: (l: Record<string, unknown>) => boolean,
    from = 0,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.lines.slice(from).find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no such line in:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`,
        );
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 1000).unref();
      });
    }
  }

  events(name: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.event === name);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

function listen(args: string[], env: NodeJS.ProcessEnv = {}): Listener {
  const base = { ...process.env };
  delete base.HOOKSCOPE_TOKEN;
  delete base.HOOKSCOPE_SERVER;
  delete base.HOOKSCOPE_DATA_DIR;
  return new Listener(
    spawn(process.execPath, [CLI, 'listen', '--json', ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

describe('hookscope listen --server', () => {
  let server: ServeProcess;
  let app: App;
  let dataDir: string;
  let sent = 0;
  /** The server's id of the newest delivery. */
  let lastId = '';

  /** Posts one delivery to /stripe (awaits its ack) and returns its body. */
  async function deliver(s: ServeProcess = server): Promise<string> {
    const body = JSON.stringify({ id: `evt_${++sent}`, type: 'charge.succeeded', n: sent });
    const res = await fetch(`${s.receiverUrl}/stripe/events`, { method: 'POST', body });
    expect(res.status).toBe(200);
    const list = (await (await s.api('listEvents', { limit: 1 })).json()) as {
      items: { id: string }[];
    };
    lastId = list.items[0]!.id;
    return body;
  }

  const start = (extra: string[] = []): Listener =>
    listen([
      '--server',
      server.apiUrl,
      '--token',
      TOKEN,
      '--path',
      '/stripe',
      '--forward-to',
      app.url,
      '--data-dir',
      dataDir,
      '--name',
      'alice',
      ...extra,
    ]);

  beforeAll(async () => {
    server = await startServe({ env: { HOOKSCOPE_TOKEN: TOKEN } });
    expect((await server.api('saveEndpoint', { name: 'Stripe', path: '/stripe' })).status).toBe(
      200,
    );
    app = new App();
    await app.start();
    dataDir = await mkdtemp(join(tmpdir(), 'hookscope-listener-'));
  });

  afterAll(async () => {
    await server?.dispose();
    app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('forwards live deliveries once each, in order, and reports each attempt to the server', async () => {
    const before = await deliver(); // before the first start: from now, not forwarded
    const l = start();
    try {
      await l.line((x) => x.event === 'listening');
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) bodies.push(await deliver());
      await app.received(5);
      expect(app.bodies).toEqual(bodies);
      expect(app.bodies).not.toContain(before);
      const last = await l.line((x) => x.event === 'forward' && x.eventId === lastId);
      expect(last).toMatchObject({ status: 200, attempt: 1 });
      // The attempt reported back: getEvent on the server shows who sent it where.
      const id = lastId;
      let forwards: { kind: string; by?: string; status: number; targetUrl: string }[] = [];
      const deadline = Date.now() + WAIT_MS;
      while (forwards.length === 0 && Date.now() < deadline) {
        const ev = (await (await server.api('getEvent', { id })).json()) as {
          forwards: typeof forwards;
        };
        forwards = ev.forwards;
      }
      expect(forwards).toEqual([
        expect.objectContaining({
          kind: 'listener',
          by: 'alice',
          status: 200,
          targetUrl: `${app.url}/events`,
        }),
      ]);
    } finally {
      await l.kill();
    }
  });

  it('after SIGKILL, catches up what arrived meanwhile: every delivery once, in order of arrival', async () => {
    app.bodies.length = 0;
    const l = start();
    await l.line((x) => x.event === 'listening');
    const expected: string[] = [];
    for (let i = 0; i < 3; i++) expected.push(await deliver());
    // Killed once its forwards are recorded (an attempt in flight at a kill is sent again: at
    // least once), while deliveries keep arriving.
    await l.line((x) => x.event === 'forward' && x.eventId === lastId);
    l.child.kill('SIGKILL');
    const more = (async () => {
      for (let i = 0; i < 4; i++) expected.push(await deliver());
    })();
    await l.exited;
    await more;
    const again = start();
    try {
      // More arrive while it catches up.
      for (let i = 0; i < 3; i++) expected.push(await deliver());
      const catching = await again.line((x) => x.event === 'catching-up');
      expect(catching.count).toBeGreaterThanOrEqual(1);
      await app.received(expected.length);
      await again.line((x) => x.event === 'forward' && x.eventId === lastId);
      expect(app.bodies).toEqual(expected);
    } finally {
      await again.kill();
    }
  });

  it('says when the server is gone and when it is back, and misses nothing', async () => {
    app.bodies.length = 0;
    const l = start();
    try {
      await l.line((x) => x.event === 'listening');
      const expected = [await deliver()];
      await app.received(1);
      const port = new URL(server.apiUrl).port;
      const dir = server.dataDir;
      await server.stop();
      await l.line((x) => x.event === 'connection-lost');
      expect(l.child.exitCode).toBeNull();
      const old = server;
      server = await startServe({
        dataDir: dir,
        env: { HOOKSCOPE_TOKEN: TOKEN },
        args: ['--api-port', port],
      });
      expect(server.apiUrl).toBe(old.apiUrl);
      for (let i = 0; i < 3; i++) expected.push(await deliver());
      await l.line((x) => x.event === 'connection-back');
      await app.received(expected.length);
      await l.line((x) => x.event === 'forward' && x.eventId === lastId);
      expect(app.bodies).toEqual(expected);
      expect(l.events('connection-lost')).toHaveLength(1);
    } finally {
      await l.kill();
    }
  });

  it('the server lists the listener while it runs, and drops it when it stops', async () => {
    const stream = await SseClient.connect(`${server.apiUrl}/api/stream`, {
      Authorization: `Bearer ${TOKEN}`,
    });
    const l = start();
    try {
      await l.line((x) => x.event === 'listening');
      await stream.until(
        (c) =>
          c.messages.some(
            (x) =>
              x.event === 'listeners.changed' &&
              (x.data as { items: unknown[] }).items.length === 1,
          ),
        WAIT_MS,
      );
      const list = (await (await server.api('listListeners')).json()) as {
        items: Record<string, unknown>[];
      };
      expect(list.items).toEqual([
        expect.objectContaining({ name: 'alice', path: '/stripe', forwardTo: app.url }),
      ]);
    } finally {
      await l.kill();
    }
    const after = (await (await server.api('listListeners')).json()) as { items: unknown[] };
    expect(after.items).toEqual([]);
    stream.close();
  });

  it('--from-now skips the backlog and says how many', async () => {
    app.bodies.length = 0;
    await deliver();
    await deliver();
    const l = start(['--from-now']);
    try {
      expect((await l.line((x) => x.event === 'skipped-backlog')).skipped).toBe(2);
      const body = await deliver();
      await app.received(1);
      expect(app.bodies).toEqual([body]);
    } finally {
      await l.kill();
    }
  });

  it('a refused token stops it with exit code 1 and says so', async () => {
    const l = listen([
      '--server',
      server.apiUrl,
      '--token',
      'wrong',
      '--forward-to',
      app.url,
      '--data-dir',
      dataDir,
    ]);
    expect((await l.exited).code).toBe(1);
    expect(l.events('error')[0]?.message).toMatch(/refused the token \(401\)/);
  });

  it('a bad --server or a missing token: exit 2 before anything starts', async () => {
    const bad = listen(['--server', 'localhost:7701', '--token', 't', '--forward-to', app.url]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.events('error')[0]?.message).toMatch(
      /--server: expected the server's http\(s\) URL/,
    );
    const none = listen(['--server', server.apiUrl, '--forward-to', app.url]);
    expect((await none.exited).code).toBe(2);
    expect(none.events('error')[0]?.message).toMatch(/--server needs --token/);
  });
});
