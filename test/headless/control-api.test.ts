import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startServe, type ServeProcess } from '../helpers/serve-process';

let s: ServeProcess;
beforeAll(async () => {
  s = await startServe({ env: { HOOKSCOPE_TOKEN: 'fixed-test-token' } });
});
afterAll(() => s.dispose());

describe('control API', () => {
  it('takes its token from HOOKSCOPE_TOKEN and answers getStatus', async () => {
    expect(s.token).toBe('fixed-test-token');
    const res = await s.api('getStatus');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      receiverUrl: s.receiverUrl,
      version: '0.1.0',
      events: expect.any(Number),
      tunnel: { state: 'off' },
    });
  });

  it('says how long the command itself took (Server-Timing), on answers, not on errors', async () => {
    const res = await s.api('listEvents', { limit: 5 });
    expect(res.status).toBe(200);
    const timing = res.headers.get('server-timing') ?? '';
    expect(timing).toMatch(/^engine;dur=\d+\.\d\d$/);
    expect(Number(timing.split('=')[1])).toBeGreaterThanOrEqual(0);
    const bad = await s.api('listEvents', { limit: 'many' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('server-timing')).toBeNull();
  });

  it('answers 401 without a token and with a wrong one', async () => {
    const none = await fetch(`${s.apiUrl}/api/listEvents`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await s.api(
      'listEvents',
      {},
      { headers: { Authorization: 'Bearer fixed-test-tokeN' } },
    );
    expect(wrong.status).toBe(401);
    const scheme = await s.api(
      'listEvents',
      {},
      { headers: { Authorization: 'Basic fixed-test-token' } },
    );
    expect(scheme.status).toBe(401);
  });

  it('answers 403 to a Host or Origin that is not this loopback address (DNS rebinding)', async () => {
    const port = Number(new URL(s.apiUrl).port);
    const withHost = (host: string) =>
      rawRequest(s.apiUrl, {
        path: '/api/listEvents',
        headers: [
          ['Host', host],
          ['Authorization', `Bearer ${s.token}`],
        ],
        body: '{}',
      });
    for (const h of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
    ]) {
      expect((await withHost(h)).status, h).toBe(403);
    }
    for (const h of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await withHost(h)).status, h).toBe(200);
    }
    expect(
      (await s.api('listEvents', {}, { headers: { Origin: 'http://evil.example' } })).status,
    ).toBe(403);
    expect((await s.api('listEvents', {}, { headers: { Origin: 'null' } })).status).toBe(403);
    expect((await s.api('listEvents', {}, { headers: { Origin: s.apiUrl } })).status).toBe(200);
    // The UI itself is guarded the same way.
    expect(
      (
        await rawRequest(s.apiUrl, {
          method: 'GET',
          path: '/',
          headers: [['Host', 'evil.example']],
        })
      ).status,
    ).toBe(403);
  });

  it('refuses a CORS preflight from another origin and never sends CORS headers', async () => {
    const res = await fetch(`${s.apiUrl}/api/listEvents`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 400 with the zod issues for bad input, and for a body that is not JSON', async () => {
    const res = await s.api('listEvents', { limit: 9999, extra: true });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string[] }[] } };
    expect(body.error.code).toBe('bad_input');
    expect(body.error.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['limit']),
    );
    const notJson = await fetch(`${s.apiUrl}/api/listEvents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}` },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('answers 404 for an unknown command and for an unknown id', async () => {
    const res = await s.api('dropDatabase');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_command' } });
    const missing = await s.api('getEvent', { id: 'no-such-event' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const proto = await s.api('__proto__');
    expect(proto.status).toBe(404);
  });

  it('answers replayEvent without a target with a clear 400', async () => {
    await fetch(`${s.receiverUrl}/replay-me`, { method: 'POST', body: 'x' });
    const { items } = (await (await s.api('listEvents', { limit: 1 })).json()) as {
      items: { id: string }[];
    };
    const res = await s.api('replayEvent', { id: items[0]!.id });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'bad_input', message: expect.stringMatching(/nowhere to send it/) },
    });
  });

  it('never serves the control API on the receiver port', async () => {
    const res = await fetch(`${s.receiverUrl}/api/listEvents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":true}'); // stored as a delivery like any other path
    const stream = await fetch(`${s.receiverUrl}/api/stream`, {
      headers: { Authorization: `Bearer ${s.token}` },
    });
    expect(stream.headers.get('content-type')).not.toContain('event-stream');
    await stream.text();
  });

  it('serves the built UI at / with a strict CSP and without needing the token', async () => {
    const res = await fetch(`${s.apiUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
  });
});
