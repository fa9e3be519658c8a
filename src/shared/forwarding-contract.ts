import { z } from 'zod';
import { DeadLetter, ForwardAttempt, HeaderName } from './model';
import { Id, SendableHeaderValue, selection } from './contract-parts';

/** Replay and the dead-letter list (forwards to the developer's app). Part of the one contract (contract.ts). */
export const forwardingCommands = {
  replayEvent: {
    access: 'write',
    input: z
      .object({
        id: Id,
        /**
         * Where to send it instead of the endpoint's forward target: a base, like a forward
         * target (the path's part after the endpoint's prefix and the query are added).
         */
        targetUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Sign again with the endpoint's secret and a fresh timestamp, as the provider would. */
        resign: z.boolean().optional(),
        /** With resign: a new delivery id instead of the original (which tests idempotency). */
        newDeliveryId: z.boolean().optional(),
        /**
         * Changes to the request sent (the stored event stays as it is). The path goes under
         * the target like a forward's: its part after the endpoint's prefix is appended.
         */
        edits: z
          .object({
            method: z
              .string()
              .min(1)
              .max(20)
              .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP method (e.g. POST)')
              .optional(),
            path: z
              .string()
              .max(2000)
              .regex(
                /^\/[^?#]*$/,
                'must start with / and hold no ? or # (the query stays as received)',
              )
              .optional(),
            headers: z
              .array(z.tuple([HeaderName, SendableHeaderValue]))
              .max(10_000)
              .optional(),
            body: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: ForwardAttempt,
  },
  /** Replays several events one after the other, oldest first (same options as replayEvent). */
  replayEvents: {
    access: 'write',
    input: z
      .object({
        ids: z.array(Id).min(1).max(1000),
        targetUrl: z.url({ protocol: /^https?$/ }).optional(),
        resign: z.boolean().optional(),
        newDeliveryId: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ items: z.array(ForwardAttempt) }),
  },
  listDeadLetters: {
    access: 'read',
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        beforeId: z.number().int().optional(),
      })
      .strict(),
    output: z.object({ items: z.array(DeadLetter), hasMore: z.boolean() }),
  },
  /**
   * Puts dead-lettered forwards back in the queue (one, several or all), each to its endpoint's
   * forward target as it is now. Refused (400, nothing redriven) when an endpoint concerned has
   * no target now. With `resign`, each attempt is signed again at send time with the endpoint's
   * first secret (a fresh timestamp, as the Stripe CLI does), where its scheme can sign.
   */
  redriveDeadLetters: {
    access: 'write',
    input: z
      .object({
        ids: z.array(z.number().int()).max(10_000).optional(),
        all: z.boolean().optional(),
        resign: z.boolean().optional(),
      })
      .strict()
      .refine((v) => v.all === true || (v.ids !== undefined && v.ids.length > 0), {
        message: 'give ids or all: true',
      }),
    output: z.object({
      /** How many were queued again. */
      redriven: z.number().int(),
      /** Each dead letter taken: where it goes now, or why it was refused again (still dead). */
      items: z.array(
        z.object({
          id: z.number().int(),
          eventId: z.string(),
          targetUrl: z.string(),
          refused: z.string().nullable(),
          /** Signed again with the endpoint's secret at each attempt. */
          resigned: z.boolean(),
          /**
           * Sent with its original signature although that may be too old for the app (its
           * scheme has a tolerance, and re-signing was not asked for or is impossible): why.
           */
          warning: z.string().nullable(),
        }),
      ),
    }),
  },
  /**
   * A forward attempt made by a `hookscope listen --server` to its own local app, reported back
   * so everyone sees it on the delivery ("sent by alice to http://localhost:3000: 200"); stored
   * as an attempt of kind `listener` with `by`.
   */
  recordListenerAttempt: {
    access: 'write',
    input: z
      .object({
        eventId: Id,
        /** Who sent it: the listener's name (its --name, default user@host). */
        by: z.string().trim().min(1).max(200),
        /** The local URL it went to. */
        targetUrl: z.url({ protocol: /^https?$/ }).max(4000),
        status: z.number().int().min(100).max(599).nullable(),
        error: z.string().max(2000).nullable(),
        durationMs: z.number().min(0).max(86_400_000),
        attempt: z.number().int().min(1).max(1000),
        /** When it was sent (default: when the report arrives). */
        at: z.iso.datetime({ offset: true }).optional(),
      })
      .strict(),
    output: ForwardAttempt,
  },
  purgeDeadLetters: {
    access: 'write',
    input: selection(z.number().int()),
    output: z.object({ purged: z.number().int() }),
  },
} as const;
