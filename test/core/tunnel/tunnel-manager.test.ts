import { afterEach, describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { rawRequest } from '../../helpers/http';
import { NETWORK_FAILURE } from './fake-tunnel';
import { startTunnelEngine, type TunnelTestEngine } from './helpers';

let t: TunnelTestEngine;
afterEach(() => t.stop());

async function deliver(path = '/hook'): Promise<number> {
  return (await rawRequest(t.receiverUrl, { path, body: '{"ok":1}' })).status;
}

describe('tunnel state machine (fake tunnel)', () => {
  it('goes off → connecting → online, pushes each state, and getStatus shows it', async () => {
    t = await startTunnelEngine();
    expect((await t.client.getStatus()).tunnel).toEqual({ state: 'off' });
    t.tunnels.next({ ok: 'https://abc.ngrok.test' });
    const state = await t.client.startTunnel({});
    expect(state).toMatchObject({
      state: 'online',
      publicUrl: 'https://abc.ngrok.test',
      authtokenSource: 'env',
    });
    expect(t.log.names).toEqual(['connecting', 'online']);
    expect(t.log.states[0]!.message).toContain('NGROK_AUTHTOKEN');
    expect((await t.client.getStatus()).tunnel).toEqual(state);
    expect(t.tunnels.last.params!.authtoken).toBe('env-token-0123456789');
    expect(await t.client.stopTunnel({})).toEqual({ state: 'off' });
    expect(t.tunnels.last.stopped).toBe(true);
    expect(t.log.names).toEqual(['connecting', 'online', 'off']);
  });

  it('moves to reconnecting on a network drop and back to online with the same URL', async () => {
    t = await startTunnelEngine();
    t.tunnels.next({ ok: 'https://same.ngrok.test' });
    await t.client.startTunnel({});
    const tunnel = t.tunnels.last;
    tunnel.emit({ type: 'down', failure: NETWORK_FAILURE });
    const down = await t.log.until((s) => s.state === 'reconnecting');
    expect(down.publicUrl).toBe('https://same.ngrok.test');
    expect(down.message).toMatch(/connection to ngrok lost .*reconnecting/);
    expect(await deliver()).toBe(200);
    tunnel.emit({ type: 'up' });
    const up = await t.log.until((s) => s.state === 'online', 2);
    expect(up.publicUrl).toBe('https://same.ngrok.test');
    expect(t.log.names).toEqual(['connecting', 'online', 'reconnecting', 'online']);
    expect(t.tunnels.made).toHaveLength(1);
  });

  it('reopens a closed tunnel with backoff until it is back, and says when the URL changed', async () => {
    t = await startTunnelEngine();
    t.tunnels.next(
      { ok: 'https://first.ngrok.test' },
      { fail: NETWORK_FAILURE },
      { ok: 'https://second.ngrok.test' },
    );
    await t.client.startTunnel({});
    const first = t.tunnels.last;
    first.emit({ type: 'closed', failure: NETWORK_FAILURE });
    const back = await t.log.until((s) => s.state === 'online', 2);
    expect(back).toMatchObject({
      publicUrl: 'https://second.ngrok.test',
      message: 'reconnected; the public URL changed',
    });
    expect(first.stopped).toBe(true);
    expect(t.tunnels.made).toHaveLength(3);
    expect(t.tunnels.made[1]!.stopped).toBe(true);
    const retries = t.log.states.filter((s) => s.state === 'reconnecting');
    expect(retries.map((s) => s.message)).toEqual([
      expect.stringContaining('attempt 1'),
      expect.stringContaining('attempt 2'),
    ]);
    expect(retries[0]!.publicUrl).toBe('https://first.ngrok.test');
  });

  it('ends in error when the tunnel comes back with a setup problem', async () => {
    t = await startTunnelEngine();
    t.tunnels.next(
      { ok: 'https://x.ngrok.test' },
      {
        fail: {
          message: 'ngrok refused the authtoken: revoked',
          errorCode: 'ERR_NGROK_300',
          hint: 'copy your current authtoken',
          retryable: false,
        },
      },
    );
    await t.client.startTunnel({});
    t.tunnels.last.emit({ type: 'closed', failure: NETWORK_FAILURE });
    const err = await t.log.until((s) => s.state === 'error');
    expect(err).toMatchObject({ errorCode: 'ERR_NGROK_300', hint: 'copy your current authtoken' });
    expect(await deliver()).toBe(200);
  });

  it('a failed start is an error state with ngrok code and hint; the receiver keeps working', async () => {
    t = await startTunnelEngine();
    t.tunnels.next({
      fail: {
        message: 'ngrok refused the domain: not reserved',
        errorCode: 'ERR_NGROK_7118',
        hint: 'use a reserved domain',
        retryable: false,
      },
    });
    const state = await t.client.startTunnel({ options: { domain: 'mine.ngrok.app' } });
    expect(state).toEqual({
      state: 'error',
      message: 'ngrok refused the domain: not reserved',
      errorCode: 'ERR_NGROK_7118',
      hint: 'use a reserved domain',
      authtokenSource: 'env',
    });
    expect(t.tunnels.last.params!.options.domain).toBe('mine.ngrok.app');
    expect(t.tunnels.last.stopped).toBe(true);
    expect(await deliver()).toBe(200);
    // A failed first start is not retried behind the user's back.
    expect(t.tunnels.made).toHaveLength(1);
  });

  it('without any authtoken ends in error saying how to get one, without trying', async () => {
    t = await startTunnelEngine({ env: {} });
    const state = await t.client.startTunnel({});
    expect(state.state).toBe('error');
    expect(state.message).toBe('no ngrok authtoken');
    expect(state.hint).toContain('dashboard.ngrok.com');
    expect(state.hint).toContain('paste it');
    expect(t.tunnels.made).toHaveLength(0);
  });

  it('keeps receiving while connecting, and a stop during connecting wins', async () => {
    t = await startTunnelEngine();
    t.tunnels.next('hold');
    const starting = t.client.startTunnel({});
    await t.log.until((s) => s.state === 'connecting');
    expect(await deliver('/while-connecting')).toBe(200);
    expect(await t.client.stopTunnel({})).toEqual({ state: 'off' });
    t.tunnels.last.release('https://late.ngrok.test');
    expect((await starting).state).toBe('off');
    expect(t.tunnels.last.stopped).toBe(true);
    expect((await t.client.getStatus()).tunnel).toEqual({ state: 'off' });
  });

  it('starting again with the same settings changes nothing; other settings restart', async () => {
    t = await startTunnelEngine();
    await t.client.startTunnel({});
    await t.client.startTunnel({});
    expect(t.tunnels.made).toHaveLength(1);
    await t.client.saveTunnelSettings({ options: { region: 'eu' } });
    const again = await t.client.startTunnel({});
    expect(again.state).toBe('online');
    expect(t.tunnels.made).toHaveLength(2);
    expect(t.tunnels.made[0]!.stopped).toBe(true);
    expect(t.tunnels.last.params!.options.region).toBe('eu');
  });

  it('refuses unusable options before touching a running tunnel', async () => {
    t = await startTunnelEngine();
    const online = await t.client.startTunnel({});
    const err = await t.client
      .startTunnel({ options: { allowCidrs: ['10.0.0.1/8'] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookscopeError);
    expect((err as HookscopeError).code).toBe('bad_input');
    expect((err as HookscopeError).message).toContain('the range is 10.0.0.0/8');
    expect((await t.client.getStatus()).tunnel).toEqual(online);
    expect(t.tunnels.made).toHaveLength(1);
  });
});
