import {
  ProbeId as ProbeIdEnum,
  type LatencyStats,
  type ProbeId,
  type ProbeResult,
  type ProbeVerdict,
} from '../../shared/checkup';
import type { SendResult } from '../forward/send';
import type { DeliveryTimeout } from './timeouts';

/** A probe's grade before the request and response are attached. */
export interface Grade {
  verdict: ProbeVerdict;
  summary: string;
  fix: string | null;
}

/** The fixed facts of each probe. */
export const PROBES: Record<ProbeId, { title: string; expected: string; mustPass: boolean }> = {
  valid: { title: 'Accepts a valid delivery', expected: '2xx', mustPass: true },
  duplicate: {
    title: 'Acknowledges a duplicate delivery',
    expected: '2xx again (same id, same bytes)',
    mustPass: true,
  },
  forged: {
    title: 'Rejects a forged signature',
    expected: '4xx (401, 403 or 400)',
    mustPass: true,
  },
  tampered: { title: 'Rejects a tampered body', expected: '4xx', mustPass: true },
  stale: { title: 'Rejects a stale timestamp', expected: '4xx', mustPass: true },
  unsigned: { title: 'Rejects a delivery without signature', expected: '4xx', mustPass: true },
  latency: {
    title: 'Answers fast',
    expected: "2xx answers, p95 under 2 s and under the provider's timeout",
    mustPass: false,
  },
  burst: {
    title: 'Survives a burst',
    expected: 'every delivery answered 2xx',
    mustPass: true,
  },
  redirect: { title: 'Never redirects', expected: 'no 3xx answer', mustPass: true },
};

/** Order of the probes in a report: the contract's. */
export const PROBE_ORDER: readonly ProbeId[] = ProbeIdEnum.options;

const is2xx = (s: number | null): boolean => s !== null && s >= 200 && s < 300;
const is3xx = (s: number | null): boolean => s !== null && s >= 300 && s < 400;
const is4xx = (s: number | null): boolean => s !== null && s >= 400 && s < 500;
const TIMED_OUT = /^timed out/;

/** "85 ms", "1.2 s", "10 min". */
export function ms(n: number): string {
  if (n >= 120_000) return `${Math.round(n / 60_000)} min`;
  if (n < 1000) return `${Math.round(n)} ms`;
  return n % 1000 === 0 ? `${n / 1000} s` : `${(n / 1000).toFixed(1)} s`;
}

const location = (r: SendResult): string => {
  const to = r.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  return to ? ` to ${to}` : '';
};

/** What came back, in words: "200 in 3 ms", "no answer (timed out after 300 ms)". */
export function answer(r: SendResult): string {
  if (r.status === null) return `no answer (${r.error ?? 'connection closed'})`;
  const redirect = is3xx(r.status) ? ` (redirect${location(r)})` : '';
  return `${r.status}${redirect} in ${ms(r.durationMs)}`;
}

const ACK_FIRST =
  'Acknowledge before heavy processing: answer 2xx as soon as the delivery is verified and stored, then do the work in the background (a queue or a job).';
const NO_REDIRECT =
  'Providers do not follow redirects and count a 3xx as a failed delivery: give the provider the final URL (trailing slash, https, the path after any rewrite).';

function noAnswerFix(r: SendResult): string {
  return TIMED_OUT.test(r.error ?? '')
    ? `Your endpoint did not answer in time. ${ACK_FIRST}`
    : 'Nothing answered: start your app, or check the URL, host and port.';
}

/** Probe 1: a correctly signed delivery must get a 2xx. */
export function gradeValid(r: SendResult): Grade {
  const s = r.status;
  if (is2xx(s)) return { verdict: 'pass', summary: `Answered ${answer(r)}.`, fix: null };
  const summary = `Answered ${answer(r)} to a correctly signed delivery.`;
  let fix: string;
  if (s === null) fix = noAnswerFix(r);
  else if (is3xx(s)) fix = NO_REDIRECT;
  else if (s === 404 || s === 405) fix = 'Nothing handles POST at this URL: check the path.';
  else if (is4xx(s)) {
    fix =
      "Your endpoint rejected a delivery signed with the right secret: verify the raw body bytes (not re-serialized JSON), with this endpoint's signing secret, reading the provider's signature headers.";
  } else if (s >= 500) {
    fix = `Your endpoint failed (${s}) on a valid delivery: see its logs. Providers retry 5xx answers and disable endpoints that keep failing.`;
  } else fix = 'Answer a valid delivery with 2xx.';
  return { verdict: 'fail', summary, fix };
}

/** Probe 2: the exact same delivery again must get a 2xx; notes whether the answer differs. */
export function gradeDuplicate(first: SendResult, again: SendResult): Grade {
  if (is2xx(again.status)) {
    const sameBody = first.body.equals(again.body);
    const note =
      first.status === again.status && sameBody
        ? 'the same answer as the first time'
        : `the first answer was ${first.status ?? answer(first)}${sameBody ? '' : ', with a different body'}`;
    return { verdict: 'pass', summary: `Answered ${answer(again)} (${note}).`, fix: null };
  }
  const summary = `Answered ${answer(again)} to the same delivery sent again.`;
  if (again.status === null) return { verdict: 'fail', summary, fix: noAnswerFix(again) };
  if (is3xx(again.status)) return { verdict: 'fail', summary, fix: NO_REDIRECT };
  const fix =
    again.status >= 500
      ? `Your endpoint failed (${again.status}) on a delivery it had already seen. Providers deliver at least once and resend after timeouts: look the delivery id up and answer 2xx without processing it again.`
      : `Your endpoint answered ${again.status} to a delivery it had already seen. Providers deliver at least once and count any non-2xx as a failure (and retry it): answer a known delivery id with 2xx and skip the work.`;
  return { verdict: 'fail', summary, fix };
}

/** Why each rejection probe's request is bad, and what accepting it means. */
export interface Rejection {
  /** "a delivery signed with the wrong secret" */
  what: string;
  /** The fix when it was accepted (2xx). */
  acceptedFix: string;
}

/** Probes 3–6: a delivery a verifying receiver must refuse with 4xx. */
export function gradeRejection(r: SendResult, why: Rejection): Grade {
  if (is4xx(r.status)) {
    return { verdict: 'pass', summary: `Rejected ${why.what}: ${answer(r)}.`, fix: null };
  }
  if (is2xx(r.status)) {
    return {
      verdict: 'fail',
      summary: `Accepted ${why.what}: ${answer(r)}.`,
      fix: why.acceptedFix,
    };
  }
  const summary = `Answered ${answer(r)} to ${why.what}, instead of a 4xx.`;
  if (r.status === null) {
    return {
      verdict: 'fail',
      summary,
      fix: TIMED_OUT.test(r.error ?? '')
        ? 'Check the signature first and reject a bad one at once with 401, before any slow work.'
        : noAnswerFix(r),
    };
  }
  if (is3xx(r.status)) {
    return {
      verdict: 'fail',
      summary,
      fix: `Reject it with 401 before any redirect. ${NO_REDIRECT}`,
    };
  }
  return {
    verdict: 'fail',
    summary,
    fix: `Your endpoint failed (${r.status}) instead of rejecting it: catch the verification error and answer 400 or 401 (providers retry 5xx answers).`,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Count, 2xx count, p50/p95/max of the durations of a series. */
export function stats(results: SendResult[]): LatencyStats {
  const d = results.map((r) => r.durationMs).sort((a, b) => a - b);
  return {
    count: results.length,
    ok: results.filter((r) => is2xx(r.status)).length,
    p50Ms: percentile(d, 50),
    p95Ms: percentile(d, 95),
    maxMs: d.at(-1) ?? 0,
  };
}

/** Thresholds for the timing probes. */
export interface Limits {
  provider: string;
  timeout: DeliveryTimeout;
  /** The per-request timeout used. */
  timeoutMs: number;
  /** Warn above this p95 (2 s: "acknowledge before heavy processing"). */
  warnMs: number;
}

const timing = (s: LatencyStats): string => `p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}`;

/** "5 × 500, 1 × 302, 1 × timed out after 300 ms": answers counted by status or error. */
function countByKind(results: SendResult[]): string {
  const kinds = new Map<string, number>();
  for (const r of results) {
    const k = r.status === null ? (r.error ?? 'no answer') : String(r.status);
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} × ${k}`).join(', ');
}

/**
 * Probe 7: p95 over the provider's timeout fails, over `warnMs` warns. Only accepted (2xx)
 * deliveries are timed: how fast a handler answers an error says nothing about how fast it
 * handles a delivery, so none accepted skips it and some refused fails it, each saying why.
 */
export function gradeLatency(results: SendResult[], l: Limits): Grade {
  const s = stats(results);
  const limit = `${l.provider}'s delivery timeout is ${ms(l.timeout.ms)} (${l.timeout.source})`;
  const lost = results.filter((r) => r.status === null);
  if (lost.length > 0) {
    return {
      verdict: 'fail',
      summary: `${lost.length} of ${s.count} deliveries got no answer (${lost[0]!.error ?? 'connection closed'}); ${limit}.`,
      fix: noAnswerFix(lost[0]!),
    };
  }
  const refused = results.filter((r) => !is2xx(r.status));
  if (refused.length === s.count) {
    return {
      verdict: 'skip',
      summary: `Not measured: none of the ${s.count} timed deliveries was accepted (${countByKind(refused)}), and the time to an answer that is not 2xx says nothing about handling a delivery.`,
      fix: null,
    };
  }
  if (refused.length > 0) {
    const ok = stats(results.filter((r) => is2xx(r.status)));
    return {
      verdict: 'fail',
      summary: `${refused.length} of ${s.count} valid deliveries, one after the other, were not accepted (${countByKind(refused)}); the ${ok.count} accepted: ${timing(ok)}.`,
      fix: refused.some((r) => is3xx(r.status))
        ? NO_REDIRECT
        : 'Every correctly signed delivery must get a 2xx: see why your endpoint refused these (its logs), then run the check-up again.',
    };
  }
  const summary = `${timing(s)} over ${s.count} deliveries, one after the other; ${limit}.`;
  if (s.p95Ms > l.timeout.ms) {
    return {
      verdict: 'fail',
      summary,
      fix: `Over ${l.provider}'s timeout, deliveries count as failed and are sent again. ${ACK_FIRST}`,
    };
  }
  if (s.p95Ms > l.warnMs) {
    return { verdict: 'warn', summary: `${summary} Over ${ms(l.warnMs)}.`, fix: ACK_FIRST };
  }
  return { verdict: 'pass', summary, fix: null };
}

/** Probe 8: every one of a burst of distinct deliveries must get a 2xx. */
export function gradeBurst(results: SendResult[], concurrency: number, l: Limits): Grade {
  const s = stats(results);
  const failed = results.filter((r) => !is2xx(r.status));
  if (failed.length > 0) {
    const list = countByKind(failed);
    const redirected = failed.some((r) => is3xx(r.status));
    return {
      verdict: 'fail',
      summary: `${failed.length} of ${s.count} deliveries at ${concurrency} at once were not answered 2xx: ${list}.`,
      fix: redirected
        ? NO_REDIRECT
        : `Your endpoint fails under a burst of ${s.count} deliveries ${concurrency} at a time; providers send bursts (backfills, retries after an outage). ${ACK_FIRST} Check connection pools and rate limits on this route.`,
    };
  }
  const summary = `All ${s.count} answered 2xx at ${concurrency} at once; ${timing(s)}.`;
  if (s.p95Ms > l.warnMs) {
    return {
      verdict: 'warn',
      summary: `${summary} Over ${ms(l.warnMs)} under load.`,
      fix: ACK_FIRST,
    };
  }
  return { verdict: 'pass', summary, fix: null };
}

/** Probe 9: any 3xx answer, from any probe, fails; `first` is the first redirect seen. */
export function gradeRedirect(answers: { probe: ProbeId; result: SendResult }[]): {
  grade: Grade;
  first: SendResult | null;
} {
  const hits = answers.filter((a) => is3xx(a.result.status));
  const first = hits[0]?.result ?? null;
  if (!first) {
    return {
      grade: { verdict: 'pass', summary: `No 3xx among ${answers.length} answers.`, fix: null },
      first,
    };
  }
  const probes = [...new Set(hits.map((h) => h.probe))].join(', ');
  return {
    grade: {
      verdict: 'fail',
      summary: `${hits.length} of ${answers.length} answers were redirects (${first.status}${location(first)}), in: ${probes}.`,
      fix: NO_REDIRECT,
    },
    first,
  };
}

/** Score 0–100 (pass 1, warn ½, skip not counted) and whether every must-pass probe passed. */
export function scoreOf(probes: Pick<ProbeResult, 'verdict' | 'mustPass'>[]): {
  score: number;
  passed: boolean;
  counts: Record<ProbeVerdict, number>;
} {
  const counts = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const p of probes) counts[p.verdict] += 1;
  const graded = probes.length - counts.skip;
  const score = graded === 0 ? 0 : Math.round((100 * (counts.pass + counts.warn / 2)) / graded);
  return { score, passed: !probes.some((p) => p.mustPass && p.verdict === 'fail'), counts };
}
