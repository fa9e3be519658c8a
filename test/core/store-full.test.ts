import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/store/db';
import type { ForwardStore } from '../../src/core/store/forward-store';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

/** The engine's own connection: where a real SQLITE_FULL can be provoked. */
const db = (): Db => (t.engine as unknown as { db: Db }).db;

describe('a full log', () => {
  it('answers 503 (so the sender retries) while SQLite reports the disk full, and loses nothing acked', async () => {
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = `{"before":${i}}`;
      expect((await rawRequest(t.receiverUrl, { body })).status).toBe(200);
      acked.push(body);
    }
    // Cap the file at its current size: the next write fails with SQLITE_FULL, as on a full disk.
    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(64 * 1024);
    const refused = await rawRequest(t.receiverUrl, { body: big });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body.toString())).toEqual({
      error: 'hookscope could not store this delivery',
    });
    // The process and the API are still up; what was acked is all there.
    const { items } = await t.client.listEvents({ limit: 50 });
    expect(items).toHaveLength(5);
    const bodies = await Promise.all(
      items.map(async (e) => (await t.client.getEvent({ id: e.id })).body.text),
    );
    expect(bodies.sort()).toEqual(acked.sort());

    db().pragma('max_page_count = 1073741823');
    expect((await rawRequest(t.receiverUrl, { body: big })).status).toBe(200);
    expect((await t.client.getStatus()).events).toBe(6);
  });
});

describe('a full log while forwarding', () => {
  it('keeps the outcome of a forward it cannot write, retries the write, and settles the job once space returns (no restart, no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const own = await startEngine({ retry: { baseDelayMs: 10, maxDelayMs: 50, jitter: 0 } });
    // The app holds its answer until released, then answers 200 with 64 KB: recording that
    // attempt needs new pages, which a full log cannot give.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let received = 0;
    const app = createServer((req, res) => {
      req.resume();
      received++;
      void held.then(() => res.end('x'.repeat(64 * 1024)));
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      await own.client.saveEndpoint({ name: 'App', path: '/app', forwardTo: `${appUrl}/hooks` });
      const ownDb = (own.engine as unknown as { db: Db }).db;
      const forwards = (own.engine as unknown as { forwards: ForwardStore }).forwards;
      let failedWrites = 0;
      const write = forwards.transaction.bind(forwards);
      forwards.transaction = <T>(fn: () => T): T => {
        try {
          return write(fn);
        } catch (err) {
          failedWrites++;
          throw err;
        }
      };
      expect((await rawRequest(own.receiverUrl, { path: '/app/x', body: '{}' })).status).toBe(200);
      await expect.poll(() => received).toBe(1);

      const pages = ownDb.pragma('page_count', { simple: true }) as number;
      ownDb.pragma(`max_page_count = ${pages}`);
      release();
      // The write fails with SQLITE_FULL, again and again: the job is not given up on.
      await expect.poll(() => failedWrites, { timeout: 10_000 }).toBeGreaterThan(2);
      const [event] = (await own.client.listEvents({})).items;
      expect(event!.forward.status).toBe('pending');

      ownDb.pragma('max_page_count = 1073741823');
      await expect
        .poll(async () => (await own.client.listEvents({})).items[0]!.forward.status, {
          timeout: 15_000,
        })
        .toBe('ok');
      const detail = await own.client.getEvent({ id: event!.id });
      expect(detail.forwards.map((a) => [a.status, a.response?.base64.length])).toEqual([
        [200, Buffer.from('x'.repeat(64 * 1024)).toString('base64').length],
      ]);
      expect(received).toBe(1); // the outcome was kept: nothing sent twice
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      app.closeAllConnections();
      app.close();
      await own.stop();
    }
  });
});
