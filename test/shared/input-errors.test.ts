import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { commandNames, commands } from '../../src/shared/contract';
import { dispatch, type Handlers } from '../../src/shared/dispatch';
import { HookscopeError } from '../../src/shared/errors';
import { FIELD_LABELS } from '../../src/shared/input-errors';

const handlers = Object.fromEntries(
  commandNames.map((n) => [n, () => ({})]),
) as unknown as Handlers;

/** Runs a command with `input` and returns the bad_input error it must give. */
async function refused(name: string, input: unknown): Promise<HookscopeError> {
  const err = await dispatch(handlers, name, input).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof HookscopeError))
    throw new Error(`${name} accepted ${JSON.stringify(input)}`);
  return err;
}

/** zod's own wording, which says neither the field nor what is expected. */
const ZOD_DEFAULT =
  /^(Invalid input|Invalid option|Invalid URL|Invalid string|Invalid email|Invalid element|Invalid key|Too small|Too big|Unrecognized key|Expected )|received /;

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  items?: z.ZodType[];
};
const def = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/** Every field path of a schema (object keys; list elements as index 0). */
function fields(schema: z.ZodType, path: (string | number)[] = []): (string | number)[][] {
  const d = def(schema);
  switch (d.type) {
    case 'object':
      return Object.entries(d.shape!).flatMap(([k, v]) => [
        [...path, k],
        ...fields(v, [...path, k]),
      ]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return fields(d.innerType!, path);
    case 'pipe':
      return fields(d.in!, path);
    case 'array':
      return fields(d.element!, [...path, 0]);
    case 'union':
      return d.options!.flatMap((o) => fields(o, path));
    case 'tuple':
      return d.items!.flatMap((o, i) => fields(o, [...path, i]));
    default:
      return [];
  }
}

/** `{}` with `value` set at `path`, parents created as objects or lists. */
function at(path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const inner = at(rest, value);
  return typeof head === 'number' ? [inner] : { [head!]: inner };
}

const BAD_VALUES: unknown[] = [{ nested: 1 }, 'x', -1e15, 1e15, [], true, '', 'CANARY-not-shown'];

describe('input errors in the user’s words', () => {
  it('every field of every command: no bare zod default, every field named in words', async () => {
    let checked = 0;
    for (const name of commandNames) {
      const schema = commands[name].input as z.ZodType;
      for (const path of fields(schema)) {
        for (const key of path) {
          if (typeof key === 'string') expect(FIELD_LABELS, `${name}.${key}`).toHaveProperty(key);
        }
        for (const value of BAD_VALUES) {
          const result = schema.safeParse(at(path, value));
          if (result.success) continue;
          const err = await refused(name, at(path, value));
          checked++;
          expect(err.code).toBe('bad_input');
          expect(err.message, `${name} ${path.join('.')}`).not.toMatch(ZOD_DEFAULT);
          for (const issue of err.issues ?? []) {
            expect(issue.message, `${name} ${issue.path.join('.')}`).not.toMatch(ZOD_DEFAULT);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('URLs, providers and ranges: the field, what is expected and what was sent', async () => {
    expect(
      (await refused('replayEvent', { id: 'e1', targetUrl: 'localhost:3000/hooks' })).message,
    ).toBe(
      'Target URL: expected an http(s) URL such as http://localhost:3000/webhooks, got "localhost:3000/hooks"',
    );
    expect(
      (await refused('saveEndpoint', { name: 'A', path: '/a', forwardTo: 'localhost:3000/hooks' }))
        .message,
    ).toBe(
      'Forward target: expected an http(s) URL such as http://localhost:3000/webhooks, got "localhost:3000/hooks"',
    );
    const provider = await refused('saveEndpoint', { name: 'A', path: '/a', provider: 'stripee' });
    expect(provider.message).toMatch(
      /^Provider: expected one of standard-webhooks, openai, .*stripe, github, .*generic-hmac, auto \(got "stripee"\)$/,
    );
    expect(provider.issues).toEqual([{ path: ['provider'], message: expect.any(String) }]);
    expect((await refused('listEvents', { limit: 0 })).message).toBe(
      'Limit: expected a whole number from 1 to 500, got 0',
    );
    expect((await refused('listEvents', { limit: 'ten' })).message).toBe(
      'Limit: expected a whole number from 1 to 500, got "ten"',
    );
    expect((await refused('saveEndpoint', { name: '', path: '/a' })).message).toBe(
      'Name: must not be empty',
    );
    expect(
      (
        await refused('saveEndpoint', {
          name: 'A',
          path: '/a',
          response: { status: 100 },
        })
      ).message,
    ).toBe('Response › Status: expected a whole number from 200 to 599, got 100');
    expect((await refused('listEvents', { bogus: 1 })).message).toMatch(
      /^unknown field "bogus"; expected only limit, beforeSeq, /,
    );
  });

  it('never quotes a secret back', async () => {
    for (const [name, input] of [
      ['saveEndpoint', { name: 'A', path: '/a', secrets: [{ value: 'CANARY' }] }],
      ['saveEndpoint', { name: 'A', path: '/a', secrets: 'CANARY' }],
      ['runCheckup', { secret: ['CANARY'] }],
      ['saveTunnelSettings', { authtoken: ['CANARY'] }],
      ['startTunnel', { options: { webhookVerification: { provider: 'x', secret: 7 } } }],
    ] as const) {
      const err = await refused(name, input);
      expect(JSON.stringify(err.toBody())).not.toContain('CANARY');
    }
  });
});
