import { describe, expect, it } from 'vitest';
import { contractArg, registerIpc, relayPushes } from '../../src/main/ipc';
import { createOwnFrameCheck, createOwnPageCheck } from '../../src/main/own-page';
import { decodeContractArg } from '../../src/preload/protocol';
import { commandNames, pushNames, type PushMessage } from '../../src/shared/contract';
import { HookscopeError } from '../../src/shared/errors';
import { startEngine } from '../helpers/engine';
import { fakeIpcMain, recordingHandlers } from './fakes';

const OWN = 'app://hookscope/index.html';
const isOwnUrl = createOwnPageCheck();
const isOwnFrame = createOwnFrameCheck(isOwnUrl);

describe('registerIpc', () => {
  it('registers exactly one handler per contract command, on its derived channel', () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc, recordingHandlers(), isOwnFrame);
    expect([...ipc.handlers.keys()].sort()).toEqual(commandNames.map((n) => `hs:${n}`).sort());
    expect(commandNames.length).toBeGreaterThan(10);
  });

  it('answers our own page through dispatch: { ok: true, value } with the parsed input', async () => {
    const ipc = fakeIpcMain();
    const { calls, handlers } = recordingHandlers();
    registerIpc(ipc, { handlers }, isOwnFrame);
    // Every channel reaches dispatch for its own command: {} either parses or is bad_input.
    for (const name of commandNames) {
      const r = (await ipc.call(`hs:${name}`, {}, OWN)) as
        { ok: true; value: unknown } | { ok: false; error: { code: string } };
      if (r.ok) expect(r.value).toEqual({ name });
      else expect(r.error.code).toBe('bad_input');
    }
    await expect(ipc.call('hs:getStatus', {}, OWN)).resolves.toEqual({
      ok: true,
      value: { name: 'getStatus' },
    });
    await ipc.call('hs:saveEndpoint', { name: 'A', path: '/a/' }, OWN);
    expect(calls.at(-1)).toEqual(['saveEndpoint', { name: 'A', path: '/a' }]);
  });

  it('refuses calls from any other page, a sub-frame or a closed frame, without running them', async () => {
    const ipc = fakeIpcMain();
    const { calls, handlers } = recordingHandlers();
    registerIpc(ipc, { handlers }, isOwnFrame);
    const foreign = [
      'https://evil.example/',
      'app://hookscope.evil/index.html',
      'app://evil/index.html',
      'app://user:pw@hookscope/index.html',
      'http://hookscope/index.html',
      'file:///work/main/out/renderer/index.html',
      'about:blank',
      'not a url',
    ];
    for (const url of foreign) {
      await expect(ipc.call('hs:deleteEvents', { all: true }, url)).resolves.toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    const iframe = await ipc.call('hs:getStatus', {}, OWN, { url: OWN });
    expect(iframe).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const closed = await ipc.call('hs:getStatus', {}, null);
    expect(closed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('rejects bad input with bad_input and the zod issues, without running the handler', async () => {
    const ipc = fakeIpcMain();
    const { calls, handlers } = recordingHandlers();
    registerIpc(ipc, { handlers }, isOwnFrame);
    const r = (await ipc.call('hs:listEvents', { limit: 0, bogus: true }, OWN)) as {
      ok: false;
      error: { code: string; issues: { path: (string | number)[] }[] };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('bad_input');
    expect(r.error.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(['limit']));
    expect(calls).toEqual([]);
  });

  it('returns handler errors as { ok: false } with their code, never as a rejection', async () => {
    const ipc = fakeIpcMain();
    const { handlers } = recordingHandlers();
    handlers.getEvent = () => {
      throw new HookscopeError('not_found', 'no event "x"');
    };
    handlers.getStatus = () => {
      throw new Error('disk on fire');
    };
    registerIpc(ipc, { handlers }, isOwnFrame);
    await expect(ipc.call('hs:getEvent', { id: 'x' }, OWN)).resolves.toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no event "x"' },
    });
    await expect(ipc.call('hs:getStatus', {}, OWN)).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'disk on fire' },
    });
  });

  it('removes every handler when disposed', () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc, recordingHandlers(), isOwnFrame)();
    expect(ipc.handlers.size).toBe(0);
  });

  it('serves a real engine over the channels', async () => {
    const t = await startEngine();
    try {
      const ipc = fakeIpcMain();
      registerIpc(ipc, t.engine, isOwnFrame);
      const r = (await ipc.call('hs:getStatus', {}, OWN)) as {
        ok: true;
        value: { receiverUrl: string };
      };
      expect(r).toMatchObject({ ok: true, value: { receiverUrl: t.receiverUrl } });
    } finally {
      await t.stop();
    }
  });
});

describe('relayPushes', () => {
  function fakeContents(url = OWN) {
    const sent: [string, unknown][] = [];
    let destroyed = false;
    return {
      sent,
      destroy: () => (destroyed = true),
      isDestroyed: () => destroyed,
      getURL: () => url,
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
    };
  }
  function fakeEngine() {
    const subs = new Set<(push: PushMessage) => void>();
    return {
      subs,
      subscribe(l: (push: PushMessage) => void) {
        subs.add(l);
        return () => void subs.delete(l);
      },
      // Hostile names too: the relay must not trust what the bus hands it.
      push(name: string, payload: unknown) {
        for (const l of subs) l({ name, payload } as PushMessage);
      },
    };
  }

  it('sends every contract push to the window on its derived channel', () => {
    const engine = fakeEngine();
    const win = fakeContents();
    relayPushes(engine, () => [win], isOwnUrl);
    for (const name of pushNames) engine.push(name, { n: name });
    expect(win.sent).toEqual(pushNames.map((n) => [`hs:${n}`, { n }]));
  });

  it('never sends a name outside the contract, nor to a closed or foreign page', () => {
    const engine = fakeEngine();
    const win = fakeContents();
    const foreign = fakeContents('https://evil.example/');
    const closed = fakeContents();
    closed.destroy();
    const stop = relayPushes(engine, () => [win, foreign, closed], isOwnUrl);
    engine.push('secret.leak', { token: 't' });
    engine.push('__proto__', {});
    engine.push('events.batch', { rev: 1, items: [] });
    expect(win.sent).toEqual([['hs:events.batch', { rev: 1, items: [] }]]);
    expect(foreign.sent).toEqual([]);
    expect(closed.sent).toEqual([]);
    stop();
    engine.push('events.batch', { rev: 2, items: [] });
    expect(win.sent).toHaveLength(1);
  });
});

describe('contractArg', () => {
  it('hands the preload exactly the contract names', () => {
    expect(decodeContractArg(['electron', contractArg()])).toEqual({
      commands: commandNames,
      pushes: pushNames,
    });
  });
});
