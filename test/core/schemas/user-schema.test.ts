import AjvCore from 'ajv/dist/core.js';
import { RE2JS } from 're2js';
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

  it('says which part of a schema breaks its draft, in plain words with its JSON pointer (issue 14 #6)', () => {
    const bad = compileUserSchema({
      properties: { amount: { type: 'money' }, id: { minLength: -1 } },
      required: 'id',
    });
    expect(bad).toEqual({
      ok: false,
      error:
        'not a valid JSON Schema (2020-12): /properties/amount/type must be one of: array, boolean, integer, null, number, object, string, or a list (got "money"); /properties/id/minLength must be a number of at least 0 (got -1); /required must be a list (got "id")',
    });
    // Never ajv's own dump of the meta-schema.
    expect(JSON.stringify(bad)).not.toMatch(/anyOf|#\/\$defs|simpleTypes/);
  });

  it('refuses broken schemas with a clear error, and a check then reports none', () => {
    const cases: [unknown, RegExp][] = [
      [
        { type: 'nope' },
        /^not a valid JSON Schema \(2020-12\): \/type must be one of: array, boolean, integer, null, number, object, string, or a list \(got "nope"\)$/,
      ],
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

  it('runs every pattern on RE2 (linear time), the ones a star-height guard let through too', () => {
    const re2Test = vi.spyOn(RE2JS.prototype, 'test');
    const nativeTest = vi.spyOn(RegExp.prototype, 'test');
    // Exponential on a backtracking engine; safe-regex2 accepted the first five.
    const patterns = [
      '^(a|a)*$',
      '^(a|aa)*$',
      '^(\\w|\\d)*$',
      '^(?:a|a)*$',
      '^a*a*a*a*a*a*b$',
      '^(a+)+$',
      '(x+x+)+y',
    ];
    const body = `${'a'.repeat(100_000)}!`;
    for (const pattern of patterns) {
      expect(compileUserSchema({ type: 'string', pattern }), pattern).toEqual({ ok: true });
      const r = check({ type: 'string', pattern }, body);
      expect(r.status, pattern).toBe('invalid');
      expect(r.issues?.[0]).toBe(`(root): must match pattern "${pattern}"`);
    }
    const props = check({ patternProperties: { '^(a|a)*$': { type: 'number' } } }, { [body]: 1 });
    expect(props.status).toBe('valid');
    expect(re2Test).toHaveBeenCalledWith(body);
    // No user pattern ran on V8's backtracking engine.
    const sources = new Set([...patterns, '^(a|a)*$']);
    expect(nativeTest.mock.contexts.filter((re) => sources.has((re as RegExp).source))).toEqual([]);
  });

  it('gives patterns their JavaScript meaning on RE2 (dot, \\s, classes, unicode)', () => {
    const patterns = [
      '^[a-z]+$',
      '^\\d{3}-\\d{4}$',
      '\\p{L}+',
      '[^]',
      '\\u00e9',
      '\\cJ',
      '^\\S+@\\S+$',
      '(?<name>x)y',
      '[\\w-]+',
      'a{2,}',
      '\\x41',
      '\\0',
      '[\\b]',
      '.',
      '^.$',
      '\\s',
      '[\\s\\S]',
      '[a\\S]',
      '^a.b$',
      '\\u{1F600}',
      'a$',
      '^$',
      '[^\\s]',
      '\\bfoo\\b',
      '[.]',
      'a|b|',
      '(?:ab)+',
      '\\v',
      '[\\]]',
      '\\/',
      '^[^\\n]*$',
      '^\\W$',
      '^\\D+$',
    ];
    const alphabet = [...'abA1-\n\r \u00a0\u2028\ufeff\u000béxy_.\b\0/]@fo', '😀'];
    // A fixed pseudo-random walk: the same strings every run.
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (const pattern of patterns) {
      const js = new RegExp(pattern, 'u');
      const schema = { type: 'string', pattern };
      for (let k = 0; k < 200; k++) {
        let s = '';
        for (let n = next(5); n > 0; n--) s += alphabet[next(alphabet.length)];
        const want = js.test(s) ? 'valid' : 'invalid';
        expect(check(schema, s).status, `${pattern} on ${JSON.stringify(s)}`).toBe(want);
      }
    }
  });

  it('refuses lookaround and backreferences at save, naming the pattern and why', () => {
    const cases: [string, string][] = [
      ['^(?=.*\\d)\\w+$', 'a lookahead ((?=...))'],
      ['^(?!x)', 'a lookahead ((?!...))'],
      ['(?<=\\$)\\d+', 'a lookbehind ((?<=...))'],
      ['(?<!a)b', 'a lookbehind ((?<!...))'],
      ['^(a)\\1$', 'a backreference (\\1)'],
      ['(?<q>["\'])\\w*\\k<q>', 'a named backreference (\\k<...>)'],
    ];
    for (const [pattern, what] of cases) {
      for (const schema of [
        { type: 'string', pattern },
        { properties: { id: { allOf: [{ pattern }] } } },
        { patternProperties: { [pattern]: { type: 'string' } } },
      ]) {
        expect(compileUserSchema(schema)).toEqual({
          ok: false,
          error: `the pattern ${JSON.stringify(pattern)} cannot be used: it uses ${what}, which the linear-time regex engine does not support (Hookscope runs patterns on RE2 so that no body can make a check slow): rewrite the pattern without it`,
        });
      }
    }
    // "pattern" as a property name or inside data is not a regex.
    expect(
      compileUserSchema({
        properties: { pattern: { type: 'string' } },
        default: { pattern: '(?=a)' },
        examples: [{ pattern: '(a)\\1' }],
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
