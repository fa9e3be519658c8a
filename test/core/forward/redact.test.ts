import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { MAX_DECODED_FOR_REDACTION, Redactor } from '../../../src/core/forward/redact';
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

  it('takes out base64, base64url, hex and any letter case of a secret, also inside longer base64', () => {
    const r = new Redactor([TOKEN, OTHER]);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const body = [
      b64(TOKEN),
      Buffer.from(TOKEN).toString('base64url'),
      Buffer.from(OTHER).toString('base64url'),
      Buffer.from(TOKEN).toString('hex'),
      Buffer.from(TOKEN).toString('hex').toUpperCase(),
      TOKEN.toUpperCase(),
      encodeURIComponent(OTHER).toLowerCase(),
    ].join('|');
    const out = r.body(Buffer.from(body), false).toString();
    expect(out).toBe(Array(7).fill('[secret]').join('|'));
    // Basic credentials hold the token after "user:", at any offset in the base64 text.
    for (const user of ['g', 'gi', 'git']) {
      const basic = `Basic ${b64(`${user}:${TOKEN}`)}`;
      expect(r.text(basic)).toContain('[secret]');
      const left = r.text(basic).split('[secret]').join('');
      expect(Buffer.from(left.slice(6), 'base64').toString('latin1')).not.toContain(
        TOKEN.slice(0, 8),
      );
    }
    // Bytes around a secret stay exact (not UTF-8 text).
    const bin = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(TOKEN), Buffer.from([0x80])]);
    expect(r.body(bin, false)).toEqual(
      Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('[secret]'), Buffer.from([0x80])]),
    );
  });

  it('looks inside a gzip, deflate or br answer, and does not keep one too large to check', () => {
    const r = new Redactor([TOKEN]);
    const json = Buffer.from(JSON.stringify({ echoed: TOKEN, ok: true }));
    const answer = (body: Buffer, coding: string, truncated = false) =>
      r.result({
        status: 200,
        error: null,
        durationMs: 1,
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', coding],
        ],
        body,
        truncated,
      });
    for (const [coding, packed] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['deflate', deflateRawSync(json)],
      ['br', brotliCompressSync(json)],
      ['gzip, br', brotliCompressSync(gzipSync(json))],
    ] as const) {
      const out = answer(packed, coding);
      expect({ coding, body: out.body.toString() }).toEqual({
        coding,
        body: '{"echoed":"[secret]","ok":true}',
      });
      expect(out.headers).toEqual([
        ['Content-Type', 'application/json'],
        ['X-Hookscope-Note', `body decoded from ${coding} to take out a secret`],
      ]);
    }
    // Cut off at 64 KB: what the kept part holds is still found.
    const long = gzipSync(Buffer.from(`${'x'.repeat(100)}${TOKEN}${'y'.repeat(200_000)}`));
    const cut = answer(long.subarray(0, Math.floor(long.length / 2)), 'gzip', true);
    expect(cut.body.toString()).toContain('[secret]');
    expect(cut.body.toString()).not.toContain(TOKEN);
    // Without a secret inside, the answer is kept as it came.
    const plain = gzipSync(Buffer.from('{"ok":true}'));
    expect(answer(plain, 'gzip').body).toEqual(plain);
    // A bomb: not decoded past 4 MB, and not kept.
    const bomb = answer(gzipSync(Buffer.alloc(MAX_DECODED_FOR_REDACTION + 1)), 'gzip');
    expect(bomb.body.length).toBe(0);
    expect(bomb.headers.at(-1)![1]).toBe(
      'body not kept: decoded (gzip) it is more than 4 MB, too large to check for secrets',
    );
  });

  it('takes out the start of a secret where a kept answer was cut off, not elsewhere', () => {
    const r = new Redactor([TOKEN]);
    const cut = Buffer.from(`xxxx${TOKEN.slice(0, 9)}`);
    expect(r.body(cut, true).toString()).toBe('xxxx[secret]');
    expect(r.body(cut, false).toString()).toBe(cut.toString());
    expect(r.body(Buffer.from('xxxxgl-'), true).toString()).toBe('xxxxgl-');
  });

  it('takes a secret out of a query string however it is percent-encoded, keeping the rest as sent', () => {
    const secret = 'abc_def-ghi.123~x y';
    const r = new Redactor([secret]);
    const everyByte = (s: string, upper: boolean): string =>
      [...Buffer.from(s)]
        .map((b, i) => {
          const hex = b.toString(16).padStart(2, '0');
          return `%${upper === (i % 2 === 0) ? hex.toUpperCase() : hex}`;
        })
        .join('');
    const spellings = [
      secret.replace(' ', '%20'),
      'abc%5Fdef-ghi.123~x+y',
      'abc%5fdef%2Dghi.123%7Ex+y',
      everyByte(secret, true),
      everyByte(secret, false),
    ];
    for (const spelled of spellings) {
      expect(r.query(`a=1&token=${spelled}&b=2`)).toBe('a=1&token=[secret]&b=2');
      // Inside a longer value, as a name, and in a public URL's query.
      expect(r.query(`sig=pre${spelled}post`)).toBe('sig=pre[secret]post');
      expect(r.query(`${spelled}=1`)).toBe('[secret]=1');
      expect(r.url(`https://x.ngrok.app/hooks?token=${spelled}`)).toBe(
        'https://x.ngrok.app/hooks?token=[secret]',
      );
    }
    // Not the secret: left exactly as sent, broken escapes included.
    for (const q of ['token=abc%5Fdef', 'q=%zz%4&x=abc_def-ghi', 'a+b=c%20d']) {
      expect(r.query(q)).toBe(q);
    }
    // A multi-byte character percent-encoded in a secret.
    const accented = new Redactor(['clé-secrète-42']);
    expect(accented.query(`k=${encodeURIComponent('clé-secrète-42')}`)).toBe('k=[secret]');
    expect(accented.query('k=cl%C3%A9-secr%c3%a8te-42&z=%C3%A9')).toBe('k=[secret]&z=%C3%A9');
  });

  it('takes a secret under 8 characters out only as a whole token, never out of other words', () => {
    const r = new Redactor(['abc']);
    // Whole values and tokens: masked.
    expect(r.headers([['X-Gitlab-Token', 'abc']])).toEqual([['X-Gitlab-Token', '[secret]']]);
    expect(r.text('Bearer abc')).toBe('Bearer [secret]');
    expect(r.text('ABC, abc;abc')).toBe('[secret], [secret];[secret]');
    expect(r.query('token=abc&x=1')).toBe('token=[secret]&x=1');
    expect(r.query('token=%61%62%63')).toBe('token=[secret]');
    expect(r.body(Buffer.from('{"t":"abc"}'), false).toString()).toBe('{"t":"[secret]"}');
    // Inside other words: left alone (it was "[secret]" in every one of them).
    const text = 'application/abcd; charset=utf-8; fabc=xabcx; abc1';
    expect(r.text(text)).toBe(text);
    expect(r.headers([['User-Agent', 'Labcorp-abcde/1.0']])).toEqual([
      ['User-Agent', 'Labcorp-abcde/1.0'],
    ]);
    expect(r.query('q=cabcab&abcd=1')).toBe('q=cabcab&abcd=1');
    expect(r.body(Buffer.from('xabcx'), false).toString()).toBe('xabcx');
    // From 8 characters on, a secret is taken out wherever it is.
    expect(new Redactor(['abcdefgh']).text('xxabcdefghxx')).toBe('xx[secret]xx');
  });
});

/** An app that echoes every header it was sent, in its answer's headers and body. */
async function echoApp(): Promise<{ url: string; seen: Record<string, unknown>[] }> {
  const seen: Record<string, unknown>[] = [];
  const app = createServer((req, res) => {
    seen.push({ ...req.headers });
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
  return { url: `http://127.0.0.1:${(app.address() as AddressInfo).port}`, seen };
}

/** An engine with one GitLab endpoint holding `secrets`; stopped after the test. */
async function gitlabEngine(endpoint: {
  name: string;
  path: string;
  secrets: string[];
  forwardTo?: string;
}) {
  const t = await startEngine();
  cleanups.push(() => t.stop());
  const ep = await t.client.saveEndpoint({ ...endpoint, provider: 'gitlab' });
  return { t, ep };
}

/** Sends `req` to the receiver and waits for the forward attempt that follows; that attempt. */
async function deliverForwarded(t: TestEngine, req: Parameters<typeof rawRequest>[1]) {
  const attempt = new Promise<unknown>((r) => t.client.on('forward.attempt', (a) => r(a)));
  await rawRequest(t.receiverUrl, req);
  return attempt;
}

describe('what a target answers is stored without secrets', () => {
  const leaks = (value: unknown): string[] =>
    [TOKEN, OTHER].filter((s) => JSON.stringify(value).includes(s));

  it('in forward and replay attempts and in check-up runs, with a handler that echoes headers', async () => {
    const app = await echoApp();
    const { t, ep } = await gitlabEngine({
      name: 'GitLab',
      path: '/gitlab',
      secrets: [TOKEN, OTHER],
      forwardTo: `${app.url}/hooks`,
    });
    // A delivery without the token (a GitLab one would carry it: see the report): the app's
    // answer still must not bring a secret in. Its forward, then a re-signed replay that
    // does carry X-Gitlab-Token, and a check-up as GitLab.
    await deliverForwarded(t, {
      path: '/gitlab/push',
      headers: [['X-Gitlab-Event', 'Push Hook']],
      body: '{"object_kind":"push"}',
    });
    const [event] = (await t.client.listEvents({})).items;
    // It arrived unsigned: re-signed only with the body as the user's own edit.
    await expect(t.client.replayEvent({ id: event!.id, resign: true })).rejects.toThrow(
      /cannot re-sign: its signature did not verify when it arrived \(missing\)/,
    );
    const replayed = await t.client.replayEvent({
      id: event!.id,
      resign: true,
      edits: { body: '{"object_kind":"push"}' },
    });
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
      target: app.url,
      provider: 'gitlab',
      secret: OTHER,
      burst: { count: 1, concurrency: 1 },
      latencySamples: 1,
    });
    expect(leaks([adhoc, await t.client.getCheckup({ id: adhoc.id })])).toEqual([]);

    // A real GitLab delivery carries the token; the forward passes it on, the app echoes it.
    await deliverForwarded(t, {
      path: '/gitlab/push',
      headers: [['X-Gitlab-Token', TOKEN]],
      body: '{"object_kind":"push"}',
    });
    const [latest] = (await t.client.listEvents({})).items;
    const detail = await t.client.getEvent({ id: latest!.id });
    const { forwards } = detail;
    expect(forwards).toHaveLength(1);
    expect(forwards[0]!.response!.headers).toContainEqual(['x-echo-x-gitlab-token', '[secret]']);
    expect(leaks(forwards)).toEqual([]);
    // The token GitLab sent: verified, passed on to the app as sent (it checks it), and shown
    // as [secret] in the event, its exports and a diff.
    expect(detail.signature.status).toBe('valid');
    expect(app.seen.at(-1)!['x-gitlab-token']).toBe(TOKEN);
    expect(detail.headers).toContainEqual(['X-Gitlab-Token', '[secret]']);
    const answers = [
      detail,
      await t.client.exportEvents({ format: 'har', ids: [latest!.id] }),
      await t.client.exportEvents({ format: 'ndjson', ids: [latest!.id] }),
      await t.client.diffEvents({ a: event!.id, b: latest!.id }),
    ];
    expect(leaks(answers)).toEqual([]);
    expect(JSON.stringify(answers[3])).toContain('[secret]');
    // A redrive still sends the token itself.
    await t.client.replayEvent({ id: latest!.id });
    expect(app.seen.at(-1)!['x-gitlab-token']).toBe(TOKEN);
  });
});

describe('a secret a sender puts in the query string', () => {
  it('is [secret] in getEvent, exports, Copy as cURL and diff however it is percent-encoded, and is sent on as received', async () => {
    const app = await echoApp();
    const secret = 'q_secret-4f9a_77b1';
    const { t } = await gitlabEngine({
      name: 'Tokened',
      path: '/tok',
      secrets: [secret],
      forwardTo: `${app.url}/in`,
    });
    const encoded = [...Buffer.from(secret)]
      .map((b, i) => `%${i % 2 ? b.toString(16) : b.toString(16).toUpperCase()}`)
      .join('');
    const spellings = [secret.replaceAll('_', '%5F'), encoded];
    const ids: string[] = [];
    for (const spelled of spellings) {
      await deliverForwarded(t, { path: `/tok/hook?x=1&token=${spelled}`, body: '{}' });
      ids.push((await t.client.listEvents({ limit: 1 })).items[0]!.id);
    }
    for (const [i, id] of ids.entries()) {
      const detail = await t.client.getEvent({ id });
      expect(detail.query).toBe('x=1&token=[secret]');
      // Copy as cURL is built from these fields (renderer fullUrl + toCurl) and nothing else.
      const curlUrl = detail.publicUrl ?? `${t.receiverUrl}${detail.path}?${detail.query}`;
      const answers = JSON.stringify([
        detail,
        curlUrl,
        await t.client.exportEvents({ format: 'har', ids: [id] }),
        await t.client.exportEvents({ format: 'ndjson', ids: [id] }),
        await t.client.diffEvents({ a: ids[0]!, b: id }),
      ]);
      expect(answers).not.toContain(spellings[i]!);
      expect(answers.toLowerCase()).not.toContain(encoded.toLowerCase());
      expect(answers).not.toContain(secret);
    }
    // The forward passed the query on as it came.
    const source = (await t.engine.events.source(ids[1]!))!;
    expect(source.query).toBe(`x=1&token=${encoded}`);
  });
});

describe('a secret a sender puts in the path', () => {
  it('is [secret] in the list, pushes, getEvent and exports, literal or percent-encoded, and search cannot find it', async () => {
    const secret = 'glsecretTOKEN_abc123';
    const { t } = await gitlabEngine({ name: 'GitLab', path: '/gitlab', secrets: [secret] });
    const pushed: string[] = [];
    t.client.on('events.batch', (b) => pushed.push(...b.items.map((e) => e.path)));
    const encoded = secret.replaceAll('_', '%5F');
    await rawRequest(t.receiverUrl, { path: `/gitlab/${secret}/hook`, body: '{}' });
    await rawRequest(t.receiverUrl, { path: `/gitlab/i;token=${encoded}`, body: '{}' });
    const { items } = await t.client.listEvents({});
    expect(items.map((e) => e.path).sort()).toEqual([
      '/gitlab/[secret]/hook',
      '/gitlab/i;token=[secret]',
    ]);
    const answers = JSON.stringify([
      items,
      await Promise.all(items.map((e) => t.client.getEvent({ id: e.id }))),
      await t.client.exportEvents({ format: 'har', ids: items.map((e) => e.id) }),
      await t.client.exportEvents({ format: 'ndjson', ids: items.map((e) => e.id) }),
    ]);
    expect(answers).not.toContain(secret);
    expect(answers).not.toContain(encoded);
    for (const q of [secret, 'glsecret*', `path:${secret}`]) {
      expect((await t.client.listEvents({ query: q })).items).toEqual([]);
    }
    expect((await t.client.listEvents({ query: 'hook' })).items).toHaveLength(1);
    await expect.poll(() => pushed.length).toBeGreaterThanOrEqual(2);
    expect(pushed.join(' ')).not.toContain(secret);
  });

  it("is [secret] in a refused forward's reason, dead letters, and a delivery id taken from a header", async () => {
    const secret = 'glsecretTOKEN_abc123';
    const { t } = await gitlabEngine({
      name: 'GitLab',
      path: '/gitlab',
      secrets: [secret],
      forwardTo: 'http://127.0.0.1:9/in',
    });
    // A dot segment: the forward is refused, and its reason quotes the received path.
    const pushed = JSON.stringify(
      await deliverForwarded(t, {
        path: `/gitlab/./${secret}`,
        headers: [['Idempotency-Key', secret]],
        body: '{}',
      }),
    );
    const { items } = await t.client.listEvents({});
    const answers = JSON.stringify([
      pushed,
      items,
      await t.client.getEvent({ id: items[0]!.id }),
      await t.client.listDeadLetters({}),
    ]);
    expect(answers).toContain('refused');
    expect(answers).not.toContain(secret);
  });
});
