import { describe, expect, it } from 'vitest';
import { commandNames, commands, isCommandName, pushNames } from '../../src/shared/contract';
import { createClient, dispatch, type Handlers } from '../../src/shared/dispatch';
import { HookscopeError } from '../../src/shared/errors';

const calls: unknown[] = [];
const handlers = Object.fromEntries(
  commandNames.map((n) => [
    n,
    (input: unknown) => {
      calls.push([n, input]);
      if (n === 'getEvent') throw new HookscopeError('not_found', 'no event "x"');
      return { items: [], hasMore: false };
    },
  ]),
) as unknown as Handlers;

describe('dispatch', () => {
  it('parses input with the command schema before the handler sees it', async () => {
    calls.length = 0;
    await dispatch(handlers, 'saveEndpoint', { name: 'A', path: '/a/' });
    expect(calls).toEqual([['saveEndpoint', { name: 'A', path: '/a' }]]);
  });

  it('rejects bad input with bad_input and the zod issues, without calling the handler', async () => {
    calls.length = 0;
    const err = (await dispatch(handlers, 'listEvents', { limit: 0, bogus: 1 }).catch(
      (e: unknown) => e,
    )) as HookscopeError;
    expect(err.code).toBe('bad_input');
    expect(err.issues!.map((i) => i.path[0])).toEqual(expect.arrayContaining(['limit']));
    expect(calls).toEqual([]);
  });

  it('rejects names outside the contract, including Object.prototype keys', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      await expect(dispatch(handlers, name, {})).rejects.toMatchObject({ code: 'unknown_command' });
    }
    expect(isCommandName('hasOwnProperty')).toBe(false);
  });

  it('has the commands and pushes the contract promises (docs/ARCHITECTURE.md §2)', () => {
    for (const n of [
      'saveEndpoint',
      'listEndpoints',
      'listEvents',
      'getEvent',
      'replayEvent',
      'deleteEvents',
      'getStatus',
    ]) {
      expect(commands).toHaveProperty(n);
    }
    expect(pushNames).toContain('events.batch');
  });
});

describe('createClient', () => {
  it('calls through the transport and rethrows wire errors as HookscopeError', async () => {
    const client = createClient({
      invoke: (name, input) =>
        dispatch(handlers, name, input).catch((e: HookscopeError) => Promise.reject(e.toBody())),
      on: () => () => undefined,
    });
    expect(await client.listEvents({ limit: 5 })).toEqual({ items: [], hasMore: false });
    const err = await client.getEvent({ id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookscopeError);
    expect(err).toMatchObject({ code: 'not_found', message: 'no event "x"' });
  });
});
