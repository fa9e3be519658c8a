import { z } from 'zod';
import { ProviderId } from './model';
import { Id } from './contract-parts';

/** The sample deliveries, sent signed to an endpoint ("trigger"). Part of the one contract (contract.ts). */
export const samplesCommands = {
  /** The sample deliveries `sendSample` can send. */
  listSamples: {
    access: 'read',
    input: z.object({}).strict(),
    output: z.object({
      items: z.array(z.object({ id: z.string(), provider: ProviderId, title: z.string() })),
    }),
  },
  /** Sends a fresh sample delivery to an endpoint, signed with its secret ("trigger"). */
  sendSample: {
    access: 'write',
    input: z
      .object({
        sample: z.string().min(1).max(100),
        endpointId: Id.optional(),
        /** local: the receiver's own URL; public: through the tunnel (must be online). */
        via: z.enum(['local', 'public']).optional(),
      })
      .strict(),
    output: z.object({
      status: z.number().int().nullable(),
      error: z.string().nullable(),
      url: z.string(),
      signed: z.boolean(),
    }),
  },
} as const;
