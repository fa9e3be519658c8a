import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isCommandName, isPushName } from '../shared/contract';
import type { Transport } from '../shared/dispatch';

// Exactly the Transport of DESIGN.md §2, refusing every name outside the contract; listeners
// get the payload only, never the IPC event object.
const transport: Transport = {
  invoke(name, input) {
    if (!isCommandName(name)) return Promise.reject(new Error(`unknown command ${String(name)}`));
    return ipcRenderer
      .invoke(`hs:${name}`, input)
      .then((r: { ok: boolean; value?: unknown; error?: unknown }) => {
        if (r.ok) return r.value;
        throw r.error;
      });
  },
  on(event, listener) {
    if (!isPushName(event)) throw new Error(`unknown push ${String(event)}`);
    const channel = `hs:${event}`;
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.off(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('hookscope', transport);
