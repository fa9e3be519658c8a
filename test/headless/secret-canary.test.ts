import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderBag } from '../../src/core/signatures/headers';
import { standardWebhooks } from '../../src/core/signatures/standard-family';
import { stripe } from '../../src/core/signatures/stripe';
import type { SignatureInput } from '../../src/core/signatures/types';
import { SseClient } from '../helpers/sse';
import { startServe, type ServeProcess } from '../helpers/serve-process';

/**
 * A unique canary goes into every kind of secret Hookscope holds (endpoint secrets of an
 * HMAC provider, a Standard Webhooks base64 secret, generic HMAC, the ngrok authtoken, the
 * tunnel's basic-auth password); then a real `hookscope serve` and `hookscope listen` are
 * driven through every path that writes something out. The canary must appear in none of it.
 */

const CANARY = `canary${randomUUID().replace(/-/g, '')}`;
const STRIPE_SECRET = `whsec_${CANARY}stripe`;
const SW_SECRET = `whsec_${Buffer.from(`${CANARY}sw`).toString('base64')}`;
const HMAC_SECRET = `${CANARY}hmac`;
const AUTHTOKEN = `${CANARY}ngrok`;
const BASIC_PASSWORD = `${CANARY}pw`;
const LISTEN_SECRET = `whsec_${CANARY}listen`;
const GITLAB_SECRET = `${CANARY}gitlab`;
/** Every form a leak could take: the canary itself and each secret as configured or encoded. */
const FORMS = [
  CANARY,
  Buffer.from(CANARY).toString('base64').slice(0, 24),
  Buffer.from(CANARY).toString('hex'),
  SW_SECRET.slice(6),
];

/** Everything the processes wrote or answered, labelled for the failure message. */
const outputs: [string, string][] = [];
const record = (label: string, value: unknown): void => {
  outputs.push([label, typeof value === 'string' ? value : JSON.stringify(value)]);
};

let s: ServeProcess;
let sse: SseClient;
let closedUrl: string;
const captured: IncomingMessage[] = [];
const capturedBodies: string[] = [];
const capture = createServer((req, res) => {
  captured.push(req);
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('latin1')));
  req.on('end', () => {
    capturedBodies.push(body);
    res.end('ok');
  });
});
let captureUrl: string;
/** A handler that echoes the headers it was sent, in its answer's headers and body. */
const echo = createServer((req, res) => {
  req.resume();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    res.setHeader(`x-echo-${req.rawHeaders[i]!}`, req.rawHeaders[i + 1]!);
  }
  res.end(JSON.stringify(req.rawHeaders));
});
let echoUrl: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads any answer
async function api(name: string, input: unknown = {}): Promise<{ status: number; json: any }> {
  const res = await s.api(name, input);
  const text = await res.text();
  record(`api ${name} ${res.status}`, text);
  return { status: res.status, json: JSON.parse(text) };
}

async function deliver(path: string, headers: [string, string][], body: string): Promise<void> {
  const res = await fetch(`${s.receiverUrl}${path}`, {
    method: 'POST',
    headers: Object.fromEntries(headers.map(([n, v]) => [n, v])),
    body,
  });
  record(`receiver ${path} ${res.status}`, await res.text());
}

function signed(
  scheme: typeof stripe,
  path: string,
  body: string,
  secret: string,
): [string, string][] {
  const req: SignatureInput = {
    method: 'POST',
    path,
    query: '',
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(body),
    url: `http://127.0.0.1${path}`,
  };
  const headers = scheme.sign(req, secret, Date.now(), null);
  // The test's own check that these deliveries really are valid.
  const v = scheme.verify({ ...req, headers }, new HeaderBag(headers), {
    secrets: [secret],
    now: Date.now(),
    toleranceSec: 300,
    hmac: null,
  });
  expect(v.status).toBe('valid');
  return headers;
}

beforeAll(async () => {
  // A port that was just free: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/app`;
  await new Promise<void>((r) => probe.close(() => r()));
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/replayed`;
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
  s = await startServe();
  sse = await SseClient.connect(`${s.apiUrl}/api/stream`, { Authorization: `Bearer ${s.token}` });
});

afterAll(async () => {
  sse?.close();
  await s?.dispose();
  await new Promise<void>((r) => capture.close(() => r()));
  echo.closeAllConnections();
  await new Promise<void>((r) => echo.close(() => r()));
});

describe('secrets never leave the engine', () => {
  it('appear in no output of serve: API answers, errors, SSE, exports, replays, stdout, stderr, the log', async () => {
    // Configuration.
    const ep = {
      stripe: await api('saveEndpoint', {
        name: 'stripe',
        path: '/stripe',
        provider: 'stripe',
        secrets: [STRIPE_SECRET],
        forwardTo: closedUrl,
      }),
      sw: await api('saveEndpoint', {
        name: 'sw',
        path: '/sw',
        provider: 'standard-webhooks',
        secrets: [SW_SECRET],
      }),
      hmac: await api('saveEndpoint', {
        name: 'hmac',
        path: '/hmac',
        provider: 'generic-hmac',
        secrets: [HMAC_SECRET],
        hmac: { header: 'X-Sig', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
      }),
    };
    for (const e of Object.values(ep)) expect(e.status).toBe(200);
    expect(ep.stripe.json.secretCount).toBe(1);
    const tunnel = await api('saveTunnelSettings', {
      authtoken: AUTHTOKEN,
      options: { basicAuth: `user:${BASIC_PASSWORD}` },
    });
    expect(tunnel.status).toBe(200);

    // Bad requests whose invalid value is the secret itself: the error must not echo it.
    const bad: [string, unknown][] = [
      ['saveEndpoint', { name: 'x', path: '/x', secrets: STRIPE_SECRET }],
      ['saveEndpoint', { name: 'x', path: '/x', secrets: [STRIPE_SECRET, ''] }],
      ['saveEndpoint', { name: 'x', path: '/x', secrets: Array(11).fill(STRIPE_SECRET) }],
      ['saveEndpoint', { name: 'x', path: '/x', secrets: [STRIPE_SECRET.repeat(400)] }],
      ['saveEndpoint', { name: 'x', path: '/x', secrets: [{ value: STRIPE_SECRET }] }],
      ['saveEndpoint', { name: 'x', path: 'no-slash', secrets: [HMAC_SECRET], hmac: 7 }],
      ['saveTunnelSettings', { authtoken: `${AUTHTOKEN} with spaces` }],
      ['saveTunnelSettings', { authtoken: AUTHTOKEN.repeat(20) }],
      ['saveTunnelSettings', { authtoken: [AUTHTOKEN] }],
      ['saveTunnelSettings', { options: { basicAuth: `:${BASIC_PASSWORD}` } }],
      ['saveTunnelSettings', { options: { basicAuth: `u:${BASIC_PASSWORD}\u0001` } }],
      ['saveTunnelSettings', { options: { basicAuth: `u:${BASIC_PASSWORD.repeat(10)}` } }],
      ['startTunnel', { options: { basicAuth: `nocolon${BASIC_PASSWORD}` } }],
    ];
    for (const [name, input] of bad) expect((await api(name, input)).status, name).toBe(400);

    // Deliveries: valid, invalid and stale signatures for each secret kind.
    const body = '{"id":"evt_1","type":"payment_intent.succeeded"}';
    await deliver('/stripe/ok', signed(stripe, '/stripe/ok', body, STRIPE_SECRET), body);
    await deliver(
      '/stripe/bad',
      [['Stripe-Signature', `t=${Math.floor(Date.now() / 1000)},v1=00`]],
      body,
    );
    await deliver('/stripe/stale', [['Stripe-Signature', 't=1,v1=00']], body);
    await deliver('/sw/ok', signed(standardWebhooks, '/sw/ok', body, SW_SECRET), body);
    await deliver(
      '/sw/bad',
      [
        ['webhook-id', 'msg_1'],
        ['webhook-timestamp', String(Math.floor(Date.now() / 1000))],
        ['webhook-signature', 'v1,AAAA'],
      ],
      body,
    );
    const mac = createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
    await deliver('/hmac/ok', [['X-Sig', `sha256=${mac}`]], body);
    await deliver('/hmac/bad', [['X-Sig', 'sha256=00']], body);

    // Forwarding to a closed port fails; wait for the attempts to be pushed.
    await sse.until((c) => c.messages.filter((m) => m.event === 'forward.attempt').length >= 3);

    const events = (await api('listEvents', { limit: 100 })).json.items as {
      id: string;
      path: string;
    }[];
    expect(events).toHaveLength(7);
    const byPath = new Map(events.map((e) => [e.path, e.id]));
    for (const e of events) {
      await api('getEvent', { id: e.id });
      await api('decodeBody', { id: e.id });
    }
    expect((await api('getEvent', { id: byPath.get('/stripe/ok') })).json.signature.status).toBe(
      'valid',
    );
    expect((await api('getEvent', { id: byPath.get('/hmac/ok') })).json.signature.status).toBe(
      'valid',
    );
    await api('diffEvents', { a: byPath.get('/stripe/ok'), b: byPath.get('/stripe/bad') });

    // Replays, re-signed with the stored secrets: to an app that answers and to a closed port.
    for (const path of ['/stripe/ok', '/sw/ok', '/hmac/ok']) {
      const r = await api('replayEvent', {
        id: byPath.get(path),
        resign: true,
        targetUrl: captureUrl,
      });
      expect(r.status, path).toBe(200);
      expect(r.json.status, path).toBe(200);
    }
    await api('replayEvent', { id: byPath.get('/stripe/ok'), resign: true, targetUrl: closedUrl });
    expect(captured).toHaveLength(3);
    for (const [i, req] of captured.entries()) {
      record(`replayed request ${i}`, { headers: req.rawHeaders, body: capturedBodies[i] });
    }
    // They really were re-signed: the Stripe replay carries a signature that verifies.
    const stripeReplay = captured[0]!.rawHeaders;
    const sigAt = stripeReplay.findIndex((h) => h.toLowerCase() === 'stripe-signature');
    expect(stripeReplay[sigAt + 1]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // The tunnel: the real ngrok SDK cannot connect here and fails with the authtoken in hand.
    const started = await api('startTunnel', {});
    expect(started.status).toBe(200);
    expect(started.json.state).toBe('error');
    await api('stopTunnel', {});

    // Every read-side output.
    for (const format of ['har', 'ndjson']) {
      const exported = await api('exportEvents', { format });
      expect(exported.json.count).toBe(7);
    }
    for (const name of [
      'listEndpoints',
      'getTunnelSettings',
      'getSettings',
      'getStatus',
      'listDeadLetters',
      'listSamples',
    ]) {
      expect((await api(name, {})).status, name).toBe(200);
    }
    expect((await api('getTunnelSettings', {})).json.authtoken).toMatchObject({
      source: 'settings',
      configured: true,
    });

    // A handler that echoes its request gets the GitLab token (a plain token header) from a
    // re-signed replay and from a check-up: what it answers is kept and returned without it.
    const gitlab = await api('saveEndpoint', {
      name: 'gitlab',
      path: '/gitlab',
      provider: 'gitlab',
      secrets: [GITLAB_SECRET],
    });
    await deliver('/gitlab/push', [['X-Gitlab-Event', 'Push Hook']], '{"object_kind":"push"}');
    const glEvent = (await api('listEvents', { limit: 1 })).json.items[0].id as string;
    // It arrived unsigned: re-signed with its body as the user's own edit.
    const echoed = await api('replayEvent', {
      id: glEvent,
      resign: true,
      targetUrl: echoUrl,
      edits: { body: '{"object_kind":"push"}' },
    });
    expect(echoed.json.status).toBe(200);
    expect(echoed.json.response.text).toContain('[secret]');
    await api('getEvent', { id: glEvent });
    const run = await api('runCheckup', {
      endpointId: gitlab.json.id,
      target: echoUrl,
      burst: { count: 2, concurrency: 1 },
      latencySamples: 1,
    });
    expect(run.status).toBe(200);
    expect(JSON.stringify(run.json)).toContain('[secret]');
    await api('getCheckup', { id: run.json.id });
    await api('listCheckups', {});

    // A second stream that reconnects from the start gets the whole backfill.
    const again = await SseClient.connect(`${s.apiUrl}/api/stream`, {
      Authorization: `Bearer ${s.token}`,
      'Last-Event-ID': '0',
    });
    await again.until((c) => c.eventIds.length >= 7);
    again.close();
    record('sse', sse.messages);
    record('sse backfill', again.messages);

    const stopped = await s.stop();
    record('serve stdout', s.lines);
    record('serve stderr', stopped.stderr);
    // The log on disk (SQLite and its WAL), not the secret store, which is where secrets live.
    for (const file of readdirSync(s.dataDir)) {
      if (file.startsWith('secrets.json')) continue;
      record(`data dir ${file}`, readFileSync(join(s.dataDir, file)).toString('latin1'));
    }

    expect(outputs.length).toBeGreaterThan(60);
    const leaks = outputs.flatMap(([label, text]) =>
      FORMS.filter((f) => text.includes(f)).map((f) => `${label}: contains ${f}`),
    );
    expect(leaks).toEqual([]);
    // The canary is findable where it belongs, so the search above can find it at all.
    const store = readFileSync(join(s.dataDir, 'secrets.json'), 'utf8');
    expect(store).toContain(STRIPE_SECRET);
    expect(store).toContain(AUTHTOKEN);
  });

  it('appears in no line of `hookscope listen --json`', async () => {
    const l = await startServe({
      command: 'listen',
      args: [
        '--path',
        '/l',
        '--provider',
        'stripe',
        '--secret',
        LISTEN_SECRET,
        '--forward-to',
        closedUrl,
      ],
    });
    try {
      const body = '{"id":"evt_2"}';
      for (const headers of [
        signed(stripe, '/l', body, LISTEN_SECRET),
        [['Stripe-Signature', 't=1,v1=00']] as [string, string][],
      ]) {
        const res = await fetch(`${l.receiverUrl}/l`, {
          method: 'POST',
          headers: Object.fromEntries(headers),
          body,
        });
        expect(res.status).toBe(200);
      }
      const deadline = Date.now() + 10_000;
      while (l.lines.filter((x) => x.event === 'forward').length < 2) {
        if (Date.now() > deadline) throw new Error(`no forward lines: ${JSON.stringify(l.lines)}`);
        await new Promise<void>((r) => l.child.stdout!.once('data', () => r()));
      }
      expect(l.lines.filter((x) => x.event === 'delivery').map((x) => x.signature)).toEqual([
        { status: 'valid', provider: 'stripe' },
        { status: 'invalid', provider: 'stripe' },
      ]);
    } finally {
      const stopped = await l.dispose();
      const text = JSON.stringify(l.lines) + stopped.stderr;
      expect(FORMS.filter((f) => text.includes(f))).toEqual([]);
    }
  });
});
