import { describe, expect, it } from 'vitest';
import { contractArg } from '../../src/main/ipc';
import { createBridge, exposeBridge, type IpcRendererLike } from '../../src/preload/bridge';
import { encodeContractArg } from '../../src/preload/protocol';
import { commandNames, pushNames } from '../../src/shared/contract';
import { createClient, type Transport } from '../../src/shared/dispatch';
import { HookscopeError } from '../../src/shared/errors';

/** A fake ipcRenderer: records invokes, answers with `reply`, delivers sends to listeners. */
function fakeIpcRenderer(
  reply: (channel: string, input: unknown) => unknown = () => ({ ok: true, value: 'v' }),
) {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipc = {
    invoke: (channel: string, input: unknown) => {
      invoked.push([channel, input]);
      return Promise.resolve(reply(channel, input));
    },
    on(channel: string, l: (...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
      return ipc;
    },
    removeListener(channel: string, l: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(l);
      return ipc;
    },
  };
  return {
    ipc: ipc as unknown as IpcRendererLike,
    invoked,
    listeners,
    /** Main sending on a channel: the IPC event first, as Electron does. */
    send(channel: string, payload: unknown) {
      const event = { sender: { secret: 'ipcRenderer internals' }, ports: [] };
      for (const l of listeners.get(channel) ?? []) l(event, payload);
    },
  };
}

/** A fake contextBridge that keeps what was exposed. */
function fakeContextBridge() {
  const world: Record<string, unknown> = {};
  return {
    world,
    exposeInMainWorld(key: string, api: unknown) {
      world[key] = api;
    },
  };
}

function exposed(argv = ['electron', contractArg()], reply?: (c: string, i: unknown) => unknown) {
  const fake = fakeIpcRenderer(reply);
  const bridge = fakeContextBridge();
  exposeBridge(bridge, fake.ipc, argv);
  return { ...fake, world: bridge.world, transport: bridge.world.hookscope as Transport };
}

describe('the preload bridge', () => {
  it('exposes one object, window.hookscope, with exactly invoke and on', () => {
    const { world, transport } = exposed();
    expect(Object.keys(world)).toEqual(['hookscope']);
    expect(Object.keys(transport).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(transport)).toBe(true);
  });

  it('invokes each contract command on its channel and unwraps the reply', async () => {
    const { transport, invoked } = exposed(undefined, (c) => ({ ok: true, value: { c } }));
    for (const name of commandNames) {
      await expect(transport.invoke(name, { q: 1 })).resolves.toEqual({ c: `hs:${name}` });
    }
    expect(invoked.map(([c]) => c)).toEqual(commandNames.map((n) => `hs:${n}`));
  });

  it('rejects with the error body main returned', async () => {
    const body = {
      code: 'bad_input',
      message: 'invalid',
      issues: [{ path: ['limit'], message: 'x' }],
    };
    const { transport } = exposed(undefined, () => ({ ok: false, error: body }));
    await expect(transport.invoke('listEvents', { limit: 0 })).rejects.toEqual(body);
    // The typed client turns it into a HookscopeError with the issues.
    const err = (await createClient(transport)
      .listEvents({ limit: 0 })
      .catch((e: unknown) => e)) as HookscopeError;
    expect(err).toBeInstanceOf(HookscopeError);
    expect(err.code).toBe('bad_input');
    expect(err.issues).toEqual(body.issues);
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const { transport, invoked, listeners } = exposed();
    const invoke = transport.invoke as (name: string, input: unknown) => Promise<unknown>;
    const on = transport.on as (name: string, l: (p: unknown) => void) => () => void;
    for (const name of [
      'nope',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'events.batch',
      '',
    ]) {
      await expect(invoke(name, {})).rejects.toMatchObject({ code: 'unknown_command' });
    }
    for (const name of ['nope', 'constructor', '__proto__', 'getStatus', 'hs:events.batch']) {
      expect(() => on(name, () => undefined)).toThrow(/unknown push/);
    }
    await expect(invoke(42 as unknown as string, {})).rejects.toMatchObject({
      code: 'unknown_command',
    });
    expect(invoked).toEqual([]);
    expect(listeners.size).toBe(0);
  });

  it('rejects a malformed reply instead of passing it on', async () => {
    const { transport } = exposed(undefined, () => 'surprise');
    await expect(transport.invoke('getStatus', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('gives listeners the payload only, never the IPC event, and unsubscribes', () => {
    const { transport, send, listeners } = exposed();
    for (const name of pushNames) {
      const got: unknown[][] = [];
      const off = transport.on(name, (...args: unknown[]) => got.push(args));
      send(`hs:${name}`, { n: name });
      expect(got).toEqual([[{ n: name }]]);
      off();
      off();
      send(`hs:${name}`, { n: 'again' });
      expect(got).toHaveLength(1);
      expect(listeners.get(`hs:${name}`)?.size).toBe(0);
    }
  });

  it('allows nothing when main passed no names or malformed ones', async () => {
    for (const argv of [
      ['electron'],
      ['--hookscope-contract=%7Bnot json'],
      [
        `--hookscope-contract=${encodeURIComponent(JSON.stringify({ commands: ['ok', 'a b', '../x'], pushes: 3 }))}`,
      ],
    ]) {
      const { transport, invoked } = exposed(argv);
      await expect(transport.invoke('getStatus', {})).rejects.toMatchObject({
        code: 'unknown_command',
      });
      expect(() => transport.on('events.batch', () => undefined)).toThrow();
      expect(invoked).toEqual([]);
    }
  });

  it('uses only the names it was given', async () => {
    const fake = fakeIpcRenderer();
    const t = createBridge(fake.ipc, { commands: ['getStatus'], pushes: [] });
    await expect(t.invoke('getStatus', {})).resolves.toBe('v');
    await expect(t.invoke('listEvents', {})).rejects.toMatchObject({ code: 'unknown_command' });
  });

  it('refuses to encode a name that is not an identifier', () => {
    expect(() => encodeContractArg({ commands: ['a"b'], pushes: [] })).toThrow();
  });
});
