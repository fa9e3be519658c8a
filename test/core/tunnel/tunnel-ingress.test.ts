import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../../../src/headless/api-server';
import { rawRequest } from '../../helpers/http';
import { startTunnelEngine, type TunnelTestEngine } from './helpers';

let t: TunnelTestEngine;
let api: ApiServer;
let apiPort: number;
beforeAll(async () => {
  t = await startTunnelEngine();
  api = new ApiServer(t.engine, 'api-token', t.dataDir);
  apiPort = (await api.listen(0)).port;
});
afterAll(async () => {
  await api.close();
  await t.stop();
});

describe('what the tunnel reaches', () => {
  it('forwards to the receiver’s tunnel-ingress listener: not the receiver port, never the API', async () => {
    await t.client.startTunnel({});
    const target = new URL(t.tunnels.last.params!.targetUrl);
    const ingress = await t.engine.tunnelIngress();
    expect(target.href).toBe(`${ingress.url}/`);
    expect(target.hostname).toBe('127.0.0.1');
    expect(Number(target.port)).toBe(ingress.port);
    expect(Number(target.port)).not.toBe(Number(new URL(t.receiverUrl).port));
    expect(Number(target.port)).not.toBe(apiPort);
  });

  it('answers every path on the ingress as a webhook, including /api/* and the UI root', async () => {
    const { url } = await t.engine.tunnelIngress();
    const asApi = await rawRequest(url, {
      path: '/api/getStatus',
      headers: [
        ['Authorization', 'Bearer api-token'],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    });
    expect(asApi.status).toBe(200);
    expect(JSON.parse(asApi.body.toString())).toEqual({ ok: true });
    const stream = await rawRequest(url, { method: 'GET', path: '/api/stream' });
    expect(JSON.parse(stream.body.toString())).toEqual({ ok: true });
    const { items } = await t.client.listEvents({ limit: 2 });
    expect(items.map((e) => [e.method, e.path, e.viaTunnel])).toEqual([
      ['GET', '/api/stream', true],
      ['POST', '/api/getStatus', true],
    ]);
  });

  it('records tunnelled requests with the forwarded client IP and the public URL', async () => {
    const { url } = await t.engine.tunnelIngress();
    const res = await rawRequest(url, {
      path: '/twilio/sms?From=%2B1555&x=1',
      headers: [
        ['Host', '127.0.0.1'],
        ['X-Forwarded-For', '198.51.100.7'],
        ['X-Forwarded-Proto', 'https'],
        ['X-Forwarded-Host', 'abc123.ngrok-free.app'],
      ],
      body: 'Body=hi',
    });
    expect(res.status).toBe(200);
    const { items } = await t.client.listEvents({ limit: 1 });
    const e = await t.client.getEvent({ id: items[0]!.id });
    expect(e.viaTunnel).toBe(true);
    expect(e.sourceIp).toBe('198.51.100.7');
    expect(e.publicUrl).toBe('https://abc123.ngrok-free.app/twilio/sms?From=%2B1555&x=1');
  });

  it('keeps no public URL when the forwarded host or scheme is not a well-formed origin', async () => {
    const { url } = await t.engine.tunnelIngress();
    const cases: [string, string, string | null][] = [
      ['https', 'ok.ngrok.app:8443', 'https://ok.ngrok.app:8443/p'],
      ['HTTP', '[2001:db8::1]', 'http://[2001:db8::1]/p'],
      ['javascript', 'ok.ngrok.app', null],
      ['https', 'evil.example/@x', null],
      ['https', '-curl-option', null],
      ['https', 'a b', null],
    ];
    for (const [proto, host, expected] of cases) {
      await rawRequest(url, {
        path: '/p',
        headers: [
          ['X-Forwarded-Proto', proto],
          ['X-Forwarded-Host', host],
        ],
      });
      const { items } = await t.client.listEvents({ limit: 1 });
      const e = await t.client.getEvent({ id: items[0]!.id });
      expect(e.publicUrl, `${proto} ${host}`).toBe(expected);
    }
  });

  it('does not believe forwarded headers on the ordinary receiver port', async () => {
    await rawRequest(t.receiverUrl, {
      path: '/local',
      headers: [
        ['X-Forwarded-For', '198.51.100.7'],
        ['X-Forwarded-Host', 'spoofed.example'],
      ],
      body: '{}',
    });
    const { items } = await t.client.listEvents({ limit: 1 });
    const e = await t.client.getEvent({ id: items[0]!.id });
    expect(e).toMatchObject({ viaTunnel: false, sourceIp: '127.0.0.1', publicUrl: null });
  });
});
