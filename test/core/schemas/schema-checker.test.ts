import { afterEach, describe, expect, it } from 'vitest';
import { SchemaChecker, type SchemaCheckerOptions } from '../../../src/core/schemas/schema-checker';
import { MAX_SCHEMA_BYTES } from '../../../src/core/schemas/schema-limits';
import { chatBody, chatSchema, doublingChain } from './helpers';

/**
 * Endpoints' own JSON Schemas run in a worker thread under deadlines (SchemaChecker): these
 * schemas take exponential time or memory on bodies of a few hundred bytes, and must cost the
 * engine's thread nothing but a bounded wait for the verdict.
 */

let checkers: SchemaChecker[] = [];
/** A checker; the wait for a verdict is long unless a test is about it (cold starts on a loaded machine take seconds). */
const checker = (opts: SchemaCheckerOptions = {}): SchemaChecker => {
  const c = new SchemaChecker({ waitMs: 60_000, ...opts });
  checkers.push(c);
  return c;
};
afterEach(async () => {
  await Promise.all(checkers.map((c) => c.close()));
  checkers = [];
});

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('SchemaChecker: user schemas off the engine thread, under deadlines', () => {
  it('checks ordinary bodies in the worker, in the same words as before', async () => {
    const c = checker();
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
    expect(await c.check(schema, json({ id: 'a' }))).toEqual({
      status: 'valid',
      name: 'endpoint JSON Schema',
    });
    expect(await c.check(schema, json({ id: 7 }))).toEqual({
      status: 'invalid',
      name: 'endpoint JSON Schema',
      issues: ['id: expected string, received number'],
    });
    // Not JSON: nothing to check. Too deep to parse: said so.
    expect(await c.check(schema, Buffer.from('id=a'))).toEqual({ status: 'none' });
    expect(await c.check(schema, Buffer.from('['.repeat(5000)))).toEqual({
      status: 'none',
      name: 'endpoint JSON Schema',
      issues: ['(root): not checked: the body is nested more than 1000 levels deep, not parsed'],
    });
  });

  it('answers bodies it would not parse at once, without the worker', async () => {
    // A compile deadline no worker can meet: only a verdict given without the worker passes.
    const c = checker({ compileMs: 1 });
    const schema = { type: 'object', title: 'never compiled' };
    expect(await c.check(schema, Buffer.from('id=a'))).toEqual({ status: 'none' });
    expect(await c.check(schema, Buffer.alloc(6 * 1024 * 1024, '{'))).toEqual({
      status: 'none',
      name: 'endpoint JSON Schema',
      issues: ['(root): not checked: the body is larger than 5 MB, not parsed'],
    });
  });

  it('keeps the first issue of a sub-1 KB body whose full list would take exponential time', async () => {
    // Regression: 37 s frozen at depth 20 and out of memory at 21, on the receiver's thread.
    // No cooldown: the same schema is checked again right after its check was stopped.
    const c = checker({ cooldownMs: 0 });
    const body = chatBody(21);
    expect(body.length).toBeLessThan(1024);
    const r = await c.check(chatSchema, body);
    expect(r.status).toBe('invalid');
    expect(r.issues?.[0]).toMatch(/^reply\.reply\..*text: expected string, received number$/);
    expect(r.issues?.at(-1)).toBe(
      '... (schema check took longer than 250 ms: stopped listing issues)',
    );
    // The worker that was stopped is replaced: the next check works.
    expect((await c.check(chatSchema, chatBody(2))).status).toBe('invalid');
    expect((await c.check(chatSchema, json({ kind: 'image', url: 'u' }))).status).toBe('valid');
  });

  it('stops a check past its deadline and says so (the anyOf doubling chain)', async () => {
    const c = checker();
    const r = await c.check(doublingChain(40), json(['aaaa']));
    expect(r).toEqual({
      status: 'error',
      name: 'endpoint JSON Schema',
      issues: [
        '(root): schema check took longer than 250 ms: the schema is too expensive for this body',
      ],
    });
    expect(await c.check({ items: { type: 'string' } }, json(['x']))).toMatchObject({
      status: 'valid',
    });
  });

  it('reports a check that runs out of memory, and carries on', async () => {
    // In the background (as for imports), so that no wait deadline answers first.
    const c = checker({ memoryMb: 64, checkMs: 60_000 });
    const r = await c.check(chatSchema, chatBody(24), true);
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'invalid' });
    expect(r.issues?.at(-1)).toBe(
      '... (schema check failed: it ran out of memory (more than 64 MB): stopped listing issues)',
    );
    expect((await c.check(chatSchema, chatBody(1))).status).toBe('invalid');
  });

  it('answers a delivery within waitMs even while the worker is busy', async () => {
    const c = checker({ checkMs: 5_000, waitMs: 300 });
    const slow = c.check(doublingChain(40), json(['aaaa']));
    const waiting = await c.check({ type: 'array' }, json(['x']));
    expect(waiting).toEqual({
      status: 'error',
      name: 'endpoint JSON Schema',
      issues: [
        '(root): no verdict within 300 ms: the schema checker was busy with earlier deliveries',
      ],
    });
    // The slow one, still waiting past its own waitMs, was answered the same way.
    expect((await slow).issues?.[0]).toMatch(/no verdict within 300 ms/);
  });

  it('runs live checks before background ones (imports)', async () => {
    const c = checker();
    const order: string[] = [];
    const schema = { type: 'array' };
    const background = Array.from({ length: 50 }, (_, i) =>
      c.check(schema, json([i]), true).then(() => order.push(`import ${i}`)),
    );
    const live = c.check(schema, json([1])).then(() => order.push('live'));
    await Promise.all([...background, live]);
    expect(order.indexOf('live')).toBeLessThan(order.length - 1);
    expect(order.indexOf('live')).toBeLessThanOrEqual(1);
  });

  it('remembers a schema too slow to compile: its deliveries are answered at once', async () => {
    const c = checker({ compileMs: 1 });
    const r = await c.check({ type: 'object', title: 'slow' }, json({}));
    const error =
      '(schema): schema took more than 0.001 s to compile: simplify it (fewer properties, shorter $ref chains)';
    expect(r).toEqual({ status: 'error', name: 'endpoint JSON Schema', issues: [error] });
    expect(await c.check({ type: 'object', title: 'slow' }, json({}))).toEqual(r);
  });
});

describe('SchemaChecker: one endpoint cannot starve the others', () => {
  const unchecked =
    "(root): schema unchecked: its last check took too long (more than 250 ms); this endpoint's deliveries are not checked for 30 s after that, so that other endpoints' checks are not held up";

  it("after one check of an endpoint passed its deadline, skips that endpoint's checks for the cooldown", async () => {
    // Regression (attack F4): 10 senders to an endpoint with a slow schema made every delivery
    // to another endpoint wait behind 250 ms checks and a new worker each, then `error`.
    const c = checker();
    const slowSchema = doublingChain(40);
    const slow = Array.from({ length: 10 }, () =>
      c.check(slowSchema, json(['aaaa']), false, 'ep-slow'),
    );
    const other = c.check({ type: 'object' }, json({}), false, 'ep-other');
    const results = await Promise.all(slow);
    expect(await other).toEqual({ status: 'valid', name: 'endpoint JSON Schema' });
    const issues = results.map((r) => r.issues?.[0]);
    // One check ran in the worker (and was stopped); the nine queued behind it did not run.
    expect(issues.filter((i) => i?.includes('schema check took longer than 250 ms'))).toHaveLength(
      1,
    );
    expect(issues.filter((i) => i === unchecked)).toHaveLength(9);
    // New deliveries to it during the cooldown are answered at once, without the worker.
    expect(await c.check(slowSchema, json(['aaaa']), false, 'ep-slow')).toEqual({
      status: 'error',
      name: 'endpoint JSON Schema',
      issues: [unchecked],
    });
    // The same schema on another endpoint is still checked.
    expect(await c.check({ type: 'array' }, json([]), false, 'ep-slow-too')).toMatchObject({
      status: 'valid',
    });
  });

  it('takes queued checks in turn between endpoints', async () => {
    const c = checker();
    const order: string[] = [];
    const schema = { type: 'array' };
    const busy = Array.from({ length: 30 }, (_, i) =>
      c.check(schema, json([i]), false, 'ep-busy').then(() => order.push('busy')),
    );
    const quiet = c.check(schema, json([1]), false, 'ep-quiet').then(() => order.push('quiet'));
    await Promise.all([...busy, quiet]);
    // Behind one busy check at most (the one running when it came), not behind all thirty.
    expect(order.indexOf('quiet')).toBeLessThanOrEqual(1);
  });
});

describe('SchemaChecker.validate: saving a schema is bounded, with errors in the user words', () => {
  const nest = (levels: number): unknown => {
    let s: unknown = { type: 'string' };
    for (let i = 0; i < levels; i++) s = { properties: { a: s } };
    return s;
  };
  const props = (n: number): unknown => ({
    type: 'object',
    properties: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }]),
    ),
  });

  it('refuses schemas past the size limits before compiling, saying which and where', async () => {
    const c = checker();
    expect(await c.validate(nest(100_000))).toEqual({
      ok: false,
      error:
        'schema too deeply nested: more than 100 levels at /properties/a/properties/a/properties/a/properties/a/...',
    });
    // Regression: a 20,000-property schema blocked deliveries 3 s, then said only "Maximum call
    // stack size exceeded".
    expect(await c.validate(props(20_000))).toEqual({
      ok: false,
      error: 'schema too large: more than 10,000 keywords and property names',
    });
    const big = { enum: ['x'.repeat(2 * MAX_SCHEMA_BYTES)] };
    expect(await c.validate(big)).toEqual({
      ok: false,
      error: 'schema too large: 2.0 MB of JSON, at most 1 MB',
    });
  });

  it('compiles in a worker of its own, under a deadline, and names what is wrong', async () => {
    const c = checker();
    expect(await c.validate({ type: 'object' })).toEqual({ ok: true });
    expect(await c.validate({ type: 'nonsense' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not a valid JSON Schema \(2020-12\): \/type must be one of: /),
    });
    const wide = await c.validate(props(4000));
    expect(wide.ok).toBe(false);
    const error = wide.ok ? '' : wide.error;
    expect(error).not.toMatch(/Maximum call stack/);
    expect(error).toMatch(
      /^schema too large to compile \(2020-12\)|^schema took more than 2 s to compile/,
    );
    expect(await checker({ compileMs: 1 }).validate({ type: 'object' })).toEqual({
      ok: false,
      error:
        'schema took more than 0.001 s to compile: simplify it (fewer properties, shorter $ref chains)',
    });
  });

  it('compiles concurrent saves one at a time, each under its own deadline: all four pass', async () => {
    // Regression (attack F8): 4 clients saving a 300-property schema at once each started a
    // worker; competing for the CPU, all four missed the 2 s wall-clock deadline.
    const c = checker();
    const saves = Array.from({ length: 4 }, (_, i) =>
      c.validate({ ...(props(300) as object), title: `save ${i}` }),
    );
    expect(await Promise.all(saves)).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    expect(c.compilesAtOnceMax).toBe(1);
  });

  it('refuses saves past the waiting line at once, in words', async () => {
    const c = checker({ maxWaitingCompiles: 2 });
    const saves = [1, 2, 3].map((i) => c.validate({ type: 'object', title: `t${i}` }));
    expect(await saves[2]).toEqual({
      ok: false,
      error: '2 other schemas are being saved at this moment; save again in a few seconds',
    });
    expect(await Promise.all(saves.slice(0, 2))).toEqual([{ ok: true }, { ok: true }]);
  });
});
