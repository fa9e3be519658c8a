import { describe, expect, it } from 'vitest';
import { NgrokTunnel, type NgrokSdk } from '../../../src/core/tunnel/ngrok-tunnel';
import { TunnelStartError, type TunnelEvent } from '../../../src/core/tunnel/types';

/** A stand-in for the @ngrok/ngrok module that records every builder call. */
function fakeSdk(opts: { connect?: () => Promise<void>; url?: string } = {}) {
  const calls: unknown[][] = [];
  const handlers: {
    disconnect?: (addr: string, error: string) => boolean;
    heartbeat?: (ms: number) => void;
  } = {};
  let endJoin: () => void = () => undefined;
  const closed: string[] = [];
  const listener = {
    url: () => opts.url ?? 'https://fake.ngrok-free.app',
    join: () => new Promise<void>((resolve) => (endJoin = resolve)),
    close: async () => void closed.push('listener'),
  };
  const http = {
    domain: (d: string) => (calls.push(['domain', d]), http),
    basicAuth: (u: string, p: string) => (calls.push(['basicAuth', u, p]), http),
    allowCidr: (c: string) => (calls.push(['allowCidr', c]), http),
    denyCidr: (c: string) => (calls.push(['denyCidr', c]), http),
    webhookVerification: (p: string, s: string) => (calls.push(['webhook', p, s]), http),
    oauth: (p: string, e?: string[] | null, d?: string[] | null) => (
      calls.push(['oauth', p, e, d]),
      http
    ),
    listenAndForward: async (to: string) => (calls.push(['listenAndForward', to]), listener),
  };
  const session = { httpEndpoint: () => http, close: async () => void closed.push('session') };
  class SessionBuilder {
    authtoken(t: string) {
      calls.push(['authtoken', t]);
      return this;
    }
    clientInfo(type: string, version: string) {
      calls.push(['clientInfo', type, typeof version]);
      return this;
    }
    serverAddr(a: string) {
      calls.push(['serverAddr', a]);
      return this;
    }
    handleDisconnection(h: (addr: string, error: string) => boolean) {
      handlers.disconnect = h;
      return this;
    }
    handleHeartbeat(h: (ms: number) => void) {
      handlers.heartbeat = h;
      return this;
    }
    async connect() {
      await opts.connect?.();
      return session;
    }
  }
  const sdk: NgrokSdk = { SessionBuilder };
  return { sdk, calls, handlers, closed, endJoin: () => endJoin() };
}

describe('NgrokTunnel with a stand-in SDK', () => {
  it('maps every option onto the SDK and forwards to the target URL only', async () => {
    const f = fakeSdk();
    const t = new NgrokTunnel({ load: async () => f.sdk });
    const { publicUrl } = await t.start({
      authtoken: 'tok',
      targetUrl: 'http://127.0.0.1:4567',
      options: {
        domain: 'my.ngrok.app',
        region: 'eu',
        basicAuth: 'user:pass:with:colons',
        allowCidrs: ['203.0.113.0/24'],
        denyCidrs: ['203.0.113.7/32'],
        webhookVerification: { provider: 'github', secret: 'whs' },
        oauth: { provider: 'google', allowEmails: ['a@b.co'] },
      },
    });
    expect(publicUrl).toBe('https://fake.ngrok-free.app');
    expect(f.calls).toEqual([
      ['authtoken', 'tok'],
      ['clientInfo', 'hookscope', 'string'],
      ['serverAddr', 'connect.eu.ngrok-agent.com:443'],
      ['domain', 'my.ngrok.app'],
      ['basicAuth', 'user', 'pass:with:colons'],
      ['allowCidr', '203.0.113.0/24'],
      ['denyCidr', '203.0.113.7/32'],
      ['webhook', 'github', 'whs'],
      ['oauth', 'google', ['a@b.co'], null],
      ['listenAndForward', 'http://127.0.0.1:4567'],
    ]);
    await t.stop();
    expect(f.closed).toEqual(['listener', 'session']);
  });

  it('reports a drop as down, the next heartbeat as up, and an ended listener as closed', async () => {
    const f = fakeSdk();
    const t = new NgrokTunnel({ load: async () => f.sdk });
    const events: TunnelEvent[] = [];
    t.onEvent((e) => events.push(e));
    await t.start({ authtoken: 'tok', targetUrl: 'http://127.0.0.1:1', options: {} });
    f.handlers.heartbeat!(12);
    expect(f.handlers.disconnect!('connect.ngrok-agent.com:443', 'connection reset')).toBe(true);
    f.handlers.heartbeat!(30);
    f.endJoin();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([
      { type: 'down', failure: expect.objectContaining({ retryable: true }) },
      { type: 'up' },
      { type: 'closed', failure: expect.objectContaining({ retryable: true }) },
    ]);
    await t.stop();
  });

  it('times out a connect that hangs, and closes the session if it arrives late', async () => {
    let arrive: () => void = () => undefined;
    const f = fakeSdk({ connect: () => new Promise<void>((r) => (arrive = r)) });
    const t = new NgrokTunnel({ load: async () => f.sdk, stepTimeoutMs: 50 });
    const err = await t
      .start({ authtoken: 'tok', targetUrl: 'http://127.0.0.1:1', options: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelStartError);
    expect((err as TunnelStartError).failure).toMatchObject({
      message: 'timed out after 50 ms connecting to ngrok',
      retryable: true,
    });
    arrive();
    await new Promise((r) => setImmediate(r));
    expect(f.closed).toEqual(['session']);
  });

  it('says so when the SDK cannot be loaded', async () => {
    const t = new NgrokTunnel({
      load: () => Promise.reject(new Error('no binary for this platform')),
    });
    const err = await t
      .start({ authtoken: 'tok', targetUrl: 'http://127.0.0.1:1', options: {} })
      .catch((e: unknown) => (e as TunnelStartError).failure);
    expect(err).toMatchObject({ retryable: false });
    expect((err as { message: string }).message).toContain('no binary for this platform');
  });
});

describe('NgrokTunnel with the real SDK (ngrok is unreachable from this machine)', () => {
  it('fails within seconds with a clear, token-free message', async () => {
    const token = 'dummy-token-never-printed-71c3';
    const t = new NgrokTunnel();
    const started = Date.now();
    const err = await t
      .start({ authtoken: token, targetUrl: 'http://127.0.0.1:9', options: {} })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(err).toBeInstanceOf(TunnelStartError);
    const f = (err as TunnelStartError).failure;
    expect(f.message).toMatch(/ngrok/);
    expect(f.hint.length).toBeGreaterThan(10);
    expect(JSON.stringify(f)).not.toContain(token);
    await t.stop();
  });
});
