import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test, type HookscopeServer } from './helpers/serve';
import { apiPath, openUi } from './helpers/ui';

// The receiver lives in the server process, the UI in the renderer: a crashed or reloading
// page must never cost a delivery, and the page must catch up with what it missed, once each.

// Tall enough that every delivery of a test is a rendered row (the list is virtual).
test.use({ viewport: { width: 1280, height: 3200 } });

/** Deliveries sent by a test, with the receiver's answer to each. */
class Sender {
  readonly answers: { path: string; status: number }[] = [];
  private pending = new Set<Promise<void>>();
  private n = 0;

  constructor(private readonly server: HookscopeServer) {}

  /** Sends one delivery now; resolves with its answer. */
  send(prefix: string): Promise<void> {
    const path = `${prefix}/${this.n++}`;
    const p = (async () => {
      const res = await fetch(`${this.server.receiverUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path }),
      }).catch(() => null);
      this.answers.push({ path, status: res?.status ?? 0 });
      await res?.arrayBuffer();
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /** Sends `count` deliveries one after another, `gapMs` apart (pacing, not waiting). */
  async paced(prefix: string, count: number, gapMs = 25): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.send(prefix);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /**
   * Makes every list read of `page` race with a delivery, deterministically: the server reads
   * the list, then a delivery is committed and its push reaches the page's stream, and only
   * then does the page get the (now stale) list. The page must merge the two (a page that
   * dropped pushes arriving while it loads would lose that delivery until the next reload).
   */
  async raceListReads(page: Page, prefix: string): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const streams = new Set<string>();
    let streamBytes = 0;
    cdp.on('Network.requestWillBeSent', (e) => {
      if (apiPath(e.request.url) === '/api/stream') streams.add(e.requestId);
    });
    cdp.on('Network.dataReceived', (e) => {
      if (streams.has(e.requestId)) streamBytes += e.dataLength;
    });
    await page.route(
      (url) => url.pathname === '/api/listEvents',
      async (route) => {
        const response = await route.fetch();
        const before = streamBytes;
        await this.send(prefix);
        const deadline = Date.now() + 5_000;
        while (streamBytes === before && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        this.racedPushes += streamBytes > before ? 1 : 0;
        // Two frames: the page's push queue (flushed per animation frame) has handed it on.
        await page.evaluate(
          'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
        );
        await route.fulfill({ response });
      },
    );
  }

  /** List reads that were answered only after the racing delivery's push had arrived. */
  racedPushes = 0;

  /** Waits for every delivery sent so far. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  get paths(): string[] {
    return this.answers.map((a) => a.path);
  }
}

/** The newest `n` stored paths, from the log itself. */
async function newestPaths(server: HookscopeServer, n: number): Promise<string[]> {
  const res = await server.api('listEvents', { limit: n });
  return ((await res.json()) as { items: { path: string }[] }).items.map((e) => e.path);
}

/** The list shows every path in `paths` exactly once, newest first as in the log. */
async function expectListShows(page: Page, server: HookscopeServer, paths: string[]) {
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(paths.length, { timeout: 10_000 });
  await expect(page.getByTestId('event-count')).toHaveText(String(paths.length));
  const shown = await page.getByTestId('event-path').allTextContents();
  expect(new Set(shown).size, 'no delivery listed twice').toBe(shown.length);
  expect([...shown].sort()).toEqual([...paths].sort());
  expect(shown.slice(0, 5)).toEqual(await newestPaths(server, 5));
}

/**
 * An HTTP proxy between the browser and the control API whose connections can be cut at
 * will, like a network drop (Chromium's offline emulation leaves an open stream alone). It
 * rewrites Host and Origin so the API's loopback checks see their own port.
 */
class DropProxy {
  private up = true;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  url = '';

  constructor(private readonly api: URL) {
    this.server = createServer((req, res) => {
      const headers = { ...req.headers, host: this.api.host };
      if (headers.origin) headers.origin = this.api.origin;
      const upstream = request(
        {
          host: this.api.hostname,
          port: this.api.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    this.server.on('connection', (s) => {
      if (!this.up) return void s.destroy();
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Cuts every connection and refuses new ones until restore(). */
  drop(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.drop();
    return new Promise((r) => this.server.close(() => r()));
  }
}

test('a renderer crash and reloads never stop the receiver; the page catches up on load', async ({
  page,
  server,
  context,
}) => {
  const sender = new Sender(server);
  await openUi(page, server.uiUrl, server.receiverUrl);
  for (let i = 0; i < 8; i++) await sender.send('/live');
  await expectListShows(page, server, sender.paths);

  // The renderer process dies (Playwright then treats the page as closed).
  const crashed = new Promise<void>((r) => page.once('crash', () => r()));
  const cdp = await context.newCDPSession(page);
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  for (let i = 0; i < 8; i++) await sender.send('/dead');
  const whileDead = sender.answers.length - 8;

  // A new renderer loads the UI while deliveries keep coming, one of them committed in the
  // middle of each list read.
  const next = await context.newPage();
  await sender.raceListReads(next, '/raced');
  const during = sender.paced('/reopen', 10);
  await openUi(next, server.uiUrl, server.receiverUrl);
  await during;
  await sender.settled();
  await expectListShows(next, server, sender.paths);

  // A reload (the token now comes from the tab's session) under the same traffic.
  const relisted = next.waitForResponse((r) => apiPath(r.url()) === '/api/listEvents' && r.ok());
  const duringReload = sender.paced('/reload', 10);
  await next.reload();
  await relisted;
  await expect(next.getByTestId('receiver-url')).toHaveText(server.receiverUrl);
  await duringReload;
  await sender.settled();
  await expectListShows(next, server, sender.paths);

  // And it is live again.
  await sender.send('/after');
  await expectListShows(next, server, sender.paths);

  expect(sender.answers.filter((a) => a.status !== 200)).toEqual([]);
  expect(sender.racedPushes).toBeGreaterThanOrEqual(2); // the reopen and the reload
  console.log(
    `[ui-catch-up] renderer crash + reopen + reload: ${sender.answers.length} deliveries, ` +
      `${whileDead} while the renderer was dead, ` +
      `${sender.answers.filter((a) => /^\/(raced|reopen|reload)\//.test(a.path)).length} during the loads; ` +
      `all answered 200, all listed once`,
  );
});

test('the live stream reconnects after a drop and backfills what it missed, once each', async ({
  page,
  server,
}) => {
  const proxy = await new DropProxy(new URL(server.apiUrl)).listen();
  try {
    const sender = new Sender(server);
    await openUi(page, `${proxy.url}/#token=${server.token}`, server.receiverUrl);
    let relists = 0;
    page.on('request', (r) => {
      if (apiPath(r.url()) === '/api/listEvents') relists++;
    });
    for (let i = 0; i < 5; i++) await sender.send('/before');
    await expectListShows(page, server, sender.paths);

    // The connection drops; the page's first reconnect attempt (with Last-Event-ID) fails.
    const retrying = page.waitForRequest(
      (r) => apiPath(r.url()) === '/api/stream' && r.headers()['last-event-id'] !== undefined,
    );
    proxy.drop();
    const lastEventId = (await retrying).headers()['last-event-id'];
    // Sent while the page has no stream: it can only learn of these from the backfill.
    for (let i = 0; i < 5; i++) await sender.send('/missed');
    const reconnected = page.waitForResponse(
      (r) =>
        apiPath(r.url()) === '/api/stream' &&
        r.ok() &&
        r.request().headers()['last-event-id'] !== undefined,
    );
    proxy.restore();
    await reconnected;
    await expectListShows(page, server, sender.paths);
    await expect(page.getByTestId('event-path')).toHaveText([...sender.paths].reverse());
    // Caught up through the stream itself, not by reading the list again.
    expect(relists).toBe(0);

    // Live again, and a second drop right after a delivery is handled the same way.
    await sender.send('/live');
    await expectListShows(page, server, sender.paths);
    proxy.drop();
    await sender.send('/missed-again');
    proxy.restore();
    await expectListShows(page, server, sender.paths);
    await expect(page.getByTestId('event-path')).toHaveText([...sender.paths].reverse());
    expect(sender.answers.filter((a) => a.status !== 200)).toEqual([]);
    console.log(
      `[ui-catch-up] stream drop: reconnected with Last-Event-ID ${lastEventId}, ` +
        `${sender.answers.length} deliveries (6 while the stream was down), all listed once, ` +
        `no relist`,
    );
  } finally {
    await proxy.close();
  }
});
