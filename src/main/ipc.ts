import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { commandNames, isPushName, pushNames, type PushMessage } from '../shared/contract';
import { dispatch, type Handlers } from '../shared/dispatch';
import { toErrorBody, type ErrorBody } from '../shared/errors';
import { channelOf, encodeContractArg } from '../preload/protocol';
import type { FrameLike } from './own-page';

/** What every `hs:<command>` handler answers; the preload unwraps it (src/preload/bridge.ts). */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: ErrorBody };

/** The argument that hands the preload the contract's names (see src/preload/protocol.ts). */
export function contractArg(): string {
  return encodeContractArg({ commands: [...commandNames], pushes: [...pushNames] });
}

/**
 * Registers one `ipcMain.handle('hs:' + name)` per contract command, derived from the
 * contract. Each call is answered only for our own page's top frame (`isOwnFrame` on
 * `event.senderFrame`); its input is parsed by `dispatch` (zod), so bad input comes back as
 * `bad_input` with the issues. Errors never reject the invoke: they are `{ ok: false, error }`.
 * Returns a function that removes the handlers.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  engine: { handlers: Handlers },
  isOwnFrame: (frame: FrameLike | null | undefined) => boolean,
): () => void {
  for (const name of commandNames) {
    ipcMain.handle(
      channelOf(name),
      async (event: IpcMainInvokeEvent, input: unknown): Promise<IpcReply> => {
        const frame = event.senderFrame;
        if (!isOwnFrame(frame)) {
          console.warn(`hookscope: refused ${name} from ${frame?.url ?? 'a closed frame'}`);
          return { ok: false, error: { code: 'forbidden', message: 'not Hookscope’s own page' } };
        }
        try {
          return { ok: true, value: await dispatch(engine.handlers, name, input) };
        } catch (err) {
          return { ok: false, error: toErrorBody(err) };
        }
      },
    );
  }
  return () => {
    for (const name of commandNames) ipcMain.removeHandler(channelOf(name));
  };
}

/** The parts of a WebContents the push relay uses. */
export interface PushTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, payload: unknown): void;
}

/**
 * Relays the engine's pushes to `targets()` as `webContents.send('hs:' + name, payload)`: only
 * contract push names, and only to live contents that show our own page. Returns the
 * unsubscribe function.
 */
export function relayPushes(
  engine: { subscribe(listener: (push: PushMessage) => void): () => void },
  targets: () => Iterable<PushTarget>,
  isOwnUrl: (url: string) => boolean,
): () => void {
  return engine.subscribe(({ name, payload }) => {
    if (typeof name !== 'string' || !isPushName(name)) return;
    for (const wc of targets()) {
      if (!wc.isDestroyed() && isOwnUrl(wc.getURL())) wc.send(channelOf(name), payload);
    }
  });
}
