import { describe, expect, it } from 'vitest';
import { checkSchema, MAX_CHECKED_VALUES } from '../../../src/core/schemas';
import { checkUserSchema } from '../../../src/core/schemas/user-schema';
import { countValues, formatPath, limitIssues, MAX_ISSUES } from '../../../src/core/schemas/issues';
import { fixture } from './helpers';

describe('issue formatting', () => {
  it('writes paths the way a reader of the JSON would', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['data', 'sip_headers', 0, 'name'])).toBe('data.sip_headers[0].name');
    expect(formatPath(['headers', 'content-type'])).toBe('headers["content-type"]');
    expect(formatPath([{ index: 2 }, 'a b'])).toBe('[2]["a b"]');
  });

  it('keeps MAX_ISSUES distinct issues and counts the rest, formatting only what it keeps', () => {
    let formatted = 0;
    const format = (n: number) => {
      formatted++;
      return `n: ${n}`;
    };
    const many = Array.from({ length: 1000 }, (_, i) => i);
    const out = limitIssues(many, format);
    expect(out).toHaveLength(MAX_ISSUES);
    expect(out[MAX_ISSUES - 1]).toBe('... and 981 more issues');
    expect(formatted).toBe(MAX_ISSUES);
    expect(limitIssues(['a', 'a', 'b'], (s) => s)).toEqual(['a', 'b']);
    expect(
      limitIssues(
        Array.from({ length: MAX_ISSUES }, (_, i) => i),
        String,
      ),
    ).toHaveLength(MAX_ISSUES);
  });

  it('counts values without recursion and stops past the limit', () => {
    expect(countValues({ a: [1, 2, { b: null }] }, 100)).toBe(6);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(countValues(deep, 1_000_000)).toBe(100_001);
    expect(countValues(new Array(5_000_000).fill(0), 10)).toBeGreaterThan(10);
  });
});

describe('bounds on hostile bodies', () => {
  it('does not check a body with more than MAX_CHECKED_VALUES values', () => {
    const huge = { ...fixture('openai', 'batch.completed'), pad: new Array(MAX_CHECKED_VALUES) };
    huge.pad.fill(1);
    const notChecked = `(root): not checked: the body holds more than ${MAX_CHECKED_VALUES} values`;
    expect(checkSchema('openai', huge)).toEqual({
      status: 'none',
      issues: [notChecked],
    });
    expect(checkUserSchema({ type: 'object' }, huge)).toEqual({
      status: 'none',
      name: 'endpoint JSON Schema',
      issues: [notChecked],
    });
    // Providers without a schema do not even count.
    expect(checkSchema('shopify', huge)).toEqual({ status: 'none' });
  });

  it('stops looking at an array after MAX_ISSUES bad elements', () => {
    const push = { ...fixture('github', 'push.payload'), commits: new Array(50_000).fill(1) };
    const r = checkSchema('github', push);
    expect(r.status).toBe('invalid');
    expect(r.issues).toHaveLength(MAX_ISSUES);
    expect(r.issues?.[0]).toBe('commits[0]: expected object, received number');
  });

  it('lists only the first issue of an endpoint schema for a large body', () => {
    const schema = { type: 'array', items: { type: 'string' } };
    const r = checkUserSchema(schema, new Array(50_000).fill(1));
    expect(r).toEqual({
      status: 'invalid',
      name: 'endpoint JSON Schema',
      issues: [
        '[0]: expected string, received number',
        '... (stopped at the first issue: the body is large)',
      ],
    });
  });
});
