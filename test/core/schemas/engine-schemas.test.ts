import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/http';
import { startEngine, type TestEngine } from '../../helpers/engine';
import { chatBody, chatSchema, doublingChain } from './helpers';

/**
 * An endpoint's own JSON Schema through the real engine and receiver: checked in the schema
 * worker, never holding up other deliveries, and every delivery stored with a verdict.
 */

let running: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.stop()));
  running = [];
});
const engine = async (opts: Parameters<typeof startEngine>[0] = {}): Promise<TestEngine> => {
  const t = await startEngine(opts);
  running.push(t);
  return t;
};

/** The stored event of the newest delivery to `path`. */
async function stored(t: TestEngine, path: string) {
  const { items } = await t.client.listEvents({ limit: 500 });
  const summary = items.find((e) => e.path === path);
  expect(summary, path).toBeDefined();
  return t.client.getEvent({ id: summary!.id });
}

const doubling = doublingChain(40);

describe("an endpoint's own JSON Schema, through the engine", () => {
  it('never holds the receiver: other deliveries are answered while a check runs', async () => {
    // The check's deadline lengthened so it still runs while the others are sent.
    const t = await engine({ schemaChecker: { checkMs: 3_000, waitMs: 60_000 } });
    await t.client.saveEndpoint({ name: 'Slow', path: '/slow', jsonSchema: doubling });
    let slowAnswered = false;
    const slow = rawRequest(t.receiverUrl, { path: '/slow', body: '["aaaa"]' }).then((r) => {
      slowAnswered = true;
      return r;
    });
    for (let i = 0; i < 5; i++) {
      const r = await rawRequest(t.receiverUrl, { path: `/fast/${i}`, body: `{"n":${i}}` });
      expect(r.status).toBe(200);
    }
    expect(slowAnswered).toBe(false);
    expect((await slow).status).toBe(200);
    const e = await stored(t, '/slow');
    expect(e.schema).toEqual({
      status: 'error',
      name: 'endpoint JSON Schema',
      issues: [
        '(root): schema check took longer than 3000 ms: the schema is too expensive for this body',
      ],
    });
  });

  it('stores the sub-1 KB chat body of issue #13.2 with its first issue, and carries on', async () => {
    // Regression: 37 s frozen at depth 20, out of memory (the process gone) at 21. The wait
    // for a verdict is lengthened: a loaded test machine can take seconds to start a worker.
    // No cooldown after the stopped check: the next delivery to the endpoint is checked too.
    const t = await engine({ schemaChecker: { waitMs: 60_000, cooldownMs: 0 } });
    await t.client.saveEndpoint({ name: 'Chat', path: '/chat', jsonSchema: chatSchema });
    const r = await rawRequest(t.receiverUrl, { path: '/chat', body: chatBody(24) });
    expect(r.status).toBe(200);
    const e = await stored(t, '/chat');
    expect(e.schema.status, JSON.stringify(e.schema)).toBe('invalid');
    expect(e.schema.issues?.[0]).toMatch(/text: expected string, received number$/);
    expect(e.schema.issues?.at(-1)).toMatch(/^\.\.\. \(schema check took longer than 250 ms/);
    const ok = await rawRequest(t.receiverUrl, {
      path: '/chat/2',
      body: '{"kind":"text","text":"hi","reply":{"kind":"image","url":"u"}}',
    });
    expect(ok.status).toBe(200);
    expect((await stored(t, '/chat/2')).schema).toEqual({
      status: 'valid',
      name: 'endpoint JSON Schema',
    });
  });

  it("replaces the provider's built-in schema; without one, the built-in applies", async () => {
    const t = await engine();
    const body = JSON.stringify({ id: 'evt_1', type: 'batch.completed', created_at: 1, data: {} });
    const headers: [string, string][] = [['User-Agent', 'OpenAI/1.0']];
    await t.client.saveEndpoint({ name: 'AI', path: '/ai', provider: 'openai' });
    await t.client.saveEndpoint({
      name: 'Own',
      path: '/own',
      provider: 'openai',
      jsonSchema: { required: ['job'] },
    });
    await rawRequest(t.receiverUrl, { path: '/ai', headers, body });
    await rawRequest(t.receiverUrl, { path: '/own', headers, body });
    expect((await stored(t, '/ai')).schema).toMatchObject({
      status: 'invalid',
      name: 'OpenAI batch.completed',
    });
    expect((await stored(t, '/own')).schema).toEqual({
      status: 'invalid',
      name: 'endpoint JSON Schema',
      issues: ['job: required'],
    });
  });

  it('refuses schemas past the limits at save time, in words, and keeps answering', async () => {
    const t = await engine();
    const wide = {
      properties: Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [`p${i}`, { type: 'string' }]),
      ),
    };
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { properties: { a: deep } };
    for (const [schema, error] of [
      [wide, 'schema too large: more than 10,000 keywords and property names'],
      [deep, 'schema too deeply nested: more than 100 levels at /properties/a/properties/a/'],
    ] as const) {
      const saving = t.client
        .saveEndpoint({ name: 'Big', path: '/big', jsonSchema: schema as Record<string, unknown> })
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect((await rawRequest(t.receiverUrl, { path: '/meanwhile', body: 'x' })).status).toBe(200);
      expect(await saving).toMatchObject({
        code: 'bad_input',
        message: expect.stringContaining(`the JSON Schema cannot be used: ${error}`),
        issues: [{ path: ['jsonSchema'], message: expect.stringContaining(error) }],
      });
    }
    expect((await t.client.listEndpoints({})).items.some((e) => e.path === '/big')).toBe(false);
  });

  it("keeps other endpoints' verdicts while senders flood an endpoint with a ReDoS pattern", async () => {
    // Regression (attack F4): 10 senders posting "a"×34 + "!" to a `^(a|a)*$` endpoint made a
    // plain `{type: 'object'}` endpoint's deliveries wait 2 s and be stored `error`.
    const t = await engine({ schemaChecker: { waitMs: 60_000 } });
    const pattern = { properties: { id: { type: 'string', pattern: '^(a|a)*$' } } };
    await t.client.saveEndpoint({ name: 'ReDoS', path: '/redos', jsonSchema: pattern });
    await t.client.saveEndpoint({ name: 'Plain', path: '/plain', jsonSchema: { type: 'object' } });
    const body = JSON.stringify({ id: `${'a'.repeat(34)}!` });
    const flood = Array.from({ length: 10 }, (_, i) =>
      rawRequest(t.receiverUrl, { path: `/redos/${i}`, body }),
    );
    const plain = await rawRequest(t.receiverUrl, { path: '/plain', body: '{}' });
    expect(plain.status).toBe(200);
    for (const r of await Promise.all(flood)) expect(r.status).toBe(200);
    expect((await stored(t, '/plain')).schema).toEqual({
      status: 'valid',
      name: 'endpoint JSON Schema',
    });
    // Each flooding delivery was checked to its verdict, by the linear engine.
    for (let i = 0; i < 10; i++) {
      expect((await stored(t, `/redos/${i}`)).schema).toEqual({
        status: 'invalid',
        name: 'endpoint JSON Schema',
        issues: ['id: must match pattern "^(a|a)*$"'],
      });
    }
  });

  it('says a path is in use before compiling the schema (409, not a compile error)', async () => {
    // A schema that does not compile: before, its compile error was all the user was told.
    const t = await engine();
    await t.client.saveEndpoint({ name: 'A', path: '/taken' });
    await expect(
      t.client.saveEndpoint({ name: 'B', path: '/taken', jsonSchema: { type: 'nonsense' } }),
    ).rejects.toMatchObject({ code: 'conflict', message: 'endpoint "A" already uses /taken' });
  });

  it('costs a delivery a bounded wait: the figure, printed', async () => {
    const t = await engine();
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    await t.client.saveEndpoint({ name: 'S', path: '/s', jsonSchema: schema });
    const body = JSON.stringify({ id: 'evt_1', data: { a: [1, 2, 3] } });
    const time = async (path: string): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) await rawRequest(t.receiverUrl, { path, body });
      return ((performance.now() - t0) / 200) * 1000;
    };
    await time('/s'); // warm both paths
    const plain = await time('/plain');
    const checked = await time('/s');
    expect((await stored(t, '/s')).schema.status).toBe('valid');
    console.log(
      `user schema check through the worker: ${(checked - plain).toFixed(0)} µs per delivery ` +
        `(${checked.toFixed(0)} µs with, ${plain.toFixed(0)} µs without; 200 sequential 80-byte POSTs)`,
    );
  });
});
