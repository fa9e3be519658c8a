import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReceiverLimits } from '../../src/shared/model';
import { DEFAULT_SETTINGS } from '../../src/core/store/settings-store';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());
beforeEach(async () => {
  await t.client.saveSettings({ receiver: DEFAULT_SETTINGS.receiver });
});

async function limits(patch: Partial<ReceiverLimits>): Promise<void> {
  await t.client.saveSettings({ receiver: { ...DEFAULT_SETTINGS.receiver, ...patch } });
}

/** A raw connection that records everything it reads and how it ended. */
function open(url: string): Promise<{
  socket: Socket;
  text: () => string;
  ended: Promise<'end' | 'reset'>;
}> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    let out = '';
    socket.on('data', (c: Buffer) => (out += c.toString('latin1')));
    const ended = new Promise<'end' | 'reset'>((res) => {
      socket.on('error', () => res('reset'));
      socket.on('close', (hadError) => res(hadError ? 'reset' : 'end'));
    });
    socket.once('connect', () => resolve({ socket, text: () => out, ended }));
    socket.once('error', reject);
  });
}

/** Resolves once `read()` contains `needle` (data arrives on the socket). */
function until(socket: Socket, read: () => string, needle: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (read().includes(needle)) {
        socket.off('data', check);
        resolve();
      }
    };
    socket.on('data', check);
    socket.once('close', () =>
      read().includes(needle)
        ? resolve()
        : reject(new Error(`closed without "${needle}": ${read()}`)),
    );
    check();
  });
}

async function newest() {
  const { items } = await t.client.listEvents({ limit: 1 });
  return items[0]!;
}

describe('receiver limits', () => {
  it('answers 413 as soon as a declared body is over the limit, logs the refusal and closes cleanly', async () => {
    await limits({ maxBodyBytes: 64 * 1024 });
    const c = await open(t.receiverUrl);
    const host = new URL(t.receiverUrl).host;
    c.socket.write(
      `POST /big?x=1 HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n`,
    );
    // The answer comes before the client has sent a byte of the body.
    await until(c.socket, c.text, 'larger than the limit');
    expect(c.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(c.text()).toMatch(/Connection: close/i);
    const json = JSON.parse(c.text().slice(c.text().indexOf('\r\n\r\n') + 4)) as { error: string };
    expect(json.error).toBe(
      'hookscope: body of 1048576 bytes, larger than the limit of 65536 bytes; not stored',
    );
    // The client finishes its upload, then the server closes without a reset.
    for (let i = 0; i < 16; i++) c.socket.write(Buffer.alloc(65536, 0x61));
    expect(await c.ended).toBe('end');

    const e = await newest();
    expect(e).toMatchObject({ path: '/big', size: 0, response: { status: 413 } });
    expect(e.rejected).toContain('larger than the limit of 65536 bytes');
    const detail = await t.client.getEvent({ id: e.id });
    expect(detail.query).toBe('x=1');
    expect(detail.headers).toContainEqual(['Content-Type', 'application/json']);
    expect(detail.signature.reason).toMatch(/^not checked: body of 1048576 bytes/);
    expect(detail.body.size).toBe(0);
  });

  it('refuses a chunked body once it passes the limit; the receiver goes on storing', async () => {
    await limits({ maxBodyBytes: 4096 });
    const big = await rawRequest(t.receiverUrl, {
      headers: [['Transfer-Encoding', 'chunked']],
      body: `2000\r\n${'b'.repeat(0x2000)}\r\n0\r\n\r\n`,
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body.toString())).toEqual({
      error: 'hookscope: body larger than the limit of 4096 bytes; not stored',
    });
    expect((await newest()).response.status).toBe(413);
    const ok = await rawRequest(t.receiverUrl, { body: 'x'.repeat(4096) });
    expect(ok.status).toBe(200);
    const e = await newest();
    expect(e.size).toBe(4096);
    expect(e.rejected).toBeUndefined();
  });

  it('answers 431 past the header count limit and keeps the first 100 headers of the refusal', async () => {
    await limits({ maxHeaders: 50 });
    const headers = Array.from({ length: 300 }, (_, i): [string, string] => [`X-H${i}`, 'v']);
    const res = await rawRequest(t.receiverUrl, { headers, body: 'x' });
    expect(res.status).toBe(431);
    expect(res.body.toString()).toContain('header fields, over the limit of 50');
    const e = await newest();
    expect(e.rejected).toMatch(/^30\d header fields, over the limit of 50$/);
    expect((await t.client.getEvent({ id: e.id })).headers).toHaveLength(100);
    expect((await rawRequest(t.receiverUrl, { headers: headers.slice(0, 40) })).status).toBe(200);
    // The refused filter lists refusals only (413s of the earlier tests and this 431).
    const refused = (await t.client.listEvents({ refusedOnly: true, limit: 500 })).items;
    expect(refused[0]!.id).toBe(e.id);
    expect(refused.map((r) => r.response.status)).toEqual([431, 413, 413]);
    expect(refused.every((r) => r.rejected !== undefined)).toBe(true);
  });

  it('rate-limits tunnel clients per IP with 429 + Retry-After, logs once, never limits loopback', async () => {
    await limits({ rateLimit: { perSecond: 0.5, burst: 3 } });
    const { url: ingress } = await t.engine.tunnelIngress();
    const from = (ip: string) => rawRequest(ingress, { headers: [['X-Forwarded-For', ip]] });
    const before = (await t.client.getStatus()).events;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await from('203.0.113.7')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const limited = await from('203.0.113.7');
    expect(limited.headers.find(([n]) => n === 'Retry-After')?.[1]).toMatch(/^[12]$/);
    expect(JSON.parse(limited.body.toString()).error).toContain('rate limit');
    // Another client is not affected; loopback senders are never limited.
    expect((await from('198.51.100.1')).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await rawRequest(t.receiverUrl, {})).status).toBe(200);
    // 3 + 1 + 10 deliveries, and one logged refusal for six 429s.
    expect((await t.client.getStatus()).events - before).toBe(3 + 1 + 10 + 1);
    const refusals = await t.client.listEvents({ limit: 50 });
    const logged = refusals.items.filter((e) => e.response.status === 429);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.rejected).toContain('from 203.0.113.7');
  });

  it('answers 503 + Retry-After past the connection cap and serves again once one closes', async () => {
    await limits({ maxConnections: 2 });
    const a = await open(t.receiverUrl);
    const b = await open(t.receiverUrl);
    const over = await rawRequest(t.receiverUrl, { body: 'x' });
    expect(over.status).toBe(503);
    expect(over.headers).toContainEqual(['Retry-After', '1']);
    expect(over.body.toString()).toContain('more than 2 open connections');
    a.socket.destroy();
    await a.ended;
    // The server sees the close a moment after the client: poll with a deadline.
    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await rawRequest(t.receiverUrl, { body: 'x' })).status;
    }
    expect(status).toBe(200);
    b.socket.destroy();
  });

  it('answers 408 to a client that sends its headers too slowly and closes the connection', async () => {
    await limits({ headersTimeoutMs: 1000, requestTimeoutMs: 1000 });
    const c = await open(t.receiverUrl);
    const started = Date.now();
    c.socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(await c.ended).toBe('end');
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    // Bounded: the 1 s timeout plus node's 1 s check interval, with room for a slow machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await rawRequest(t.receiverUrl, {})).status).toBe(200);
  });

  it('refuses deliveries with 507 while free disk space is under the guard, and says why', async () => {
    const health = new Promise<unknown>((resolve) => {
      const off = t.client.on('receiver.health', (h) => {
        off();
        resolve(h);
      });
    });
    // Real free space measured with statfs: no disk has this much.
    await limits({ minFreeDiskBytes: Number.MAX_SAFE_INTEGER });
    expect(await health).toMatchObject({ diskLow: true });
    const before = (await t.client.getStatus()).events;
    const res = await rawRequest(t.receiverUrl, { body: '{"id":1}' });
    expect(res.status).toBe(507);
    expect(res.headers).toContainEqual(['Retry-After', '60']);
    expect(JSON.parse(res.body.toString()).error).toMatch(/MB free under .* guard/);
    const status = await t.client.getStatus();
    expect(status.health.diskLow).toBe(true);
    expect(status.health.message).toContain('refused with 507');
    expect(status.health.freeBytes).toBeGreaterThan(0);
    expect(status.events).toBe(before);

    const back = new Promise<unknown>((resolve) => {
      const off = t.client.on('receiver.health', (h) => {
        off();
        resolve(h);
      });
    });
    await limits({ minFreeDiskBytes: 0 });
    expect(await back).toEqual(expect.objectContaining({ diskLow: false, message: null }));
    expect((await rawRequest(t.receiverUrl, { body: '{"id":1}' })).status).toBe(200);
  });

  it('rejects limit settings out of range with a clear error', async () => {
    await expect(
      t.client.saveSettings({ receiver: { ...DEFAULT_SETTINGS.receiver, maxBodyBytes: 10 } }),
    ).rejects.toMatchObject({ code: 'bad_input' });
    expect((await t.client.getSettings()).receiver).toEqual(DEFAULT_SETTINGS.receiver);
  });
});
