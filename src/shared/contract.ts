import { z } from 'zod';
import {
  Endpoint,
  EndpointPath,
  EndpointResponse,
  BodyPart,
  EventView,
  EventSummary,
  MAX_BODY_PART_BYTES,
  DeadLetter,
  ForwardAttempt,
  ForwardStatus,
  GenericHmacConfig,
  HeaderName,
  ProviderId,
  Notice,
  ReceiverHealth,
  BasedOnRev,
  Settings,
  SettingsView,
  SignatureStatus,
  SimulatedFailures,
  AuthtokenInput,
  TunnelOptionsPatch,
  TunnelSettings,
  TunnelState,
} from './model';
import { CheckupSummary, checkupCommands } from './checkup';

const Id = z.string().min(1).max(200);

/** What Node's HTTP client sends as a header value: tabs and printable Latin-1. */
const SendableHeaderValue = z
  .string()
  .regex(
    /^[\t\x20-\x7e\x80-\xff]*$/,
    'header values may hold tabs and printable characters only (no line breaks, NUL, other control characters or characters beyond Latin-1)',
  );

/** Some items by id (up to 10,000), or `all: true`. */
function selection<T extends z.ZodType>(id: T) {
  return z
    .object({ ids: z.array(id).max(10_000).optional(), all: z.boolean().optional() })
    .strict()
    .refine((v) => v.all === true || (v.ids !== undefined && v.ids.length > 0), {
      message: 'give ids or all: true',
    });
}

/**
 * The one command contract (docs/ARCHITECTURE.md §2). Every transport (IPC, HTTP) derives its channel
 * names from these keys and parses inputs with these schemas through `dispatch`.
 */
export const commands = {
  getStatus: {
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
  saveEndpoint: {
    input: z
      .object({
        id: Id.optional(),
        name: z.string().min(1).max(200),
        path: EndpointPath,
        provider: z.union([ProviderId, z.literal('auto')]).optional(),
        secrets: z.array(z.string().min(1).max(10_000)).max(10).optional(),
        toleranceSec: z.number().int().min(0).max(31_536_000).nullable().optional(),
        forwardTo: z
          .url({ protocol: /^https?$/ })
          .nullable()
          .optional(),
        response: EndpointResponse.optional(),
        hmac: GenericHmacConfig.nullable().optional(),
        invalidSignatureResponse: EndpointResponse.nullable().optional(),
        duplicateResponse: EndpointResponse.nullable().optional(),
        /** A JSON Schema (draft 2020-12, 2019-09, 07 or 06) the payloads must match. */
        jsonSchema: z
          .union([z.record(z.string(), z.unknown()), z.boolean()])
          .nullable()
          .optional(),
        forwardDuplicates: z.boolean().optional(),
        simulate: SimulatedFailures.nullable().optional(),
        /**
         * The endpoint's `rev` this edit was based on: when it changed since, nothing is saved
         * and the answer is a `conflict` saying what changed. Absent: the last writer wins.
         */
        rev: BasedOnRev.optional(),
      })
      .strict(),
    /** The saved endpoint, with warnings about it (e.g. a secret not of the provider's form). */
    output: Endpoint.extend({ warnings: z.array(z.string()) }),
  },
  listEndpoints: {
    input: z.object({}).strict(),
    output: z.object({ items: z.array(Endpoint) }),
  },
  deleteEndpoint: {
    input: z.object({ id: Id }).strict(),
    output: z.object({ deleted: z.boolean() }),
  },
  listEvents: {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        beforeSeq: z.number().int().optional(),
        afterSeq: z.number().int().optional(),
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
       * or asked with beforeSeq/afterSeq.
       */
      totalAtLeast: z.boolean().optional(),
    }),
  },
  /**
   * Every change to the log after `afterRev`, oldest first (new deliveries and updates, each
   * event's version as of now): what a client that follows the live cursor missed while it was
   * away. `rev` is the log's cursor now; `hasMore` says to ask again from the last item's rev.
   */
  listChanges: {
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
    input: z.object({ id: Id }).strict(),
    output: EventView,
  },
  /** More of an event's body: `length` bytes (at most 4 MB) from `offset`. */
  getEventBody: {
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
    input: selection(Id),
    output: z.object({ deleted: z.number().int() }),
  },
  replayEvent: {
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
  /** A selection (ids) or the newest `limit` events as a HAR 1.2 log or NDJSON. */
  exportEvents: {
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
  /**
   * How two events differ: request line, headers by name, and the body (JSON structurally as
   * JSON Pointer changes, other text by characters, binary by size).
   */
  diffEvents: {
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
  /** The sample deliveries `sendSample` can send. */
  listSamples: {
    input: z.object({}).strict(),
    output: z.object({
      items: z.array(z.object({ id: z.string(), provider: ProviderId, title: z.string() })),
    }),
  },
  /** Sends a fresh sample delivery to an endpoint, signed with its secret ("trigger"). */
  sendSample: {
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
  /** Replays several events one after the other, oldest first (same options as replayEvent). */
  replayEvents: {
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
  purgeDeadLetters: {
    input: selection(z.number().int()),
    output: z.object({ purged: z.number().int() }),
  },
  getSettings: {
    input: z.object({}).strict(),
    output: SettingsView,
  },
  saveSettings: {
    /** `rev`: the settings' version this edit was based on (see saveEndpoint's). */
    input: Settings.partial().extend({ rev: BasedOnRev.optional() }).strict(),
    output: SettingsView,
  },
  /**
   * Starts the ngrok tunnel to the receiver (never to this API) with the saved settings, plus
   * `options` for this start only. Answers once it is online or has failed (see `tunnel.state`
   * for later changes); an error state is an answer, not a thrown error. Starting again with
   * the same settings while it runs changes nothing; with other settings it restarts.
   */
  startTunnel: {
    input: z.object({ options: TunnelOptionsPatch.optional() }).strict(),
    output: TunnelState,
  },
  stopTunnel: {
    input: z.object({}).strict(),
    output: TunnelState,
  },
  /** The saved tunnel options and where the authtoken comes from; never a secret. */
  getTunnelSettings: {
    input: z.object({}).strict(),
    output: TunnelSettings,
  },
  /**
   * Saves the authtoken (`null` forgets it) and changes options (a field left out is kept,
   * `null` clears it). Takes effect at the next start.
   */
  saveTunnelSettings: {
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
  ...checkupCommands,
} as const;

/** Live pushes from the engine to every UI. */
export const pushes = {
  /** New or changed event summaries, batched (~50 ms); `rev` is the highest rev in the batch. */
  'events.batch': z.object({ rev: z.number().int(), items: z.array(EventSummary) }),
  /** Events removed (by the user or by retention); `all` when the log was cleared. */
  'events.deleted': z.object({ ids: z.array(z.string()), all: z.boolean() }),
  /** The client missed too much to be sent it: reload the list, then go on from `rev`. */
  'events.reset': z.object({ rev: z.number().int() }),
  'tunnel.state': TunnelState,
  /** The receiver started or stopped refusing deliveries (disk guard). */
  'receiver.health': ReceiverHealth,
  /** A forward or replay attempt was recorded. */
  'forward.attempt': ForwardAttempt,
  /**
   * An endpoint was created or changed (`endpoint`, as listEndpoints shows it: never a secret)
   * or deleted (`endpoint: null`); sent after the change is committed.
   */
  'endpoints.changed': z.object({ id: z.string(), endpoint: Endpoint.nullable() }),
  /** The settings were saved (from anywhere); after the write committed. */
  'settings.changed': SettingsView,
  /** The tunnel settings were saved; never a secret, only whether one is set. */
  'tunnelSettings.changed': TunnelSettings,
  /** The dead-letter list changed size (a forward gave up, a redrive, a purge). */
  'deadLetters.changed': z.object({ count: z.number().int() }),
  /** A check-up run was stored (`run`: its summary) or deleted (`run: null`). */
  'checkups.changed': z.object({
    id: z.string(),
    endpointId: z.string().nullable(),
    run: CheckupSummary.nullable(),
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type PushName = keyof typeof pushes;
export type Input<N extends CommandName> = z.input<Commands[N]['input']>;
export type ParsedInput<N extends CommandName> = z.output<Commands[N]['input']>;
export type Output<N extends CommandName> = z.infer<Commands[N]['output']>;
export type Push<P extends PushName> = z.infer<(typeof pushes)[P]>;

/** One push as a listener receives it: its name and its payload, narrowed together. */
export type PushMessage = { [P in PushName]: { name: P; payload: Push<P> } }[PushName];

export const commandNames = Object.keys(commands) as CommandName[];
export const pushNames = Object.keys(pushes) as PushName[];

/** True when `name` is one of the contract's commands (guards untrusted channel names). */
export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

/** True when `name` is one of the contract's pushes. */
export function isPushName(name: string): name is PushName {
  return Object.prototype.hasOwnProperty.call(pushes, name);
}
