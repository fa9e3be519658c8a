import { randomUUID } from 'node:crypto';
import {
  DEFAULT_BURST,
  DEFAULT_LATENCY_SAMPLES,
  type Checkup,
  type CheckupResponse,
  type LatencyStats,
  type ProbeId,
  type ProbeResult,
} from '../../shared/checkup';
import { HookscopeError } from '../../shared/errors';
import type { GenericHmacConfig, ProviderId } from '../../shared/model';
import { Redactor } from '../forward/redact';
import type { OutgoingRequest, SendOptions, SendResult } from '../forward/send';
import { schemeById } from '../signatures/registry';
import type { Clock } from '../types';
import {
  PROBES,
  PROBE_ORDER,
  gradeBurst,
  gradeDuplicate,
  gradeLatency,
  gradeRedirect,
  gradeRejection,
  gradeValid,
  ms,
  scoreOf,
  stats,
  type Grade,
  type Limits,
  type Rejection,
} from './grade';
import type { Payload } from './payload';
import {
  STALE_MARGIN_SEC,
  assertCanSign,
  describeRequest,
  signatureHeaders,
  signed,
  tamperedBody,
  verdictOf,
  withoutSignature,
  wrongSecret,
  type Signer,
} from './requests';
import { MAX_DEFAULT_TIMEOUT_MS, deliveryTimeout } from './timeouts';

/** The answer kept of each response (the report shows the first 4 KB). */
export const MAX_RESPONSE_BYTES = 4096;
/** Tolerance assumed for a signed timestamp when the scheme states none. */
const DEFAULT_TOLERANCE_SEC = 300;
/** p95 above this warns: "acknowledge before heavy processing". */
export const WARN_MS = 2000;

export interface BatteryOptions {
  /** The only URL contacted. */
  target: string;
  provider: ProviderId;
  secret: string;
  /** Other secrets (the endpoint's) kept out of the run like `secret`. */
  otherSecrets?: readonly string[];
  hmac: GenericHmacConfig | null;
  payload: Payload;
  endpointId: string | null;
  /** Per request; default min(provider's delivery timeout, 30 s). */
  timeoutMs?: number;
  burst?: { count: number; concurrency: number };
  latencySamples?: number;
  /**
   * Timestamp tolerance for the stale probe when the scheme has no standard one (generic
   * HMAC: the endpoint's; else 300 s when its settings sign a timestamp).
   */
  toleranceSec?: number | null;
  /** Latency warning threshold (tests lower it); default 2 s. */
  warnMs?: number;
}

export interface BatteryDeps {
  send: (req: OutgoingRequest, opts: SendOptions) => Promise<SendResult>;
  clock: Clock;
}

/** The per-request timeout used when none is given: the provider's, at most 30 s. */
export function defaultTimeoutMs(provider: ProviderId): number {
  return Math.min(deliveryTimeout(provider).ms, MAX_DEFAULT_TIMEOUT_MS);
}

/**
 * Runs the whole battery against `target` and grades it. Sends exactly
 * 5 (+1 when the scheme has a timestamp) + latencySamples + burst.count requests, only to
 * `target`, each with the timeout; fewer when the valid delivery gets no answer (the timing
 * probes are then not run). Throws `bad_input` before sending anything when the provider has
 * no scheme or cannot sign with this secret. The result never contains a secret: not in the
 * requests shown, not in what the target answered.
 */
export async function runBattery(o: BatteryOptions, deps: BatteryDeps): Promise<Checkup> {
  const scheme = schemeById(o.provider);
  if (!scheme) throw new HookscopeError('bad_input', `no signature scheme for "${o.provider}"`);
  const tolerance =
    scheme.defaultToleranceSec ??
    o.toleranceSec ??
    (o.hmac?.signed === 'timestamp+body' ? DEFAULT_TOLERANCE_SEC : null);
  const s: Signer = {
    scheme,
    secret: o.secret,
    hmac: o.hmac,
    target: o.target,
    toleranceSec: tolerance ?? DEFAULT_TOLERANCE_SEC,
  };
  const startedAt = deps.clock();
  const firstDraft = o.payload.first(startedAt);
  assertCanSign(s, firstDraft, startedAt);

  const timeoutMs = o.timeoutMs ?? defaultTimeoutMs(o.provider);
  const burst = o.burst ?? DEFAULT_BURST;
  const limits: Limits = {
    provider: scheme.name,
    timeout: deliveryTimeout(o.provider),
    timeoutMs,
    warnMs: o.warnMs ?? WARN_MS,
  };
  const answers: { probe: ProbeId; result: SendResult }[] = [];
  // A handler may echo what it was sent (a GitLab token): no secret is graded, kept or shown.
  const redact = new Redactor([o.secret, ...(o.otherSecrets ?? [])]);
  const exchange = async (probe: ProbeId, req: OutgoingRequest): Promise<SendResult> => {
    const sent = await deps.send(req, { timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
    const result = redact.result(sent);
    answers.push({ probe, result });
    return result;
  };
  const results = new Map<ProbeId, ProbeResult>();
  const record = (
    id: ProbeId,
    grade: Grade,
    req: OutgoingRequest | null = null,
    res: SendResult | null = null,
    st: LatencyStats | null = null,
  ): void => {
    results.set(id, {
      id,
      ...PROBES[id],
      ...grade,
      request: req && describeRequest(req, redact),
      response: res && toResponse(res),
      stats: st,
    });
  };
  const fresh = (at = deps.clock()): OutgoingRequest => signed(s, o.payload.next(at), at);

  // 1 and 2: one valid delivery, then exactly the same bytes and headers again.
  const valid = signed(s, firstDraft, deps.clock());
  const validRes = await exchange('valid', valid);
  record('valid', gradeValid(validRes), valid, validRes);
  const dupRes = await exchange('duplicate', valid);
  record('duplicate', gradeDuplicate(validRes, dupRes), valid, dupRes);

  // 3–6: each on its own fresh delivery, so a receiver's dedupe cannot hide the verdict.
  const now = deps.clock();
  const sigDraft = o.payload.next(now);
  const sigReq = signed(s, sigDraft, now);
  const sigNames = signatureHeaders(sigDraft.headers, sigReq.headers).join(', ');
  const rejections = rejectionTexts(scheme.name, sigNames, tolerance);
  const rejection = async (id: ProbeId, req: OutgoingRequest, at: number, skip: string) => {
    if (verdictOf(s, req, at) === 'valid')
      return record(id, { verdict: 'skip', summary: skip, fix: null });
    const res = await exchange(id, req);
    record(id, gradeRejection(res, rejections[id]!), req, res);
  };
  const weakness = scheme.weakness ? ` (${scheme.weakness})` : '';

  const forgedAt = deps.clock();
  await rejection(
    'forged',
    signed(s, o.payload.next(forgedAt), forgedAt, wrongSecret(o.secret)),
    forgedAt,
    `${scheme.name} accepts any secret here${weakness}.`,
  );
  await rejection(
    'tampered',
    { ...sigReq, body: tamperedBody(sigReq.body) },
    now,
    `${scheme.name}'s signature does not cover the body${weakness}, so a changed body cannot be told from the original.`,
  );
  if (tolerance === null) {
    record('stale', {
      verdict: 'skip',
      summary: `${scheme.name} signs no timestamp, so no delivery is ever stale${weakness}.`,
      fix: null,
    });
  } else {
    const t = deps.clock();
    const staleAt = t - (tolerance + STALE_MARGIN_SEC) * 1000;
    await rejection(
      'stale',
      signed(s, o.payload.next(staleAt), staleAt),
      t,
      `This ${scheme.name} delivery carries no signed timestamp, so it cannot be made stale.`,
    );
  }
  const unsignedAt = deps.clock();
  const d6 = o.payload.next(unsignedAt);
  const s6 = signed(s, d6, unsignedAt);
  await rejection(
    'unsigned',
    { ...s6, headers: withoutSignature(d6.headers, s6.headers) },
    unsignedAt,
    `${scheme.name} deliveries without a signature verify here.`,
  );

  // 7 and 8: only when the valid delivery got an answer at all; else they would only time out.
  if (validRes.status === null) {
    const notRun: Grade = {
      verdict: 'fail',
      summary: `Not run: the valid delivery got no answer (${validRes.error ?? 'connection closed'}).`,
      fix: 'Make the valid delivery work first, then run the check-up again.',
    };
    record('latency', notRun);
    record('burst', notRun);
  } else {
    const series: { req: OutgoingRequest; res: SendResult }[] = [];
    for (let i = 0; i < (o.latencySamples ?? DEFAULT_LATENCY_SAMPLES); i++) {
      const req = fresh();
      series.push({ req, res: await exchange('latency', req) });
    }
    const lat = series.map((x) => x.res);
    record('latency', gradeLatency(lat, limits), series[0]!.req, series[0]!.res, stats(lat));
    const sent = await pool(burst.count, burst.concurrency, async () => {
      const req = fresh();
      return { req, res: await exchange('burst', req) };
    });
    const load = sent.map((x) => x.res);
    record(
      'burst',
      gradeBurst(load, burst.concurrency, limits),
      sent[0]!.req,
      sent[0]!.res,
      stats(load),
    );
  }
  const redirect = gradeRedirect(answers);
  record('redirect', redirect.grade, null, redirect.first);

  const probes = PROBE_ORDER.map((id) => results.get(id)!);
  return {
    id: randomUUID(),
    endpointId: o.endpointId,
    target: o.target,
    provider: o.provider,
    sample: o.payload.label,
    startedAt,
    finishedAt: deps.clock(),
    ...scoreOf(probes),
    requests: answers.length,
    probes,
  };
}

function rejectionTexts(
  name: string,
  sigNames: string,
  toleranceSec: number | null,
): Partial<Record<ProbeId, Rejection>> {
  const age = toleranceSec === null ? '' : ms((toleranceSec + STALE_MARGIN_SEC) * 1000);
  return {
    forged: {
      what: 'a delivery signed with the wrong secret',
      acceptedFix: `Your endpoint accepted a delivery signed with the wrong secret: it does not verify signatures. Check ${sigNames} against your ${name} signing secret over the raw body before anything else, and answer 401 when it does not match.`,
    },
    tampered: {
      what: 'a body changed after it was signed',
      acceptedFix: `Your endpoint accepted a body changed after it was signed: it does not check the signature against the bytes it received (or only checks that ${sigNames} is there). Compute the signature over the exact raw body and compare it in constant time.`,
    },
    stale: {
      what: `a delivery signed ${age} ago, past ${name}'s ${toleranceSec ?? 0} s tolerance`,
      acceptedFix: `Your endpoint accepted a delivery whose signed timestamp is ${age} old: it does not check the timestamp, so anyone who captures one delivery can replay it later. Reject timestamps older than ${toleranceSec ?? 0} s (${name}'s own libraries do this by default).`,
    },
    unsigned: {
      what: 'a delivery without any signature',
      acceptedFix: `Your endpoint accepted a delivery with no signature at all: answer 401 when ${sigNames} is missing.`,
    },
  };
}

function toResponse(r: SendResult): CheckupResponse {
  return {
    status: r.status,
    error: r.error,
    durationMs: r.durationMs,
    headers: r.headers,
    body: r.body.toString('utf8'),
    truncated: r.truncated,
  };
}

/** Runs `task` `n` times, at most `concurrency` at once; results in call order. */
async function pool<T>(n: number, concurrency: number, task: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      out[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}
