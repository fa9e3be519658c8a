import type { Server } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiverLimits } from '../../src/shared/model';
import { DEFAULT_SETTINGS } from '../../src/core/store/settings-store';
import { rawRequest, type RawResponse } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

/**
 * The receiver's per-client gate, through real engines: every refusal counts against the
 * client's rate and connection cap, and a client's refusals are logged once a minute. Clients
 * from outside this machine come through the tunnel's listener (X-Forwarded-For is believed
 * there), as the tunnel's traffic does; the clock is frozen so no token comes back mid-test.
 */
let t: TestEngine | null = null;
let now = Date.now();
const fronts: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const f of fronts.splice(0)) f.close();
  await t?.stop();
  t = null;
});

async function engine(patch: Partial<ReceiverLimits>): Promise<{ t: TestEngine; ingress: string }> {
  now = Date.now();
  t = await startEngine({ clock: () => now });
  await t.client.saveSettings({ receiver: { ...DEFAULT_SETTINGS.receiver, ...patch } });
  return { t, ingress: (await t.engine.tunnelIngress()).url };
}

const from = (ip: string): [string, string] => ['X-Forwarded-For', ip];

/** The logged refusals, newest first (a refusal may be answered before its log commit). */
async function refusedEvents(e: TestEngine) {
  await e.engine.events.drained();
  return (await e.client.listEvents({ refusedOnly: true, limit: 500 })).items;
}

/** Resolves with the first HTTP status line a socket reads, or 'closed' if it closes first. */
function firstStatus(socket: Socket): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (m) resolve(Number(m[1]));
    });
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => undefined);
  });
}

function open(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.once('error', reject);
  });
}

describe('every refusal goes through the same per-client limits', () => {
  it('counts 431s against the client’s rate: 400 from one client are 20 × 431, then 429, and 2 are stored', async () => {
    const { t, ingress } = await engine({ maxHeaders: 10, rateLimit: { perSecond: 1, burst: 20 } });
    const headers = [
      from('203.0.113.50'),
      ...Array.from({ length: 12 }, (_, i): [string, string] => [`X-H${i}`, 'v']),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 400; i++) statuses.push((await rawRequest(ingress, { headers })).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(431));
    expect(statuses.slice(20)).toEqual(Array(380).fill(429));

    const stored = await refusedEvents(t);
    expect(stored.map((e) => e.response.status)).toEqual([429, 431]);
    expect(stored[1]!.rejected).toBe(
      '16 header fields, over the limit of 10 (at most one like it a minute from 203.0.113.50 is logged)',
    );
    // A minute later the next one is logged, with how many were not.
    now += 61_000;
    expect((await rawRequest(ingress, { headers })).status).toBe(431);
    const [next] = await refusedEvents(t);
    expect(next!.rejected).toBe(
      '16 header fields, over the limit of 10 (19 more like it from 203.0.113.50 since the previous one were not logged; one a minute is)',
    );
    // Another client has its own allowance.
    expect((await rawRequest(ingress, { headers: [from('203.0.113.51')] })).status).toBe(200);
  });

  it('counts 413s the same way', async () => {
    const { t, ingress } = await engine({
      maxBodyBytes: 1024,
      rateLimit: { perSecond: 1, burst: 5 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await rawRequest(ingress, {
        headers: [from('203.0.113.60')],
        body: 'x'.repeat(2048),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(5).fill(413), ...Array(25).fill(429)]);
    expect((await refusedEvents(t)).map((e) => e.response.status)).toEqual([429, 413]);
  });

  it('puts what the HTTP parser refuses (header bytes over the limit) through the same gate', async () => {
    // The header byte limit is the listener's: set before the tunnel's listener is opened.
    now = Date.now();
    t = await startEngine({ clock: () => now });
    await t.client.saveSettings({
      receiver: {
        ...DEFAULT_SETTINGS.receiver,
        maxHeaderBytes: 1024,
        rateLimit: { perSecond: 1, burst: 20 },
      },
    });
    const { url: ingress } = await t.engine.tunnelIngress();
    const big: [string, string][] = [from('203.0.113.70'), ['X-Big', 'b'.repeat(4096)]];
    const answers: RawResponse[] = [];
    for (let i = 0; i < 400; i++)
      answers.push(await rawRequest(ingress, { path: '/hook?a=1', headers: big }));
    const statuses = answers.map((a) => a.status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(431));
    expect(statuses.slice(20)).toEqual(Array(380).fill(429));
    expect(JSON.parse(answers[0]!.body.toString())).toEqual({
      error: 'hookscope: header bytes over the limit of 1024',
    });
    expect(answers[20]!.headers).toContainEqual(['Retry-After', '1']);

    const stored = await refusedEvents(t);
    expect(stored.map((e) => [e.response.status, e.method, e.path, e.viaTunnel])).toEqual([
      [429, 'POST', '/hook', true],
      [431, 'POST', '/hook', true],
    ]);
    // The parser refused it before X-Forwarded-For was read: the client is the tunnel's unknown one.
    expect(stored[1]!.rejected).toContain('from an unknown client via the tunnel');
    const detail = await t.client.getEvent({ id: stored[1]!.id });
    expect(detail.query).toBe('a=1');
    expect(detail.sourceIp).toBeNull();
  });

  it('answers and logs a body that is too slow (408) with the request it belongs to', async () => {
    const { t } = await engine({ headersTimeoutMs: 1000, requestTimeoutMs: 1000 });
    const s = await open(t.receiverUrl);
    const status = firstStatus(s);
    s.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Mine: 1\r\n\r\nabc');
    expect(await status).toBe(408);
    const [e] = await refusedEvents(t);
    expect(e).toMatchObject({ method: 'POST', path: '/slow', response: { status: 408 } });
    expect(e!.rejected).toBe('the request was not complete within 1 s');
    expect((await t.client.getEvent({ id: e!.id })).headers).toContainEqual(['X-Mine', '1']);
    s.destroy();
  });

  it('refuses CONNECT with 405 through the same gate, and stores a request with an unknown Expect', async () => {
    const { t, ingress } = await engine({ rateLimit: { perSecond: 1, burst: 2 } });
    const connectTo = (): Promise<number> =>
      open(ingress).then((s) => {
        const status = firstStatus(s);
        s.write(
          'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nX-Forwarded-For: 203.0.113.90\r\n\r\n',
        );
        return status.then((x) => (s.destroy(), Number(x)));
      });
    expect([await connectTo(), await connectTo(), await connectTo()]).toEqual([405, 405, 429]);
    const stored = await refusedEvents(t);
    expect(stored.map((e) => [e.method, e.response.status])).toEqual([
      ['CONNECT', 429],
      ['CONNECT', 405],
    ]);
    expect(stored[1]!.rejected).toMatch(/^CONNECT is not taken: this is a webhook receiver \(/);
    // Node would answer an unknown Expect with 417 by itself; it is a delivery like any other.
    const res = await rawRequest(ingress, {
      headers: [from('203.0.113.91'), ['Expect', 'something-else']],
      body: 'hi',
    });
    expect(res.status).toBe(200);
    const [e] = (await t.client.listEvents({ limit: 1 })).items;
    expect((await t.client.getEvent({ id: e!.id })).headers).toContainEqual([
      'Expect',
      'something-else',
    ]);
  });
});

describe('clients are keyed by IPv4 address or IPv6 /64', () => {
  it('limits addresses rotating within one /64 together, and other /64s apart', async () => {
    const { t, ingress } = await engine({ rateLimit: { perSecond: 0.1, burst: 3 } });
    const statuses: number[] = [];
    for (let i = 1; i <= 8; i++) {
      statuses.push(
        (await rawRequest(ingress, { headers: [from(`2001:db8:a:b::${i.toString(16)}`)] })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const limited = await rawRequest(ingress, { headers: [from('2001:db8:a:b:ffff:1:2:3')] });
    expect(JSON.parse(limited.body.toString()).error).toContain('from 2001:db8:a:b::/64');
    expect((await rawRequest(ingress, { headers: [from('2001:db8:a:c::1')] })).status).toBe(200);
    // The stored events keep each sender's own address.
    const [accepted] = (await t.client.listEvents({ limit: 20 })).items.filter((e) => !e.rejected);
    expect((await t.client.getEvent({ id: accepted!.id })).sourceIp).toBe('2001:db8:a:c::1');
  });

  it('limits /64s rotating within one /56 or /48 together, with a larger budget', async () => {
    const { t, ingress } = await engine({ rateLimit: { perSecond: 0.1, burst: 3 } });
    const statuses: number[] = [];
    // A new /64 every request, in one /48 (and mostly different /56s): each /64 alone is far
    // from its burst of 3, the /48's is 12.
    for (let n = 0; n < 40; n++) {
      const ip = `2001:db8:77:${(n * 0x101).toString(16)}::1`;
      statuses.push((await rawRequest(ingress, { headers: [from(ip)] })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.slice(12)).toEqual(Array(28).fill(429));
    const limited = await rawRequest(ingress, { headers: [from('2001:db8:77:ffff::9')] });
    expect(JSON.parse(limited.body.toString()).error).toContain(
      'rate limit: more than 0.4/s (burst 12) from 2001:db8:77::/48 (the addresses in one IPv6 /48 are counted together, and 2001:db8:77:ffff::/64 is in it)',
    );
    // Another /48 is another client.
    expect((await rawRequest(ingress, { headers: [from('2001:db8:78::1')] })).status).toBe(200);
    // One logged refusal for the whole /48, not one per /64.
    const refused = (await t.client.listEvents({ limit: 100, refusedOnly: true })).items;
    expect(refused.map((e) => e.rejected)).toEqual([
      expect.stringContaining(
        'from 2001:db8:77::/48 (the addresses in one IPv6 /48 are counted together, and 2001:db8:77:c0c::/64 is in it) (at most one like it a minute from 2001:db8:77::/48 is logged)',
      ),
    ]);
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    const { ingress } = await engine({ rateLimit: { perSecond: 0.1, burst: 3 } });
    const statuses: number[] = [];
    for (const ip of ['198.51.100.9', '::ffff:198.51.100.9', '::ffff:c633:6409', '198.51.100.9']) {
      statuses.push((await rawRequest(ingress, { headers: [from(ip)] })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('a per-client cap on open connections', () => {
  it('keeps one client’s slow uploads from holding every slot: a second client gets in', async () => {
    const { t, ingress } = await engine({ maxConnections: 8, maxConnectionsPerClient: 4 });
    // Client A starts 8 uploads and never finishes them.
    const slow = await Promise.all(Array.from({ length: 8 }, () => open(ingress)));
    const answers = slow.map(firstStatus);
    for (const s of slow) {
      s.write(
        'POST /upload HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.80\r\nContent-Length: 100000\r\n\r\nfirst bytes',
      );
    }
    // Past its 4, A is answered 503 + Retry-After at once and those connections are closed.
    await new Promise<void>((resolve) => {
      let refused = 0;
      for (const a of answers) void a.then((s) => s === 503 && ++refused === 4 && resolve());
    });
    // Client B gets in (polled: the server counts a closed connection a moment after the client).
    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await rawRequest(ingress, { headers: [from('198.51.100.20')], body: 'b' })).status;
    }
    expect(status).toBe(200);
    const logged = (await refusedEvents(t)).filter((e) => e.response.status === 503);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.rejected).toMatch(/^more than 4 open connections from 203\.0\.113\.80 \(/);
    for (const s of slow) s.destroy();
  });
});

describe('a direct client (on the LAN) is capped from connect', () => {
  it('answers its connections past the cap 503 at once, so idle ones cannot take every slot', async () => {
    const { t } = await engine({ maxConnections: 4, maxConnectionsPerClient: 2 });
    // Node's HTTP server serves any socket handed to its 'connection' event. A front on
    // 127.0.0.1 hands it real sockets whose peer reads as a LAN address: the traffic stays on
    // this machine, the receiver sees two LAN clients.
    const server = (t.engine as unknown as { receiver: { servers: Server[] } }).receiver
      .servers[0]!;
    const lan = async (ip: string): Promise<string> => {
      const front = createServer((socket) => {
        Object.defineProperty(socket, 'remoteAddress', { value: ip });
        server.emit('connection', socket);
      });
      fronts.push(front);
      await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(front.address() as { port: number }).port}`;
    };
    const a = await lan('192.0.2.10');
    const b = await lan('192.0.2.11');
    // A opens 4 connections and sends nothing.
    const idle = await Promise.all(Array.from({ length: 4 }, () => open(a)));
    const answers = idle.map(firstStatus);
    await new Promise<void>((resolve) => {
      let refused = 0;
      for (const x of answers) void x.then((s) => s === 503 && ++refused === 2 && resolve());
    });
    // B is served (polled: the server counts a closed connection a moment after the client).
    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await rawRequest(b, { body: 'b' })).status;
    }
    expect(status).toBe(200);
    const [logged] = await refusedEvents(t);
    expect(logged).toMatchObject({ method: '?', path: '/', response: { status: 503 } });
    expect(logged!.rejected).toMatch(/^more than 2 open connections from 192\.0\.2\.10 \(/);
    for (const s of idle) s.destroy();
  });
});
