import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/forward/redact';
import { rawRequest } from '../../helpers/http';
import { startEngine, type TestEngine } from '../../helpers/engine';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TOKEN = 'gl-token-7f3a9c1e5b2d8f40';
const OTHER = 'second secret/with+specials';

describe('Redactor', () => {
  it('takes a secret out of headers, body and error, as set, URL-encoded or JSON-escaped', () => {
    const r = new Redactor([` ${OTHER} `, TOKEN]);
    const out = r.result({
      status: 200,
      error: `bad ${TOKEN}`,
      durationMs: 1,
      headers: [
        ['X-Echo', TOKEN],
        ['X-Enc', encodeURIComponent(OTHER)],
      ],
      body: Buffer.from(JSON.stringify({ a: TOKEN, b: OTHER, c: 'x' })),
      truncated: false,
    });
    expect(out.error).toBe('bad [secret]');
    expect(out.headers).toEqual([
      ['X-Echo', '[secret]'],
      ['X-Enc', '[secret]'],
    ]);
    expect(out.body.toString()).toBe('{"a":"[secret]","b":"[secret]","c":"x"}');
  });

  it('takes out the start of a secret where a kept answer was cut off, not elsewhere', () => {
    const r = new Redactor([TOKEN]);
    const cut = Buffer.from(`xxxx${TOKEN.slice(0, 9)}`);
    expect(r.body(cut, true).toString()).toBe('xxxx[secret]');
    expect(r.body(cut, false).toString()).toBe(cut.toString());
    expect(r.body(Buffer.from('xxxxgl-'), true).toString()).toBe('xxxxgl-');
  });
});

/** An app that echoes every header it was sent, in its answer's headers and body. */
async function echoApp(): Promise<string> {
  const app = createServer((req, res) => {
    req.resume();
    const headers = Object.entries(req.headers).map(([n, v]) => [n, String(v)]);
    for (const [n, v] of headers) res.setHeader(`x-echo-${n}`, v!);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(headers));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    app.closeAllConnections();
    app.close();
  });
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}

describe('what a target answers is stored without secrets', () => {
  let t: TestEngine;
  const leaks = (value: unknown): string[] =>
    [TOKEN, OTHER].filter((s) => JSON.stringify(value).includes(s));

  it('in forward and replay attempts and in check-up runs, with a handler that echoes headers', async () => {
    const app = await echoApp();
    t = await startEngine();
    cleanups.push(() => t.stop());
    const ep = await t.client.saveEndpoint({
      name: 'GitLab',
      path: '/gitlab',
      provider: 'gitlab',
      secrets: [TOKEN, OTHER],
      forwardTo: `${app}/hooks`,
    });
    const forwarded = new Promise<void>((r) => t.client.on('forward.attempt', () => r()));
    // A delivery without the token (a GitLab one would carry it: see the report): the app's
    // answer still must not bring a secret in. Its forward, then a re-signed replay that
    // does carry X-Gitlab-Token, and a check-up as GitLab.
    await rawRequest(t.receiverUrl, {
      path: '/gitlab/push',
      headers: [['X-Gitlab-Event', 'Push Hook']],
      body: '{"object_kind":"push"}',
    });
    await forwarded;
    const [event] = (await t.client.listEvents({})).items;
    const replayed = await t.client.replayEvent({ id: event!.id, resign: true });
    expect(replayed.status).toBe(200);
    expect(replayed.response!.text).toContain('"x-gitlab-token","[secret]"');
    expect(replayed.response!.headers).toContainEqual(['x-echo-x-gitlab-token', '[secret]']);
    const run = await t.client.runCheckup({
      endpointId: ep.id,
      burst: { count: 2, concurrency: 1 },
      latencySamples: 1,
    });
    const valid = run.probes.find((p) => p.id === 'valid')!;
    expect(valid.request!.headers).toContainEqual(['X-Gitlab-Token', '[secret]']);
    expect(valid.response!.body).toContain('"x-gitlab-token","[secret]"');

    const stored = [
      replayed,
      run,
      await t.client.getEvent({ id: event!.id }),
      await t.client.getCheckup({ id: run.id }),
      await t.client.listCheckups({}),
    ];
    expect(leaks(stored)).toEqual([]);
    // An ad-hoc check-up's own secret is taken out too.
    const adhoc = await t.client.runCheckup({
      target: app,
      provider: 'gitlab',
      secret: OTHER,
      burst: { count: 1, concurrency: 1 },
      latencySamples: 1,
    });
    expect(leaks([adhoc, await t.client.getCheckup({ id: adhoc.id })])).toEqual([]);

    // A real GitLab delivery carries the token; the forward passes it on, the app echoes it.
    const second = new Promise<void>((r) => t.client.on('forward.attempt', () => r()));
    await rawRequest(t.receiverUrl, {
      path: '/gitlab/push',
      headers: [['X-Gitlab-Token', TOKEN]],
      body: '{"object_kind":"push"}',
    });
    await second;
    const [latest] = (await t.client.listEvents({})).items;
    const { forwards } = await t.client.getEvent({ id: latest!.id });
    expect(forwards).toHaveLength(1);
    expect(forwards[0]!.response!.headers).toContainEqual(['x-echo-x-gitlab-token', '[secret]']);
    expect(leaks(forwards)).toEqual([]);
  });
});
