import { z } from 'zod';
import {
  BasedOnRev,
  AuthtokenInput,
  TunnelOptionsPatch,
  TunnelSettings,
  TunnelState,
} from './model';

/** The public tunnel (ngrok) and its saved settings. Part of the one contract (contract.ts). */
export const tunnelCommands = {
  /**
   * Starts the ngrok tunnel to the receiver (never to this API) with the saved settings, plus
   * `options` for this start only. Answers once it is online or has failed (see `tunnel.state`
   * for later changes); an error state is an answer, not a thrown error. Starting again with
   * the same settings while it runs changes nothing; with other settings it restarts.
   */
  startTunnel: {
    access: 'write',
    input: z.object({ options: TunnelOptionsPatch.optional() }).strict(),
    output: TunnelState,
  },
  stopTunnel: {
    access: 'write',
    input: z.object({}).strict(),
    output: TunnelState,
  },
  /** The saved tunnel options and where the authtoken comes from; never a secret. */
  getTunnelSettings: {
    access: 'read',
    input: z.object({}).strict(),
    output: TunnelSettings,
  },
  /**
   * Saves the authtoken (`null` forgets it) and changes options (a field left out is kept,
   * `null` clears it). Takes effect at the next start.
   */
  saveTunnelSettings: {
    access: 'write',
    input: z
      .object({
        authtoken: AuthtokenInput.nullable().optional(),
        options: TunnelOptionsPatch.optional(),
        /** The tunnel settings' version this edit was based on (see saveEndpoint's). */
        rev: BasedOnRev.optional(),
      })
      .strict(),
    output: TunnelSettings,
  },
} as const;
