import type { IpcMainInvokeEvent } from 'electron';
import { commandNames } from '../../src/shared/contract';
import type { Handlers } from '../../src/shared/dispatch';

/** A fake ipcMain: records handlers by channel, refuses a channel registered twice. */
export function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, input: unknown) => unknown>();
  return {
    handlers,
    handle(channel: string, h: (event: IpcMainInvokeEvent, input: unknown) => unknown) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
    /** Calls a channel as a page at `url` would (a top frame unless `parent` is given). */
    call(channel: string, input: unknown, url: string | null, parent: unknown = null) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      const senderFrame = url === null ? null : { url, parent };
      return h({ senderFrame } as unknown as IpcMainInvokeEvent, input);
    },
  };
}

/** Handlers for every command that record their (parsed) input and answer `{ name }`. */
export function recordingHandlers() {
  const calls: [string, unknown][] = [];
  const handlers = Object.fromEntries(
    commandNames.map((n) => [
      n,
      (input: unknown) => {
        calls.push([n, input]);
        return { name: n };
      },
    ]),
  ) as unknown as Handlers;
  return { calls, handlers };
}

/** A fake EventEmitter-ish `on` that keeps listeners by event name. */
export function listeners() {
  const map = new Map<string, ((...args: unknown[]) => unknown)[]>();
  return {
    map,
    on(event: string, l: (...args: unknown[]) => unknown) {
      map.set(event, [...(map.get(event) ?? []), l]);
    },
    emit(event: string, ...args: unknown[]) {
      for (const l of map.get(event) ?? []) l(...args);
    },
  };
}
