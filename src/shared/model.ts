import { z } from 'zod';
import { MAX_BODY_PART_BYTES, SIGNATURE_STATUSES } from './values';
import { providerIds } from './providers';

/** The tunnel's part of the model, in its own module (36% of this file once). */
export * from './tunnel-model';

/** Provider ids, from the provider catalogue (providers.ts, docs/ARCHITECTURE.md §5); `auto` detects from the headers. */
export { providerIds };
export const ProviderId = z.enum(providerIds);
export type ProviderId = z.infer<typeof ProviderId>;

/** HTTP header name: RFC 9110 token characters. */
export const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
/** Header value: no CR, LF or NUL (they would split the response). */
const HeaderValue = z.string().regex(/^[^\r\n\0]*$/, 'header values cannot contain CR, LF or NUL');

/** The response an endpoint gives to each delivery. */
export const EndpointResponse = z.object({
  status: z.number().int().min(200).max(599),
  headers: z
    .array(z.tuple([HeaderName, HeaderValue]))
    .max(100)
    .optional(),
  body: z.string().max(1_000_000).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type EndpointResponse = z.infer<typeof EndpointResponse>;

/** An endpoint path prefix: starts with `/`, no query, no trailing slash except `/` itself. */
export const EndpointPath = z
  .string()
  // An empty path says one thing, not also the rule below (issue 14 #9).
  .min(1, { message: 'required: a path starting with /, such as /stripe', abort: true })
  .max(512)
  .regex(/^\/[^?#\s]*$/, 'must start with / and contain no spaces, ? or #')
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') || '/' : p));

/**
 * The generic HMAC scheme's settings: which header carries the signature, how it is computed
 * and encoded, and what is signed (the body, or a timestamp header's value + separator + body).
 */
export const GenericHmacConfig = z
  .object({
    header: HeaderName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    encoding: z.enum(['hex', 'base64']),
    /** Text before the signature in the header, e.g. `sha256=`. */
    prefix: z.string().max(50).default(''),
    signed: z.enum(['body', 'timestamp+body']).default('body'),
    timestampHeader: HeaderName.optional(),
    /** Between the timestamp and the body when both are signed. */
    separator: z.string().max(8).default('.'),
    timestampUnit: z.enum(['s', 'ms']).default('s'),
  })
  .refine((c) => c.signed === 'body' || c.timestampHeader !== undefined, {
    message: 'timestampHeader is required when the timestamp is signed',
    path: ['timestampHeader'],
  });
export type GenericHmacConfig = z.infer<typeof GenericHmacConfig>;

/**
 * Answer some deliveries with a failure status (they are still stored): the next `failNext`
 * ones, then `failPercent` % at random.
 */
export const SimulatedFailures = z.object({
  failNext: z.number().int().min(0).max(1_000_000),
  failPercent: z.number().min(0).max(100),
  status: z.number().int().min(400).max(599),
});
export type SimulatedFailures = z.infer<typeof SimulatedFailures>;

export const Endpoint = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  provider: z.union([ProviderId, z.literal('auto')]),
  /** How many secrets are configured; the secrets themselves never leave the engine. */
  secretCount: z.number().int().min(0),
  toleranceSec: z.number().int().min(0).nullable(),
  forwardTo: z.string().nullable(),
  response: EndpointResponse,
  /** Settings of the generic-hmac provider; null otherwise. */
  hmac: GenericHmacConfig.nullable(),
  /** Answer deliveries whose signature is invalid, stale, from the future or missing with this (e.g. 401). */
  invalidSignatureResponse: EndpointResponse.nullable(),
  /** Answer duplicate deliveries with this instead of `response`. */
  duplicateResponse: EndpointResponse.nullable(),
  /** The endpoint's own JSON Schema for payloads (replaces the provider's built-in one). */
  jsonSchema: z.unknown().nullable(),
  /** Forward duplicate deliveries too (default true: the app should be idempotent). */
  forwardDuplicates: z.boolean(),
  /** Failure simulation, to exercise a provider's retries; null when off. */
  simulate: SimulatedFailures.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The person who saved it last, on a team server (absent when saved locally). */
  updatedBy: z.string().optional(),
  /**
   * The endpoint's version, bumped with every change (in the same transaction). A save that
   * names the version it was based on is refused with `conflict` when it is not current.
   */
  rev: z.number().int(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const SignatureStatus = z.enum(SIGNATURE_STATUSES);
export type SignatureStatus = z.infer<typeof SignatureStatus>;
/**
 * `error`: the check of an endpoint's own JSON Schema did not finish (too slow, out of memory,
 * the checker busy); the issues say why. The delivery is stored all the same.
 */
export const SchemaStatus = z.enum(['valid', 'invalid', 'none', 'error']);
export type SchemaStatus = z.infer<typeof SchemaStatus>;
export const ForwardStatus = z.enum(['none', 'pending', 'ok', 'retrying', 'failed', 'dead']);

/** How many events each list filter matches (countEvents): exact, from counters kept with the log. */
export const EventCounts = z.object({
  /** Every event (within the endpoint when one was asked for). */
  total: z.number().int(),
  /** By signature verdict; a verdict no event has is 0. */
  signature: z.record(SignatureStatus, z.number().int()),
  /** By forward status; a status no event has is 0. */
  forward: z.record(ForwardStatus, z.number().int()),
  /** Deliveries that repeat an earlier one (the Duplicates filter). */
  duplicates: z.number().int(),
  /** Requests the receiver refused (the Refused filter). */
  refused: z.number().int(),
  /** Forwards retrying, failed or dead (the Failed forwards filter). */
  failedForwards: z.number().int(),
  /** By endpoint id (the Endpoint filter); endpoints without events are absent. */
  endpoints: z.record(z.string(), z.number().int()),
});
export type EventCounts = z.infer<typeof EventCounts>;

/**
 * The idempotency source of a key that is a hash of the body (no delivery id was sent): a match
 * means the same body on the same path, not necessarily a retry.
 */
export const BODY_HASH_SOURCE = 'body hash';

/** What lists and the live stream carry for one delivery; never the body. */
export const EventSummary = z.object({
  id: z.string(),
  /** Insertion order; pages use it (`beforeSeq`). */
  seq: z.number().int(),
  /** The store's change sequence at this summary's last change; the live stream's cursor. */
  rev: z.number().int(),
  receivedAt: z.string(),
  endpointId: z.string(),
  method: z.string(),
  path: z.string(),
  size: z.number().int(),
  contentType: z.string().nullable(),
  viaTunnel: z.boolean(),
  /** Brought in from a HAR or NDJSON file rather than received. */
  imported: z.boolean(),
  /** The provider's event type (body `type`, X-GitHub-Event + action, ...), when there is one. */
  eventType: z.string().nullable(),
  /** For async AI jobs: the job the event is about (OpenAI `data.id`: batch, response, ...). */
  jobId: z.string().nullable(),
  signature: z.object({ status: SignatureStatus, provider: z.string().nullable() }),
  idempotency: z.object({
    duplicateOf: z.string().nullable(),
    deliveryCount: z.number().int(),
    /** True when the key is a body hash: a match is "same body as", not a retry. */
    byBodyHash: z.boolean().optional(),
    /** The sender's own delivery or event id (evt_…, msg_…, Idempotency-Key), when it sent one. */
    deliveryId: z.string().optional(),
    /**
     * True when its signature did not verify on an endpoint that checks them: it is never the
     * first of its id (a genuine delivery with that id is still new), nor a duplicate.
     */
    unverified: z.boolean().optional(),
  }),
  schema: z.object({ status: SchemaStatus }),
  forward: z.object({ status: ForwardStatus }),
  response: z.object({ status: z.number().int() }),
  /**
   * Set when the receiver refused the request (body or header limits, rate limit): why, in
   * words. The event keeps the request line and headers, never the refused body.
   */
  rejected: z.string().optional(),
});
export type EventSummary = z.infer<typeof EventSummary>;

/**
 * Whether a redrive can sign a dead letter again (its endpoint has a secret and its provider's
 * scheme signs with it); `why` not, in words.
 */
export const ResignAbility = z.object({ possible: z.boolean(), why: z.string().nullable() });
export type ResignAbility = z.infer<typeof ResignAbility>;

export const ForwardAttempt = z.object({
  id: z.string(),
  eventId: z.string(),
  /** live: the queue's forward after the ack; replay: sent on request; */
  kind: z.enum(['live', 'replay', 'redrive', 'listener']),
  targetUrl: z.string(),
  /**
   * listener: who sent it (a `hookscope listen --server`'s name, e.g. alice@laptop); the
   * target is that listener's local URL.
   */
  by: z.string().optional(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  at: z.string(),
  attempt: z.number().int(),
  /**
   * Where the queue's forward stands after this attempt (live and redrive attempts, in pushes):
   * the attempts it may make, the next one and when it is due while it is retried, or that it
   * gave up (dead-lettered). Absent on replays and on attempts read back from the log.
   */
  queue: z
    .object({
      maxAttempts: z.number().int(),
      next: z.object({ attempt: z.number().int(), at: z.string() }).optional(),
      deadLettered: z.boolean(),
    })
    .optional(),
  /** What the target answered (headers and the first 64 KB of the body). */
  response: z
    .object({
      headers: z.array(z.tuple([z.string(), z.string()])),
      base64: z.string(),
      text: z.string().optional(),
      truncated: z.boolean(),
    })
    .nullable(),
});
export type ForwardAttempt = z.infer<typeof ForwardAttempt>;

export const EventDetail = EventSummary.extend({
  query: z.string(),
  sourceIp: z.string().nullable(),
  publicUrl: z.string().nullable(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.object({ base64: z.string(), size: z.number().int(), text: z.string().optional() }),
  /** What search covers of the body: all its text, the first SEARCH_BODY_BYTES, none (not text). */
  bodySearch: z.enum(['all', 'first', 'none']).optional(),
  signature: z.object({
    status: SignatureStatus,
    provider: z.string().nullable(),
    reason: z.string(),
  }),
  idempotency: z.object({
    key: z.string().nullable(),
    source: z.string().nullable(),
    duplicateOf: z.string().nullable(),
    deliveryCount: z.number().int(),
    byBodyHash: z.boolean().optional(),
    /** As on the summary: never the first of its id (its signature did not verify). */
    unverified: z.boolean().optional(),
  }),
  schema: z.object({
    status: SchemaStatus,
    name: z.string().optional(),
    issues: z.array(z.string()).optional(),
  }),
  /**
   * What Hookscope answered: the status, and the headers, body and delay as configured at the
   * time (events stored before they were kept, and refusals, have the status only).
   */
  response: z.object({
    status: z.number().int(),
    headers: z.array(z.tuple([z.string(), z.string()])).optional(),
    body: z.string().optional(),
    delayMs: z.number().int().optional(),
  }),
  forwards: z.array(ForwardAttempt),
  /** Its forward gave up: the dead letter's id (for redriveDeadLetters / purgeDeadLetters). */
  deadLetterId: z.number().int().optional(),
  /** With deadLetterId: whether a redrive can re-sign it (see DeadLetter.resign). */
  deadLetterResign: ResignAbility.optional(),
});
export type EventDetail = z.infer<typeof EventDetail>;

/**
 * Bytes of an event's body from `offset`, sent once: as `text` when the whole body is UTF-8
 * (a range then never splits a character), else as `base64`.
 */
export const BodyPart = z.object({
  /** The whole body's size in bytes. */
  size: z.number().int(),
  offset: z.number().int(),
  /** How many bytes of the body this part holds. */
  length: z.number().int(),
  text: z.string().optional(),
  base64: z.string().optional(),
});
export type BodyPart = z.infer<typeof BodyPart>;

/** What getEvent answers: the event with the first part of its body (FIRST_BODY_BYTES). */
export const EventView = EventDetail.extend({
  body: z.object({
    size: z.number().int(),
    /** Bytes of the body held here, from its start. */
    length: z.number().int(),
    /** The whole body is here; else getEventBody gives the rest from `length` on. */
    complete: z.boolean(),
    text: z.string().optional(),
    base64: z.string().optional(),
  }),
});
export type EventView = z.infer<typeof EventView>;

/** getEvent carries this much of a body; getEventBody gives more. */
export const FIRST_BODY_BYTES = 256 * 1024;
export { MAX_BODY_PART_BYTES };

/** How forwarding to the developer's app behaves. */
export const ForwardingSettings = z.object({
  /** Queue deliveries without sending them (they go out when resumed). */
  paused: z.boolean(),
  /** Forwards in flight at once. */
  concurrency: z.number().int().min(1).max(64),
  /** Per attempt, for the whole exchange. */
  timeoutMs: z.number().int().min(100).max(600_000),
  /** Attempts in all before a delivery goes to the dead-letter list. */
  maxAttempts: z.number().int().min(1).max(50),
});
export type ForwardingSettings = z.infer<typeof ForwardingSettings>;

/** A forward that gave up: its event went to the dead-letter list. */
export const DeadLetter = z.object({
  id: z.number().int(),
  eventId: z.string(),
  targetUrl: z.string(),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
  event: EventSummary.nullable(),
  /** Whether Redrive can re-sign it (absent when the event is gone). */
  resign: ResignAbility.optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

const Ms = z.number().int().min(1000).max(3_600_000);

/**
 * Limits the receiver enforces on a URL open to the internet. Each refusal is a clear HTTP
 * status; `maxHeaderBytes` applies to listeners opened after the change (the next start).
 */
export const ReceiverLimits = z.object({
  /** Larger bodies get 413 (answered as soon as the limit is passed) and are not stored. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024),
  /** More header fields than this get 431. */
  maxHeaders: z.number().int().min(10).max(100_000),
  /** All header bytes together; more get 431 (from the HTTP parser). */
  maxHeaderBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024),
  /** A client must send all its headers within this (slow-client protection): else 408. */
  headersTimeoutMs: Ms,
  /** ... and the whole request within this: else 408. */
  requestTimeoutMs: Ms,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: Ms,
  /** Open connections at once; more are answered 503 with Retry-After and closed. */
  maxConnections: z.number().int().min(1).max(100_000),
  /**
   * Per client (an IPv4 address or an IPv6 /64) for requests from outside this machine (the
   * tunnel, the LAN), refused ones included: a token
   * bucket refilled at `perSecond` holding up to `burst`; past it, 429 with Retry-After.
   * Loopback clients are never limited. null turns it off.
   */
  rateLimit: z
    .object({
      perSecond: z.number().min(0.1).max(100_000),
      burst: z.number().int().min(1).max(1_000_000),
    })
    .nullable(),
  /** Below this much free space under the data dir, deliveries get 507 (nothing is lost). */
  minFreeDiskBytes: z.number().int().min(0),
  /**
   * Open connections (behind the tunnel or a proxy: requests in progress) per client (an IPv4
   * address or an IPv6 /64) from outside this machine; more get 503 + Retry-After and are
   * closed at once, so one client's slow uploads cannot take every slot.
   */
  maxConnectionsPerClient: z.number().int().min(1).max(100_000).default(64),
});
export type ReceiverLimits = z.infer<typeof ReceiverLimits>;

/** What the receiver is refusing right now and why (shown in the UI). */
export const ReceiverHealth = z.object({
  /** Deliveries are answered 507 because free disk space is below the guard. */
  diskLow: z.boolean(),
  /** Free bytes under the data dir at the last check (null before the first). */
  freeBytes: z.number().nullable(),
  /** The reason in words when something is refused; null when all is well. */
  message: z.string().nullable(),
  /**
   * The log could not be written (disk full, I/O error): deliveries are answered 503 and
   * background work waits; `message` says why. Cleared by the next write that succeeds.
   */
  storeFailed: z.boolean().optional(),
});
export type ReceiverHealth = z.infer<typeof ReceiverHealth>;

/** Something that happened at start the user must know about (e.g. a corrupt file set aside). */
export const Notice = z.object({
  code: z.enum(['log_recovered', 'secrets_recovered', 'settings_reset']),
  message: z.string(),
  /** The file it concerns (where the old log was moved). */
  path: z.string().optional(),
});
export type Notice = z.infer<typeof Notice>;

export const Settings = z.object({
  retention: z.object({
    /** Keep at most this many events (oldest removed first); null = unlimited. */
    maxEvents: z.number().int().min(1).nullable(),
    /** Remove events older than this many days; null = forever. */
    maxAgeDays: z.number().min(0).nullable(),
  }),
  forwarding: ForwardingSettings,
  receiver: ReceiverLimits,
});
export type Settings = z.infer<typeof Settings>;

/** The settings as a UI sees them: with their version (see `Endpoint.rev`). */
export const SettingsView = Settings.extend({ rev: z.number().int() });
export type SettingsView = z.infer<typeof SettingsView>;

/** The version a save was based on: absent, the last writer wins. */
export const BasedOnRev = z.number().int().min(0);
