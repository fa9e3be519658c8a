import { wholeDetail } from '../../src/shared/event-body';
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';
import { stripeSignature } from '../helpers/stripe';

describe('export and import', () => {
  for (const format of ['har', 'ndjson'] as const) {
    it(`a ${format} export of 3 events imports back identical, marked imported`, async () => {
      const from = await startEngine();
      const to = await startEngine();
      try {
        const binary = randomBytes(64);
        await rawRequest(from.receiverUrl, {
          path: '/a?x=1&y=2',
          headers: [
            ['X-Dup', '1'],
            ['x-dup', '2'],
          ],
          body: '{"n":1}',
        });
        await rawRequest(from.receiverUrl, {
          method: 'PUT',
          path: '/b',
          headers: [['Content-Type', 'application/octet-stream']],
          body: binary,
        });
        await rawRequest(from.receiverUrl, { method: 'DELETE', path: '/c' });
        const { content, count } = await from.client.exportEvents({ format });
        expect(count).toBe(3);
        if (format === 'har') expect(JSON.parse(content).log.version).toBe('1.2');
        expect(await to.client.importEvents({ format, content })).toEqual({ imported: 3 });

        const pick = async (t: typeof from) => {
          const { items } = await t.client.listEvents({});
          return Promise.all(
            items.map(async (s) => {
              const e = await wholeDetail(t.client, await t.client.getEvent({ id: s.id }));
              return {
                method: e.method,
                path: e.path,
                query: e.query,
                headers: e.headers,
                body: e.body.base64,
                at: e.receivedAt,
              };
            }),
          );
        };
        expect(await pick(to)).toEqual(await pick(from));
        expect((await to.client.listEvents({})).items.every((e) => e.imported)).toBe(true);
        expect((await from.client.listEvents({})).items.some((e) => e.imported)).toBe(false);
      } finally {
        await from.stop();
        await to.stop();
      }
    });
  }

  it('refuses a file that is not HAR or NDJSON with a clear 400', async () => {
    await withEngine(async (t) => {
      await expect(
        t.client.importEvents({ format: 'har', content: '{"nope":1}' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: 'cannot import har: not a HAR file: no log.entries',
      });
      await expect(
        t.client.importEvents({ format: 'ndjson', content: 'x\n' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: expect.stringMatching(/line 1: not JSON/),
      });
      expect((await t.client.getStatus()).events).toBe(0);
    });
  });
});

describe('the response Hookscope gave, in exports', () => {
  it('is each HAR entry’s response, as configured at the time, and survives an import', async () => {
    const from = await startEngine();
    const to = await startEngine();
    const configured = {
      status: 202,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Hook', '1'],
      ] as [string, string][],
      body: '{"queued":true}',
      delayMs: 5,
    };
    try {
      await from.client.saveEndpoint({
        name: 'Hook',
        path: '/hook',
        response: configured,
        duplicateResponse: { status: 409, body: 'seen' },
      });
      const key: [string, string][] = [['Idempotency-Key', 'k1']];
      expect((await rawRequest(from.receiverUrl, { path: '/hook', headers: key })).status).toBe(
        202,
      );
      expect((await rawRequest(from.receiverUrl, { path: '/hook', headers: key })).status).toBe(
        409,
      );
      await rawRequest(from.receiverUrl, { path: '/plain', body: 'x' });
      // The endpoint's response changes later: the stored events keep what they were given.
      await from.client.saveEndpoint({
        id: (await from.client.listEndpoints({})).items.find((e) => e.path === '/hook')!.id,
        name: 'Hook',
        path: '/hook',
        response: { status: 200 },
      });
      const har = JSON.parse((await from.client.exportEvents({ format: 'har' })).content) as {
        log: { entries: { request: { url: string }; response: unknown; timings: unknown }[] };
      };
      const answers = har.log.entries.map((e) => ({ response: e.response, wait: e.timings }));
      expect(answers).toEqual([
        {
          response: {
            status: 202,
            statusText: 'Accepted',
            httpVersion: 'HTTP/1.1',
            headers: [
              { name: 'Content-Type', value: 'application/json' },
              { name: 'X-Hook', value: '1' },
            ],
            cookies: [],
            content: { size: 15, mimeType: 'application/json', text: '{"queued":true}' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 15,
          },
          wait: { send: 0, wait: 5, receive: 0 },
        },
        expect.objectContaining({
          response: expect.objectContaining({
            status: 409,
            statusText: 'Conflict',
            headers: [],
            content: { size: 4, mimeType: '', text: 'seen' },
          }),
        }),
        expect.objectContaining({
          response: expect.objectContaining({
            status: 200,
            headers: [{ name: 'Content-Type', value: 'application/json' }],
            content: { size: 11, mimeType: 'application/json', text: '{"ok":true}' },
          }),
        }),
      ]);
      // Through an import and out again: the same answers, in HAR and in NDJSON.
      const content = JSON.stringify(har);
      expect(await to.client.importEvents({ format: 'har', content })).toEqual({ imported: 3 });
      const again = JSON.parse((await to.client.exportEvents({ format: 'har' })).content) as {
        log: { entries: { response: unknown; timings: unknown }[] };
      };
      expect(again.log.entries.map((e) => ({ response: e.response, wait: e.timings }))).toEqual(
        answers,
      );
      const ndjson = (await to.client.exportEvents({ format: 'ndjson' })).content;
      const lines = ndjson
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { response: unknown });
      // NDJSON keeps the response as the endpoint had it configured.
      expect(lines[0]!.response).toEqual(configured);
    } finally {
      await from.stop();
      await to.stop();
    }
  });
});

/** Runs `fn` with a fresh engine, stopped afterwards whatever happens. */
async function withEngine(fn: (t: TestEngine) => Promise<void>): Promise<void> {
  const t = await startEngine();
  try {
    await fn(t);
  } finally {
    await t.stop();
  }
}

/** What a refused export answer tells the person to do instead. */
const FEWER_OR_STREAM =
  'export fewer events (ids or limit), or stream any size to a file with `hookscope events export --out FILE`';

/** Sends `count` deliveries of `body` to /`name`/0, /`name`/1, ...; each must be stored (200). */
async function receive(t: TestEngine, name: string, body: Buffer, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    expect((await rawRequest(t.receiverUrl, { path: `/${name}/${i}`, body })).status).toBe(200);
  }
}

describe('bounded export and import', () => {
  it('refuses an export answer over the limit before building it, saying what to do', async () => {
    await withEngine(async (t) => {
      await receive(t, 'big', randomBytes(12 * 1024 * 1024), 3);
      const get = vi.spyOn(t.engine.events, 'get');
      await expect(t.client.exportEvents({ format: 'har' })).rejects.toMatchObject({
        code: 'bad_input',
        message: `the export would hold 36.0 MB of bodies (3 events), more than the 32.0 MB one answer can carry: ${FEWER_OR_STREAM}`,
      });
      // Refused on the sizes alone: no body was read.
      expect(get).not.toHaveBeenCalled();
      const two = await t.client.exportEvents({ format: 'ndjson', limit: 2 });
      expect(two.count).toBe(2);
    });
  });

  it('refuses an answer whose text outgrows the limit although its bodies are small', async () => {
    // 10 bodies of 2 MB of NUL bytes: 20 MB of bodies, but each NUL is "\u0000" in the JSON
    // text (plus a base64 copy): about 150 MB of text, refused as it is built.
    await withEngine(async (t) => {
      await receive(t, 'nul', Buffer.alloc(2 * 1024 * 1024), 10);
      for (const format of ['har', 'ndjson'] as const) {
        await expect(t.client.exportEvents({ format })).rejects.toMatchObject({
          code: 'bad_input',
          message: `the export would be more than 100.0 MB of text (10 events; headers, escaped text and base64 copies of the bodies count), more than one answer can carry: ${FEWER_OR_STREAM}`,
        });
      }
      const two = await t.client.exportEvents({ format: 'har', limit: 2 });
      expect(two.count).toBe(2);
    });
  });

  it('lets live deliveries through during a 20,000-event import', async () => {
    // Regression: the import was read, checked and appended in one go (11 s of a blocked
    // receiver); the live delivery was committed in the same batch as all 20,000.
    await withEngine(async (t) => {
      const line = (i: number): string =>
        JSON.stringify({
          method: 'POST',
          path: `/imported/${i}`,
          headers: [['X-N', String(i)]],
          body: { base64: Buffer.from(`{"n":${i}}`).toString('base64') },
        });
      const content = Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n');
      let imported = false;
      const importing = t.client.importEvents({ format: 'ndjson', content }).then((r) => {
        imported = true;
        return r;
      });
      const live = await rawRequest(t.receiverUrl, { path: '/live', body: 'x' });
      const storedAtAck = await t.engine.events.count();
      expect(live.status).toBe(200);
      expect(imported).toBe(false);
      expect(storedAtAck).toBeLessThan(20_000);
      expect(await importing).toEqual({ imported: 20_000 });
      expect((await t.client.getStatus()).events).toBe(20_001);
    });
  });
});

describe('imported events keep what they were exported with', () => {
  const secret = 'whsec_import_keeps_verdicts';
  for (const format of ['har', 'ndjson'] as const) {
    it(`${format}: the exported verdicts, not a stale re-check; not duplicates of their originals; a re-import adds nothing`, async () => {
      const from = await startEngine();
      let now = Date.now();
      const to = await startEngine({ clock: () => now });
      try {
        for (const t of [from, to]) {
          await t.client.saveEndpoint({
            name: 'Stripe',
            path: '/stripe',
            provider: 'stripe',
            secrets: [secret],
          });
        }
        const body = '{"id":"evt_imp","object":"event","type":"invoice.paid"}';
        const header = stripeSignature(body, secret);
        await rawRequest(from.receiverUrl, {
          path: '/stripe',
          headers: [['Stripe-Signature', header]],
          body,
        });
        const { content } = await from.client.exportEvents({ format });
        // Into the log it came from: nothing new, no duplicate of the original.
        expect(await from.client.importEvents({ format, content })).toEqual({
          imported: 0,
          skipped: 1,
        });
        const [original] = (await from.client.listEvents({})).items;
        expect((await from.client.listEvents({})).items).toHaveLength(1);
        expect(original!.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });

        // Into another log an hour later: the verdict it was exported with, marked imported.
        now += 3_600_000;
        expect(await to.client.importEvents({ format, content })).toEqual({ imported: 1 });
        const [copy] = (await to.client.listEvents({})).items;
        expect(copy).toMatchObject({ id: original!.id, imported: true, eventType: 'invoice.paid' });
        const detail = await to.client.getEvent({ id: copy!.id });
        expect(detail.signature.status).toBe('valid');
        expect(detail.idempotency).toMatchObject({ key: 'evt_imp', duplicateOf: null });
        // Again: idempotent (the same event id is in the log).
        expect(await to.client.importEvents({ format, content })).toEqual({
          imported: 0,
          skipped: 1,
        });
        expect((await to.client.listEvents({})).items).toHaveLength(1);
      } finally {
        await from.stop();
        await to.stop();
      }
    });
  }
});

describe('imports follow the live duplicate rules', () => {
  for (const format of ['har', 'ndjson'] as const) {
    it(`(${format}) an unsigned delivery on an endpoint with a secret is no one's first; the signed one is`, async () => {
      const secret = 'whsec_import_rule_0123456789';
      const from = await startEngine();
      const to = await startEngine();
      try {
        for (const t of [from, to]) {
          await t.client.saveEndpoint({ name: 'Auto', path: '/auto', secrets: [secret] });
        }
        const body = '{"id":"evt_k1","object":"event","type":"invoice.paid"}';
        const key: [string, string] = ['Idempotency-Key', 'k1'];
        await rawRequest(from.receiverUrl, { path: '/auto', headers: [key], body });
        await rawRequest(from.receiverUrl, {
          path: '/auto',
          headers: [key, ['Stripe-Signature', stripeSignature(body, secret)]],
          body,
        });
        const { content } = await from.client.exportEvents({ format });
        expect(await to.client.importEvents({ format, content })).toEqual({ imported: 2 });
        const items = (await to.client.listEvents({})).items;
        const signed = items.find((e) => e.signature.status === 'valid')!;
        const unsigned = items.find((e) => e.signature.status !== 'valid')!;
        expect(unsigned.idempotency).toMatchObject({ duplicateOf: null, unverified: true });
        expect(signed.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });
        expect(signed.idempotency.unverified).toBeUndefined();
      } finally {
        await from.stop();
        await to.stop();
      }
    });
  }

  it('imports a lowercase method as the receiver stores it, so the method filter finds it', async () => {
    const t = await startEngine();
    try {
      const line = (method: string, id: string) =>
        JSON.stringify({
          id,
          receivedAt: new Date(1_700_000_000_000).toISOString(),
          method,
          path: '/m',
          query: '',
          headers: [],
          body: { base64: '' },
        });
      const content = `${line('post', 'evt-m1')}\n${line('Post', 'evt-m2')}\n`;
      expect(await t.client.importEvents({ format: 'ndjson', content })).toMatchObject({
        imported: 2,
      });
      const page = await t.client.listEvents({ method: 'post', withTotal: true });
      expect(page.total).toBe(2);
      expect(page.items.map((e) => e.method)).toEqual(['POST', 'POST']);
    } finally {
      await t.stop();
    }
  });
});
