import AjvCore from 'ajv/dist/core.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ISSUES } from '../../../src/core/schemas/issues';
import { checkUserSchema, compileUserSchema } from '../../../src/core/schemas/user-schema';

const check = (schema: unknown, json: unknown) => checkUserSchema(schema, json);

const orderSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['type', 'data'],
  properties: {
    type: { enum: ['order.created', 'order.paid'] },
    data: {
      type: 'object',
      required: ['id', 'items'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 3 },
        items: { type: 'array', items: { type: 'object', required: ['sku'] } },
        total: { type: ['integer', 'null'], minimum: 0 },
        headers: { type: 'object', properties: { 'content-type': { const: 'json' } } },
      },
    },
  },
};

afterEach(() => vi.restoreAllMocks());

describe('endpoint JSON Schema', () => {
  it('accepts a body that matches', () => {
    const body = { type: 'order.paid', data: { id: 'ord_1', items: [{ sku: 'A' }], total: 3 } };
    expect(check(orderSchema, body)).toEqual({ status: 'valid', name: 'endpoint JSON Schema' });
  });

  it('reports every failing path in the same words as the built-in schemas', () => {
    const body = {
      type: 'order.refunded',
      data: {
        id: 7,
        items: [{ sku: 'A' }, { qty: 1 }],
        total: -1,
        extra: true,
        headers: { 'content-type': 'xml' },
      },
    };
    expect(check(orderSchema, body)).toEqual({
      status: 'invalid',
      name: 'endpoint JSON Schema',
      issues: [
        'type: expected "order.created" or "order.paid", received "order.refunded"',
        'data.extra: unexpected property',
        'data.id: expected string, received number',
        'data.items[1].sku: required',
        'data.total: must be >= 0',
        'data.headers["content-type"]: expected "json", received "xml"',
      ],
    });
    expect(check(orderSchema, {}).issues).toEqual(['type: required', 'data: required']);
    expect(check(orderSchema, []).issues).toEqual(['(root): expected object, received array']);
  });

  it('takes boolean schemas', () => {
    expect(check(true, { anything: 1 })).toEqual({
      status: 'valid',
      name: 'endpoint JSON Schema',
    });
    expect(check(false, {}).status).toBe('invalid');
  });

  it('does not let Object.prototype satisfy `required`', () => {
    expect(check({ required: ['toString', 'constructor'] }, {}).issues).toEqual([
      'toString: required',
      'constructor: required',
    ]);
  });

  it('runs draft-07 (explicit or as fallback), 2019-09 and draft-06 schemas', () => {
    const tuple = { items: [{ type: 'string' }, { type: 'number' }], additionalItems: false };
    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', ...tuple };
    for (const schema of [draft07, tuple]) {
      expect(compileUserSchema(schema)).toEqual({ ok: true });
      expect(check(schema, ['a', 1]).status).toBe('valid');
      expect(check(schema, [1, 'a']).issues).toEqual([
        '[0]: expected string, received number',
        '[1]: expected number, received string',
      ]);
    }
    const defs = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { id: { type: 'string', pattern: '^evt_' } },
      properties: { id: { $ref: '#/definitions/id' } },
    };
    expect(check(defs, { id: 'x' }).issues).toEqual(['id: must match pattern "^evt_"']);
    const d2019 = { $schema: 'https://json-schema.org/draft/2019-09/schema', minProperties: 1 };
    expect(check(d2019, {}).issues).toEqual(['(root): must NOT have fewer than 1 properties']);
    const d06 = { $schema: 'http://json-schema.org/draft-06/schema#', type: 'object' };
    expect(check(d06, {}).status).toBe('valid');
  });

  it('refuses broken schemas with a clear error, and a check then reports none', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'nope' }, /^not a valid JSON Schema \(2020-12\): type: /],
      [{ pattern: '(' }, /^cannot compile \(2020-12\): Invalid regular expression/],
      [{ $ref: 'https://example.com/elsewhere.json' }, /can't resolve reference/],
      [{ $schema: 'http://json-schema.org/draft-04/schema#' }, /draft-04.* is not supported/],
      [{ $schema: 'https://example.com/my-meta' }, /^unknown \$schema "https:\/\/example.com/],
      [{ $schema: 7 }, /^\$schema must be a string$/],
      [{ $async: true, type: 'object' }, /^\$async schemas are not supported$/],
      [[{ type: 'string' }], /^a JSON Schema is an object or a boolean, got array$/],
      ['{"type":"object"}', /got string/],
    ];
    for (const [schema, error] of cases) {
      const compiled = compileUserSchema(schema);
      expect(compiled.ok, JSON.stringify(schema)).toBe(false);
      expect(compiled.ok ? '' : compiled.error).toMatch(error);
      const r = check(schema, { a: 1 });
      expect(r.status).toBe('none');
      expect(r.name).toBe('endpoint JSON Schema');
      expect(r.issues).toHaveLength(1);
      expect(r.issues?.[0]).toMatch(/^\(schema\): /);
    }
  });

  it('refuses patterns that can take exponential time, wherever they are, before they run', () => {
    const slow = '^(a+)+$';
    for (const schema of [
      { type: 'string', pattern: slow },
      { properties: { id: { allOf: [{ pattern: '(x+x+)+y' }] } } },
      { patternProperties: { [slow]: { type: 'string' } } },
      { $defs: { s: { items: [{ pattern: '(\\w+\\s?)*$' }] } } },
    ]) {
      const compiled = compileUserSchema(schema);
      expect(compiled.ok, JSON.stringify(schema)).toBe(false);
      expect(compiled.ok ? '' : compiled.error).toMatch(
        /^the pattern ".*" can take exponential time on some inputs .*rewrite it without the nesting$/,
      );
    }
    // The delivery that would have taken seconds is answered at once, with the reason.
    const started = performance.now();
    const r = check({ type: 'string', pattern: slow }, `${'a'.repeat(40)}!`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.status).toBe('none');
    expect(r.issues?.[0]).toMatch(/exponential time/);
    // Ordinary patterns, and "pattern" as a property name or inside data, are fine.
    expect(compileUserSchema({ type: 'string', pattern: '^evt_[A-Za-z0-9]{24}$' })).toEqual({
      ok: true,
    });
    expect(
      compileUserSchema({
        properties: { pattern: { type: 'string' } },
        default: { pattern: slow },
        examples: [{ pattern: slow }],
      }),
    ).toEqual({ ok: true });
  });

  it('survives a recursive schema on a body nested too deeply', () => {
    const tree = { anyOf: [{ type: 'null' }, { type: 'array', items: { $ref: '#' } }] };
    let deep: unknown = null;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const r = check(tree, deep);
    expect(r.status).toBe('none');
    expect(r.issues?.[0]).toMatch(/^\(root\): could not be checked: .*nested too deeply/);
    expect(check(tree, [[null], []]).status).toBe('valid');
  });

  it('keeps at most MAX_ISSUES issues, the last one counting the rest', () => {
    const schema = { type: 'array', items: { type: 'string' } };
    const r = check(
      schema,
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues?.[0]).toBe('[0]: expected string, received number');
    expect(r.issues?.[MAX_ISSUES - 1]).toBe('... and 31 more issues');
  });

  it('compiles a schema once, however often and from however many equal copies', () => {
    const compile = vi.spyOn(AjvCore.prototype, 'compile');
    const schema = { title: `cache-${Math.random()}`, type: 'object', required: ['id'] };
    expect(compileUserSchema(schema)).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) {
      check(schema, { id: i });
      check(structuredClone(schema), { id: i });
    }
    // Twice: a validator that stops at the first error, and one that lists them all.
    expect(compile).toHaveBeenCalledTimes(2);
    const broken = { title: `cache-${Math.random()}`, pattern: '(' };
    for (let i = 0; i < 3; i++) check(broken, 'x');
    expect(compile).toHaveBeenCalledTimes(3);
  });

  it('compiles a private copy: mutating the caller object later changes nothing', () => {
    const schema: Record<string, unknown> = { title: `copy-${Math.random()}`, type: 'string' };
    expect(check(schema, 'a').status).toBe('valid');
    schema.type = 'number';
    expect(check(schema, 'a').status).toBe('valid');
    expect(check({ ...schema }, 'a').status).toBe('invalid');
  });
});
