import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge';

// Sandboxed preload: it may require only `electron`, so the contract's names come from main
// in process.argv (see ./protocol.ts), not from the zod contract.
exposeBridge(contextBridge, ipcRenderer, process.argv);
