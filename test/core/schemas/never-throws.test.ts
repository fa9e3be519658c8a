import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSchema, openAiJob } from '../../../src/core/schemas';
import { checkUserSchema, compileUserSchema } from '../../../src/core/schemas/user-schema';
import type { SchemaResult } from '../../../src/core/schemas/issues';
import { MAX_ISSUES } from '../../../src/core/schemas/issues';
import { providerIds } from '../../../src/shared/model';
import { loadFixtures } from './helpers';

const providers: (string | null)[] = [
  ...providerIds,
  null,
  'unknown-provider',
  'constructor',
  '__proto__',
  'toString',
];

function wellFormed(r: SchemaResult): void {
  expect(['valid', 'invalid', 'none']).toContain(r.status);
  if (r.name !== undefined) expect(typeof r.name).toBe('string');
  if (r.issues !== undefined) {
    expect(r.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
    for (const i of r.issues) expect(typeof i).toBe('string');
  }
  if (r.status === 'invalid') expect(r.issues?.length).toBeGreaterThan(0);
  if (r.status === 'valid') expect(r.issues).toBeUndefined();
}

/** JSON Schema-ish objects: real keywords with arbitrary (often wrong) values. */
const schemaArb = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small' },
    fc.boolean(),
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('string', 'number', 'integer', 'object', 'array', 'boolean', 'null'),
          fc.jsonValue(),
        ),
        properties: fc.dictionary(fc.string(), tie('schema'), { maxKeys: 3 }),
        required: fc.array(fc.string(), { maxLength: 3 }),
        items: tie('schema'),
        anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
        enum: fc.array(fc.jsonValue(), { maxLength: 3 }),
        const: fc.jsonValue(),
        minimum: fc.integer(),
        maxLength: fc.nat(),
        pattern: fc.constantFrom('^a', '[0-9]+', '(', '\\p{L}'),
        additionalProperties: tie('schema'),
        $ref: fc.constantFrom('#', '#/properties/a', '#/nowhere', 'http://x/y'),
        $schema: fc.constantFrom(
          'https://json-schema.org/draft/2020-12/schema',
          'http://json-schema.org/draft-07/schema#',
          'http://json-schema.org/draft-04/schema#',
          'nonsense',
        ),
        $id: fc.constantFrom('https://example.com/a', 'x', '#frag'),
      },
      { requiredKeys: [] },
    ),
  ),
}));

describe('checkSchema never throws', () => {
  it('for any JSON value and any provider id', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...providers), (json, provider) => {
        wellFormed(checkSchema(provider, json));
        const job = openAiJob(json);
        if (job !== null) expect(typeof job.type).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('for provider fixtures with any field replaced by any JSON value', () => {
    const bodies = [...loadFixtures('openai').values(), ...loadFixtures('github').values()];
    fc.assert(
      fc.property(
        fc.constantFrom(...bodies),
        fc.constantFrom('id', 'type', 'data', 'created_at', 'object', 'repository', 'ref', 'zen'),
        fc.jsonValue(),
        fc.constantFrom(...providers),
        (body, key, value, provider) => {
          const mutated = { ...(body as Record<string, unknown>), [key]: value };
          wellFormed(checkSchema(provider, mutated));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('for any JSON value used as the endpoint schema', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (schema, json) => {
        const c = compileUserSchema(schema);
        expect(typeof c.ok).toBe('boolean');
        wellFormed(checkUserSchema(schema, json));
      }),
      { numRuns: 300 },
    );
  });

  it('for schema-like endpoint schemas against any body', () => {
    fc.assert(
      fc.property(schemaArb.schema, fc.jsonValue(), (schema, json) => {
        const c = compileUserSchema(schema);
        const r = checkUserSchema(schema, json);
        wellFormed(r);
        if (!c.ok) expect(r.status).toBe('none');
      }),
      { numRuns: 300 },
    );
  });

  it('for bodies that are not JSON: none, without looking at them', () => {
    for (const provider of providers) {
      expect(checkSchema(provider, undefined)).toEqual({ status: 'none' });
    }
  });
});
