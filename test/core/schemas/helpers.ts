import { readdirSync, readFileSync } from 'node:fs';
import type { Endpoint } from '../../../src/shared/model';
import { endpoint as anEndpoint } from '../../helpers/model';

const fixtures = new URL('../../fixtures/', import.meta.url);

/** The parsed JSON fixtures of one family (`openai`, `github`), by file name without `.json`. */
export function loadFixtures(family: string): Map<string, unknown> {
  const dir = new URL(`${family}/`, fixtures);
  const out = new Map<string, unknown>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    out.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  }
  return out;
}

/** One fixture, parsed. */
export function fixture(family: string, name: string): Record<string, unknown> {
  const f = loadFixtures(family).get(name);
  if (!f) throw new Error(`no fixture ${family}/${name}`);
  return f as Record<string, unknown>;
}

/** A deep copy that a test may mutate. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** An endpoint as the store returns it; checkSchema does not look at it yet. */
export const endpoint: Endpoint = anEndpoint({
  createdAt: '2026-11-27T12:00:00.000Z',
  updatedAt: '2026-11-27T12:00:00.000Z',
});

/** The ordinary recursive schema of issue #13.2: a message, text or image, with a reply. */
export const chatSchema = {
  $defs: {
    msg: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'text'],
          properties: {
            kind: { const: 'text' },
            text: { type: 'string' },
            reply: { $ref: '#/$defs/msg' },
          },
        },
        {
          type: 'object',
          required: ['kind', 'url'],
          properties: {
            kind: { const: 'image' },
            url: { type: 'string' },
            reply: { $ref: '#/$defs/msg' },
          },
        },
      ],
    },
  },
  $ref: '#/$defs/msg',
};

/** A chat `depth` replies deep whose innermost text is a number: ~700 bytes at depth 21. */
export function chatBody(depth: number): Buffer {
  let m: unknown = { kind: 'text', text: 1 };
  for (let i = 0; i < depth; i++) m = { kind: 'text', text: '', reply: m };
  return Buffer.from(JSON.stringify(m));
}

/** Each level doubles even ajv's fast pass: `anyOf` of two refs to the next, for items. */
export function doublingChain(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { l0: { type: 'string', pattern: 'z' } };
  for (let i = 1; i <= levels; i++) {
    defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i - 1}` }, { $ref: `#/$defs/l${i - 1}` }] };
  }
  return { $defs: defs, items: { $ref: `#/$defs/l${levels}` } };
}
