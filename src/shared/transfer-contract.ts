import { z } from 'zod';
import { Id } from './contract-parts';

/** Export and import (HAR, NDJSON). Part of the one contract (contract.ts). */
export const transferCommands = {
  /** A selection (ids) or the newest `limit` events as a HAR 1.2 log or NDJSON. */
  exportEvents: {
    access: 'read',
    input: z
      .object({
        format: z.enum(['har', 'ndjson']),
        ids: z.array(Id).max(10_000).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ content: z.string(), count: z.number().int() }),
  },
  /** Brings events back from a HAR or NDJSON export; they are marked imported. */
  importEvents: {
    access: 'write',
    input: z
      .object({ format: z.enum(['har', 'ndjson']), content: z.string().max(100_000_000) })
      .strict(),
    output: z.object({
      imported: z.number().int(),
      /**
       * Events left out because their id is already in the log (the original they were exported
       * from, or an earlier import of the same file): a re-import adds nothing.
       */
      skipped: z.number().int().optional(),
      /** How many of them retention removes at once (more than maxEvents were imported). */
      pastRetention: z.number().int().optional(),
      /** What retention does with them, in words, when it matters. */
      note: z.string().optional(),
    }),
  },
} as const;
