import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import type { Transport } from '../shared/dispatch';
import { channelOf, decodeContractArg, type ContractNames } from './protocol';

/** The part of `ipcRenderer` the bridge uses (tests pass a fake). */
export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** What main answers on every `hs:<command>` channel (src/main/ipc.ts). */
type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

function isReply(r: unknown): r is Reply {
  return typeof r === 'object' && r !== null && typeof (r as Reply).ok === 'boolean';
}

/**
 * Exactly the Transport of docs/ARCHITECTURE.md §2 over IPC, limited to `names`: `invoke` of any other
 * name rejects with `unknown_command` without touching IPC, `on` of any other name throws.
 * Listeners get the payload only, never the IPC event (which would hand the page `sender`).
 */
export function createBridge(ipc: IpcRendererLike, names: ContractNames): Transport {
  const commands = new Set(names.commands);
  const pushes = new Set(names.pushes);
  return Object.freeze({
    async invoke(name: string, input: unknown): Promise<unknown> {
      if (typeof name !== 'string' || !commands.has(name)) {
        throw { code: 'unknown_command', message: `no command "${String(name)}"` };
      }
      const reply: unknown = await ipc.invoke(channelOf(name), input);
      if (!isReply(reply)) throw { code: 'internal', message: 'malformed reply from main' };
      if (reply.ok) return reply.value;
      throw reply.error;
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !pushes.has(event)) {
        throw new Error(`unknown push "${String(event)}"`);
      }
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const channel = channelOf(event);
      const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipc.on(channel, wrapped);
      let on = true;
      return () => {
        if (on) ipc.removeListener(channel, wrapped);
        on = false;
      };
    },
  }) as Transport;
}

/**
 * Puts the bridge on `window.hookscope` with the names main passed in `argv`. Nothing else is
 * exposed: no ipcRenderer, no Node, no Electron API.
 */
export function exposeBridge(
  contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>,
  ipc: IpcRendererLike,
  argv: readonly string[],
): void {
  contextBridge.exposeInMainWorld('hookscope', createBridge(ipc, decodeContractArg(argv)));
}
