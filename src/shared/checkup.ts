import { z } from 'zod';
import { ProviderId } from './model';

/**
 * The endpoint check-up (issue 9): a fixed battery of real, signed requests sent to the
 * developer's own receiver, each graded with what was sent, what came back and a fix.
 */
export const ProbeId = z.enum([
  /** A valid delivery → 2xx. */
  'valid',
  /** The same delivery again (same id) → 2xx; notes whether the answer differs. */
  'duplicate',
  /** Signed with the wrong secret → 4xx. */
  'forged',
  /** Body changed after signing → 4xx. */
  'tampered',
  /** Timestamp beyond the provider's tolerance → 4xx (skipped for schemes without one). */
  'stale',
  /** No signature header at all → 4xx. */
  'unsigned',
  /** p50/p95 over a short series of valid deliveries vs the provider's timeout. */
  'latency',
  /** N distinct valid deliveries at concurrency C → all 2xx. */
  'burst',
  /** Any 3xx answer to a valid delivery (providers count redirects as failures). */
  'redirect',
]);
export type ProbeId = z.infer<typeof ProbeId>;

export const ProbeVerdict = z.enum(['pass', 'fail', 'warn', 'skip']);
export type ProbeVerdict = z.infer<typeof ProbeVerdict>;

/** One request the check-up sent, exactly (for display and "copy as cURL"). */
export const CheckupRequest = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  bodyBase64: z.string(),
  /** The body as UTF-8 when it is valid UTF-8, else null. */
  bodyText: z.string().nullable(),
});
export type CheckupRequest = z.infer<typeof CheckupRequest>;

/** What the target answered (or why it did not). */
export const CheckupResponse = z.object({
  status: z.number().int().nullable(),
  /** Connection error or timeout, in words; null when an answer came. */
  error: z.string().nullable(),
  durationMs: z.number(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  /** The first 4 KB of the answer as text. */
  body: z.string(),
  truncated: z.boolean(),
});
export type CheckupResponse = z.infer<typeof CheckupResponse>;

export const LatencyStats = z.object({
  count: z.number().int(),
  /** Answers with a 2xx status. */
  ok: z.number().int(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const ProbeResult = z.object({
  id: ProbeId,
  /** e.g. "Rejects a forged signature". */
  title: z.string(),
  /** What a correct receiver does, e.g. "4xx (401, 403 or 400)". */
  expected: z.string(),
  /** A failing must-pass probe fails the whole check-up (and the CLI exits non-zero). */
  mustPass: z.boolean(),
  verdict: ProbeVerdict,
  /** What happened, in plain words. */
  summary: z.string(),
  /** What to change in the receiver; null on pass. */
  fix: z.string().nullable(),
  /** The representative request (the first one for series), null when skipped. */
  request: CheckupRequest.nullable(),
  response: CheckupResponse.nullable(),
  /** For latency and burst. */
  stats: LatencyStats.nullable(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const CheckupCounts = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  warn: z.number().int(),
  skip: z.number().int(),
});

/** A stored check-up run. Never contains the secret. */
export const Checkup = z.object({
  id: z.string(),
  /** The endpoint it was run for; null for an ad-hoc target. */
  endpointId: z.string().nullable(),
  target: z.string(),
  provider: ProviderId,
  /** Sample id from the catalogue, or `event:<id>` for a stored delivery. */
  sample: z.string(),
  startedAt: z.number().int(),
  finishedAt: z.number().int(),
  /** 0–100: the share of graded (non-skipped) probes that pass, a warn counting half. */
  score: z.number().int().min(0).max(100),
  /** False when a must-pass probe failed. */
  passed: z.boolean(),
  counts: CheckupCounts,
  /** Requests sent in total (bounded by the options). */
  requests: z.number().int(),
  probes: z.array(ProbeResult),
});
export type Checkup = z.infer<typeof Checkup>;

/** A history row: the run without its probes. */
export const CheckupSummary = Checkup.omit({ probes: true });
export type CheckupSummary = z.infer<typeof CheckupSummary>;

const Id = z.string().min(1).max(200);

/** The burst probe when not told otherwise: 50 distinct deliveries, 10 at once. */
export const DEFAULT_BURST = { count: 50, concurrency: 10 } as const;
/** The most a burst may send, and at once (keeps a check-up bounded). */
export const MAX_BURST = { count: 500, concurrency: 50 } as const;
/** Valid deliveries timed one after the other when not told otherwise. */
export const DEFAULT_LATENCY_SAMPLES = 5;

export const checkupCommands = {
  /**
   * Runs the check-up against `target` (default: the endpoint's forward target) as `provider`
   * (default: the endpoint's) signed with `secret` (default: the endpoint's first secret),
   * using a catalogue `sample` or a stored delivery `eventId` as the payload. Only `target` is
   * ever contacted; every request has `timeoutMs`. The run is stored and returned.
   */
  runCheckup: {
    access: 'write',
    input: z
      .object({
        endpointId: Id.optional(),
        target: z.url({ protocol: /^https?$/ }).optional(),
        provider: ProviderId.optional(),
        secret: z.string().min(1).max(10_000).optional(),
        sample: z.string().min(1).max(100).optional(),
        eventId: Id.optional(),
        /** Distinct deliveries in the burst probe (default 50) and how many at once (10). */
        burst: z
          .object({
            count: z.number().int().min(1).max(MAX_BURST.count),
            concurrency: z.number().int().min(1).max(MAX_BURST.concurrency),
          })
          .strict()
          .optional(),
        /** Valid deliveries timed one after the other (default 5). */
        latencySamples: z.number().int().min(1).max(50).optional(),
        /** Per request; default the provider's own delivery timeout (max 30 s). */
        timeoutMs: z.number().int().min(100).max(60_000).optional(),
      })
      .strict()
      .refine((v) => !(v.sample && v.eventId), { message: 'give sample or eventId, not both' }),
    output: Checkup,
  },
  listCheckups: {
    access: 'read',
    input: z
      .object({
        endpointId: Id.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: z.object({ items: z.array(CheckupSummary) }),
  },
  getCheckup: {
    access: 'read',
    input: z.object({ id: Id }).strict(),
    output: Checkup,
  },
  deleteCheckup: {
    access: 'write',
    input: z.object({ id: Id }).strict(),
    output: z.object({ deleted: z.boolean() }),
  },
} as const;

export type CheckupCommand = keyof typeof checkupCommands;
