import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { ForwardStore } from '../../src/core/store/forward-store';
import type { Maintenance } from '../../src/core/store/maintenance';
import { rawRequest } from '../helpers/http';
import { startEngine, tempDir, type TestEngine } from '../helpers/engine';
import { appendTo, type TestEvent } from '../helpers/append';
import { delivery } from '../helpers/events';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engine(opts: Parameters<typeof startEngine>[0] = {}): Promise<TestEngine> {
  // A long interval: each test runs retention itself, when it wants to.
  const t = await startEngine({ maintenanceIntervalMs: 3_600_000, ...opts });
  cleanups.push(() => t.stop());
  return t;
}

/** Runs retention (and a checkpoint) now, as the background timer would. */
const retention = (t: TestEngine): Promise<void> =>
  (t.engine as unknown as { maintenance: Maintenance }).maintenance.runOnce();

const DAY = 86_400_000;

describe('retention and queued forwards', () => {
  it('keeps events whose forward is still queued past maxEvents, says how many, and removes them once forwarded', async () => {
    const got: string[] = [];
    const app = createServer((req, res) => {
      req.resume();
      got.push(req.url!);
      res.end();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      app.closeAllConnections();
      app.close();
    });
    const t = await engine();
    await t.client.saveSettings({
      retention: { maxEvents: 2, maxAgeDays: null },
      forwarding: { paused: true, concurrency: 2, timeoutMs: 2000, maxAttempts: 1 },
    });
    await t.client.saveEndpoint({
      id: 'default',
      name: 'Default',
      path: '/',
      forwardTo: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    });
    for (let i = 1; i <= 5; i++) await rawRequest(t.receiverUrl, { path: `/${i}`, body: `${i}` });

    await retention(t);
    expect((await t.client.listEvents({})).items.map((e) => e.path)).toEqual([
      '/5',
      '/4',
      '/3',
      '/2',
      '/1',
    ]);
    expect(await t.client.getStatus()).toMatchObject({ events: 5, heldForForwarding: 3 });

    await t.client.saveSettings({
      forwarding: { paused: false, concurrency: 2, timeoutMs: 2000, maxAttempts: 1 },
    });
    await expect.poll(() => got.length).toBe(5);
    await expect
      .poll(async () =>
        (await t.client.listEvents({})).items.every((e) => e.forward.status === 'ok'),
      )
      .toBe(true);
    await retention(t);
    expect((await t.client.listEvents({})).items.map((e) => e.path)).toEqual(['/5', '/4']);
    expect(await t.client.getStatus()).toMatchObject({ events: 2, heldForForwarding: 0 });
    expect(got.sort()).toEqual(['/1', '/2', '/3', '/4', '/5']);
  });

  it('keeps them past maxAgeDays too, and still removes the old ones with nothing queued', async () => {
    let now = Date.now() - 10 * DAY;
    const t = await engine({ clock: () => now });
    await t.client.saveSettings({
      retention: { maxEvents: null, maxAgeDays: 1 },
      forwarding: { paused: true, concurrency: 2, timeoutMs: 2000, maxAttempts: 1 },
    });
    await rawRequest(t.receiverUrl, { path: '/plain', body: 'a' });
    await t.client.saveEndpoint({
      id: 'default',
      name: 'Default',
      path: '/',
      forwardTo: 'http://127.0.0.1:9/',
    });
    await rawRequest(t.receiverUrl, { path: '/queued', body: 'b' });
    now = Date.now();
    await retention(t);
    expect((await t.client.listEvents({})).items.map((e) => e.path)).toEqual(['/queued']);
    expect((await t.client.getStatus()).heldForForwarding).toBe(1);
  });
  it('keeps an event whose forward is waiting to be retried', async () => {
    const app = createServer((req, res) => {
      req.resume();
      res.writeHead(503, { 'Retry-After': '3600' }).end();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      app.closeAllConnections();
      app.close();
    });
    const t = await engine();
    await t.client.saveSettings({ retention: { maxEvents: 1, maxAgeDays: null } });
    await t.client.saveEndpoint({
      id: 'default',
      name: 'Default',
      path: '/',
      forwardTo: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    });
    for (const p of ['/1', '/2']) await rawRequest(t.receiverUrl, { path: p, body: p });
    await expect
      .poll(async () => (await t.client.listEvents({})).items.map((e) => e.forward.status))
      .toEqual(['retrying', 'retrying']);
    await retention(t);
    expect((await t.client.listEvents({})).items.map((e) => e.path)).toEqual(['/2', '/1']);
    expect(await t.client.getStatus()).toMatchObject({ events: 2, heldForForwarding: 1 });
  });
});

describe('EventStore.deleteOldest', () => {
  it('walks past a run of held events at the head: the ones behind them still go, chunk by chunk', async () => {
    const { dir, cleanup } = tempDir();
    const db = openDb({ dataDir: dir });
    const forwards = new ForwardStore(db);
    const events = new EventStore(db, 20, forwards);
    cleanups.push(
      cleanup,
      () => db.close(),
      () => events.close(),
    );
    const at = Date.now();
    const event = (i: number, forwardTarget: string | null): TestEvent =>
      delivery({
        id: `evt-${i}`,
        receivedAt: at + i,
        path: `/${i}`,
        headers: [],
        body: Buffer.from(`${i}`),
        sourceIp: null,
        contentType: null,
        responseStatus: 200,
        forwardStatus: forwardTarget ? 'pending' : 'none',
        forwardTarget,
      });
    // 6 queued forwards first, then 10 plain events; keep the newest 2.
    for (let i = 1; i <= 6; i++) await appendTo(events, event(i, 'http://127.0.0.1:9/'));
    for (let i = 7; i <= 16; i++) await appendTo(events, event(i, null));
    // Keep 12: the 4 past it are all held.
    expect(await events.deleteOldest({ keep: 12, limit: 4 })).toEqual([]);
    expect(await events.heldForForwarding({ keep: 12 })).toBe(4);
    const keep = { keep: 2, limit: 4 };
    expect(await events.deleteOldest(keep)).toEqual(['evt-7', 'evt-8', 'evt-9', 'evt-10']);
    expect(await events.deleteOldest(keep)).toEqual(['evt-11', 'evt-12', 'evt-13', 'evt-14']);
    expect(await events.deleteOldest(keep)).toEqual([]);
    expect(await events.heldForForwarding(keep)).toBe(6);
    expect(await events.count()).toBe(8);
  });
});

describe('retention and imports', () => {
  it('ages imported events from when they entered this log: an old export stays, and the answer says why', async () => {
    const past = Date.now() - 200 * DAY;
    const from = await engine({ clock: () => past });
    for (const p of ['/a', '/b', '/c']) await rawRequest(from.receiverUrl, { path: p, body: p });
    const { content } = await from.client.exportEvents({ format: 'ndjson' });

    const to = await engine();
    await to.client.saveSettings({ retention: { maxEvents: 100, maxAgeDays: 90 } });
    expect(await to.client.importEvents({ format: 'ndjson', content })).toEqual({
      imported: 3,
      note: '3 of the 3 imported events were received more than 90 days ago; retention counts their age from now, when they entered this log, so they are kept.',
    });
    await retention(to);
    const kept = (await to.client.listEvents({})).items;
    expect(kept.map((e) => e.path)).toEqual(['/c', '/b', '/a']);
    // They keep the time they were first received.
    expect(kept.every((e) => Date.parse(e.receivedAt) === past)).toBe(true);
  });

  it('says how many imported events retention removes at once when more than maxEvents come in', async () => {
    const from = await engine();
    for (const p of ['/a', '/b', '/c']) await rawRequest(from.receiverUrl, { path: p, body: p });
    const { content } = await from.client.exportEvents({ format: 'har' });
    const to = await engine();
    await to.client.saveSettings({ retention: { maxEvents: 2, maxAgeDays: null } });
    expect(await to.client.importEvents({ format: 'har', content })).toEqual({
      imported: 3,
      pastRetention: 1,
      note: '1 of the 3 imported events are past retention (retention.maxEvents is 2) and will be removed within seconds; raise the limit in Settings to keep them.',
    });
    await retention(to);
    expect((await to.client.listEvents({})).items.map((e) => e.path)).toEqual(['/c', '/b']);
  });
});
