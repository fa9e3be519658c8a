import { z } from 'zod';
import {
  BodyPart,
  EventCounts,
  EventView,
  EventSummary,
  MAX_BODY_PART_BYTES,
  ForwardStatus,
  SignatureStatus,
} from './model';
import { Id, selection } from './contract-parts';

/** The event log: listing, search and filters, the live cursor, one event and its body, deletes, diff. Part of the one contract (contract.ts). */
export const eventsCommands = {
  listEvents: {
    access: 'read',
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        beforeSeq: z.number().int().optional(),
        afterSeq: z.number().int().optional(),
        /**
         * `newest` (the default) lists newest first, `oldest` oldest first: with `afterSeq`, the
         * next newer page; alone, the oldest events (the UI's jump to the oldest, End). Filters
         * and search answer the same events in either order.
         */
        order: z.enum(['newest', 'oldest']).optional(),
        endpointId: Id.optional(),
        /**
         * Search text (README "Search"): words match whole words (letters and digits, any case,
         * diacritics folded), `"a b"` and `a-b` match adjacent words in order, `pre*` a prefix,
         * `path:`, `header:`, `body:` pick a field; every term must match. Bodies are searched
         * decoded (gzip, deflate, br), the first 1 MB of their text; bodies that are not text
         * are not searched.
         */
        query: z.string().max(500).optional(),
        /** Only events about this job (e.g. an OpenAI batch or response id). */
        jobId: z.string().max(200).optional(),
        eventType: z.string().max(200).optional(),
        method: z.string().min(1).max(20).optional(),
        signatureStatus: z
          .array(SignatureStatus)
          .min(1)
          .max(SignatureStatus.options.length)
          .optional(),
        /** Only deliveries that repeat an earlier one (same idempotency key). */
        duplicatesOnly: z.boolean().optional(),
        /** Only requests the receiver refused (body/header limits, rate limit). */
        refusedOnly: z.boolean().optional(),
        forwardStatus: z.array(ForwardStatus).min(1).max(6).optional(),
        /** Also answer `total`: how many events the filter matches in all (paging aside). */
        withTotal: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      items: z.array(EventSummary),
      hasMore: z.boolean(),
      /** With `withTotal`: the events matching the filter, paging aside. */
      total: z.number().int().optional(),
      /**
       * The total is a lower bound: a search while recent deliveries are still being indexed,
       * a search with more than 10,000 matches (counted that far), or asked with
       * beforeSeq/afterSeq.
       */
      totalAtLeast: z.boolean().optional(),
    }),
  },
  /**
   * How many events each filter pill would show (issue 16): exact counts kept with the log, so
   * they are instant on a log of millions. With `endpointId`, within that endpoint only.
   */
  countEvents: {
    access: 'read',
    input: z.object({ endpointId: Id.optional() }).strict(),
    output: EventCounts,
  },
  /**
   * Every change to the log after `afterRev`, oldest first (new deliveries and updates, each
   * event's version as of now): what a client that follows the live cursor missed while it was
   * away. `rev` is the log's cursor now; `hasMore` says to ask again from the last item's rev.
   */
  listChanges: {
    access: 'read',
    input: z
      .object({
        afterRev: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: z.object({ rev: z.number().int(), items: z.array(EventSummary), hasMore: z.boolean() }),
  },
  /**
   * The event, with its body sent once (text when UTF-8, else base64) and only its first
   * FIRST_BODY_BYTES; `body.complete` false means getEventBody has the rest.
   */
  getEvent: {
    access: 'read',
    input: z.object({ id: Id }).strict(),
    output: EventView,
  },
  /** More of an event's body: `length` bytes (at most 4 MB) from `offset`. */
  getEventBody: {
    access: 'read',
    input: z
      .object({
        id: Id,
        offset: z.number().int().min(0),
        length: z.number().int().min(1).max(MAX_BODY_PART_BYTES),
      })
      .strict(),
    output: BodyPart,
  },
  /** The body decoded per its Content-Encoding (gzip, deflate, br); the stored bytes stay as is. */
  decodeBody: {
    access: 'read',
    input: z.object({ id: Id }).strict(),
    output: z.object({
      /** The Content-Encoding that was undone, or null when the body was not encoded. */
      encoding: z.string().nullable(),
      base64: z.string(),
      size: z.number().int(),
      text: z.string().optional(),
      /** Why decoding failed (the raw body is still in getEvent). */
      error: z.string().optional(),
      /** Set when only the start of the decoded body is given, saying how much. */
      shown: z.string().optional(),
    }),
  },
  deleteEvents: {
    access: 'write',
    input: selection(Id),
    output: z.object({ deleted: z.number().int() }),
  },
  /**
   * How two events differ: request line, headers by name, and the body (JSON structurally as
   * JSON Pointer changes, other text by characters, binary by size).
   */
  diffEvents: {
    access: 'read',
    input: z.object({ a: Id, b: Id }).strict(),
    output: z.object({
      request: z.array(
        z.object({
          field: z.enum(['method', 'path', 'query']),
          before: z.string(),
          after: z.string(),
        }),
      ),
      headers: z.object({
        added: z.array(z.tuple([z.string(), z.string()])),
        removed: z.array(z.tuple([z.string(), z.string()])),
        changed: z.array(z.object({ name: z.string(), before: z.string(), after: z.string() })),
      }),
      body: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('same') }),
        z.object({
          kind: z.literal('json'),
          changes: z.array(
            z.object({
              op: z.enum(['add', 'remove', 'replace']),
              path: z.string(),
              before: z.unknown().optional(),
              after: z.unknown().optional(),
            }),
          ),
        }),
        z.object({
          kind: z.literal('text'),
          chunks: z.array(
            z.object({
              op: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
              text: z.string(),
            }),
          ),
        }),
        z.object({
          kind: z.literal('binary'),
          beforeSize: z.number().int(),
          afterSize: z.number().int(),
        }),
      ]),
    }),
  },
} as const;
