import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, type JsonNode } from '../../src/renderer/src/format/json-parse';
import { prettyJson } from '../../src/renderer/src/format/json-pretty';

/** Converts a JsonNode back to a plain value (numbers through Number). */
function toValue(n: JsonNode): unknown {
  switch (n.t) {
    case 'object':
      return Object.fromEntries(n.entries.map(([k, v]) => [k, toValue(v)]));
    case 'array':
      return n.items.map(toValue);
    case 'string':
      return n.v;
    case 'number':
      return Number(n.raw);
    case 'literal':
      return JSON.parse(n.raw);
  }
}

describe('parseJson', () => {
  it('agrees with JSON.parse on any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, spaced) => {
        const text = JSON.stringify(v, null, spaced ? 2 : undefined);
        const r = parseJson(text);
        expect(r.ok).toBe(true);
        if (r.ok) expect(toValue(r.value)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('keeps number literals, key order and duplicate keys as sent', () => {
    const r = parseJson('{"b":1,"2":12345678901234567890,"b":2.50e3}');
    expect(r.ok && r.value).toEqual({
      t: 'object',
      entries: [
        ['b', { t: 'number', raw: '1' }],
        ['2', { t: 'number', raw: '12345678901234567890' }],
        ['b', { t: 'number', raw: '2.50e3' }],
      ],
    });
  });

  it('reports invalid JSON with a position instead of throwing', () => {
    for (const bad of [
      '',
      '{',
      '{"a":}',
      '[1,]',
      '{"a" 1}',
      '"\u0001"',
      '01',
      'nul',
      '[1] x',
      '"\\q"',
    ]) {
      const r = parseJson(bad);
      expect(r.ok, bad).toBe(false);
    }
    const r = parseJson('{"a": [1, 2,, 3]}');
    expect(r).toMatchObject({ ok: false, offset: 12 });
  });

  it('parses 5,000-deep nesting and 100,000 keys without recursion limits', () => {
    const deep = '['.repeat(5000) + '1' + ']'.repeat(5000);
    const d = parseJson(deep);
    expect(d.ok && d.nodes).toBe(5001);
    const wide = JSON.stringify(
      Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])),
    );
    const t0 = performance.now();
    const w = parseJson(wide);
    expect(w.ok && w.value.t === 'object' && w.value.entries.length).toBe(100_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('prettyJson', () => {
  it('indents like JSON.stringify(…, 2) without changing any value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(prettyJson(text)).toBe(JSON.stringify(v, null, 2));
      }),
    );
  });

  it('keeps literals exactly and caps indentation of deep documents', () => {
    expect(prettyJson('{"id":12345678901234567890,"s":"a\\"b,{"}')).toBe(
      '{\n  "id": 12345678901234567890,\n  "s": "a\\"b,{"\n}',
    );
    const deep = prettyJson('['.repeat(5000) + ']'.repeat(5000));
    // 10,000 lines of at most 64 levels (uncapped it would be ~50 MB of spaces).
    expect(deep.length).toBeLessThan(10_000 * 140);
  });
});
