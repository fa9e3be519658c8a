import { z } from 'zod';
import { Notice, ReceiverHealth, TunnelState } from './model';

/** The receiver and engine status (the top bar). Part of the one contract (contract.ts). */
export const statusCommands = {
  getStatus: {
    access: 'read',
    input: z.object({}).strict(),
    output: z.object({
      receiverUrl: z.string(),
      version: z.string(),
      events: z.number().int(),
      /**
       * Events past the retention limits kept because their forward is still queued (paused
       * or retrying): they go once forwarded or dead-lettered.
       */
      heldForForwarding: z.number().int(),
      tunnel: TunnelState,
      /** What the receiver refuses right now (disk guard). */
      health: ReceiverHealth,
      /** What happened at start that the user must know (a corrupt log moved aside). */
      notices: z.array(Notice),
      /** Forwards on the dead-letter list (gave up); `deadLetters.changed` pushes changes. */
      deadLetters: z.number().int(),
    }),
  },
} as const;
