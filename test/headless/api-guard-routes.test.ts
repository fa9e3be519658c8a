import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames } from '../../src/shared/contract';
import { rawRequest, type RawResponse } from '../helpers/http';
import { startServe, type ServeProcess } from '../helpers/serve-process';

/**
 * Every route of the control API, one by one, against a real `hookscope serve`: no token
 * → 401; the token with a Host or Origin that is not this loopback address → 403; a CORS
 * preflight from another origin is refused with no CORS grant; the same for the SSE stream;
 * and the receiver port never answers /api/* as the API.
 */

let s: ServeProcess;
let port: number;
beforeAll(async () => {
  s = await startServe();
  port = Number(new URL(s.apiUrl).port);
});
afterAll(() => s.dispose());

const EVIL = 'https://evil.example';
/** Host headers a DNS-rebinding page would send, rotated over the routes. */
const badHosts = (): string[] => [
  'evil.example',
  `evil.example:${port}`,
  `127.0.0.1.nip.io:${port}`,
  `localhost:${port + 1}`,
  `127.0.0.1`,
];

/** Every route: the commands and the stream. */
const routes = [
  ...commandNames.map((name) => ({ name, method: 'POST', path: `/api/${name}`, body: '{' })),
  { name: 'stream', method: 'GET', path: '/api/stream', body: '' },
];

function call(
  route: (typeof routes)[number],
  headers: [string, string][],
  base = s.apiUrl,
  method = route.method,
): Promise<RawResponse> {
  return rawRequest(base, { method, path: route.path, headers, body: route.body });
}

const auth = (): [string, string] => ['Authorization', `Bearer ${s.token}`];

/** No response may grant another origin anything. */
function noCorsGrant(r: RawResponse, what: string): void {
  const names = r.headers.map(([n]) => n.toLowerCase());
  expect(
    names.filter((n) => n.startsWith('access-control-')),
    what,
  ).toEqual([]);
}

describe('control API guards, route by route', () => {
  it('lets a well-formed request through on every route (so the refusals below mean something)', async () => {
    for (const route of routes) {
      if (route.name === 'stream') continue; // an open stream never ends; see the SSE test
      // A body that is not JSON: the guards pass, then the command refuses it with 400.
      const r = await call(route, [auth(), ['Origin', s.apiUrl]]);
      expect(r.status, route.name).toBe(400);
      noCorsGrant(r, route.name);
    }
  });

  it('answers 401 without the token or with a wrong one, on every route', async () => {
    for (const route of routes) {
      for (const headers of [
        [],
        [['Authorization', `Bearer ${s.token}x`]],
        [['Authorization', `Basic ${s.token}`]],
        [['Authorization', `bearer ${s.token}`]],
      ] as [string, string][][]) {
        const r = await call(route, headers);
        expect(r.status, `${route.name} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(r.body.toString())).toMatchObject({ error: { code: 'unauthorized' } });
        noCorsGrant(r, route.name);
      }
    }
  });

  it('answers 403 to the token with a Host that is not this loopback address, on every route', async () => {
    const hosts = badHosts();
    for (const [i, route] of routes.entries()) {
      const host = hosts[i % hosts.length]!;
      const r = await call(route, [['Host', host], auth()]);
      expect(r.status, `${route.name} Host: ${host}`).toBe(403);
      expect(JSON.parse(r.body.toString())).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('answers 403 to the token with a foreign Origin, on every route', async () => {
    const origins = [EVIL, 'null', `http://evil.example:${port}`, `https://127.0.0.1:${port}`];
    for (const [i, route] of routes.entries()) {
      const origin = origins[i % origins.length]!;
      const r = await call(route, [auth(), ['Origin', origin]]);
      expect(r.status, `${route.name} Origin: ${origin}`).toBe(403);
      expect(JSON.parse(r.body.toString())).toMatchObject({ error: { code: 'forbidden' } });
      noCorsGrant(r, route.name);
    }
  });

  it('refuses a CORS preflight from another origin on every route, granting nothing', async () => {
    for (const route of routes) {
      const r = await call(
        route,
        [
          ['Origin', EVIL],
          ['Access-Control-Request-Method', route.method],
          ['Access-Control-Request-Headers', 'authorization, content-type'],
        ],
        s.apiUrl,
        'OPTIONS',
      );
      expect(r.status, route.name).toBe(403);
      noCorsGrant(r, `${route.name} preflight`);
    }
  });

  it('opens the SSE stream only with the token, a loopback Host and no foreign Origin', async () => {
    const open = async (headers: Record<string, string>): Promise<Response> => {
      const ac = new AbortController();
      const res = await fetch(`${s.apiUrl}/api/stream`, { headers, signal: ac.signal });
      ac.abort();
      return res;
    };
    const ok = await open({ Authorization: `Bearer ${s.token}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await open({})).status).toBe(401);
    expect((await open({ Authorization: `Bearer ${s.token}`, Origin: EVIL })).status).toBe(403);
    const badHost = await rawRequest(s.apiUrl, {
      method: 'GET',
      path: '/api/stream',
      headers: [['Host', `evil.example:${port}`], auth()],
    });
    expect(badHost.status).toBe(403);
  });
});

describe('the receiver port', () => {
  it('never answers /api/* as the control API: every route is stored as a delivery', async () => {
    const before = (await (await s.api('getStatus')).json()) as { events: number };
    for (const route of routes) {
      for (const method of ['POST', 'GET']) {
        // With the right token and a loopback Host: the receiver must not care.
        const r = await rawRequest(s.receiverUrl, {
          method,
          path: route.path,
          headers: [auth(), ['Content-Type', 'application/json']],
          body: '{}',
        });
        expect(r.status, `${method} ${route.path}`).toBe(200);
        expect(r.body.toString(), `${method} ${route.path}`).toBe('{"ok":true}');
        expect(r.headers.find(([n]) => /content-type/i.test(n))?.[1]).not.toMatch(/event-stream/);
        noCorsGrant(r, route.path);
      }
    }
    const after = (await (await s.api('getStatus')).json()) as { events: number };
    expect(after.events - before.events).toBe(routes.length * 2);
    const list = (await (await s.api('listEvents', { limit: 2 })).json()) as {
      items: { path: string; method: string }[];
    };
    expect(list.items.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /api/stream',
      'POST /api/stream',
    ]);
  });
});
