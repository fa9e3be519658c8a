import type {
  CheckupRequest,
  CheckupResponse,
  CheckupSummary,
  LatencyStats,
  ProbeVerdict,
} from '../../../shared/checkup';
import { base64ToBytes } from '../format/base64';
import { toCurl } from '../format/curl';
import { formatCount } from '../format/format';
import { parseSampleRef, type SampleInfo } from './checkup-form';

export type Tone = 'good' | 'bad' | 'warn' | 'muted';

/** How a verdict is shown: an icon (never the only cue), a word, and a colour tone. */
export const VERDICTS: Record<ProbeVerdict, { icon: string; label: string; tone: Tone }> = {
  pass: { icon: '✓', label: 'Pass', tone: 'good' },
  fail: { icon: '✗', label: 'Fail', tone: 'bad' },
  warn: { icon: '!', label: 'Warning', tone: 'warn' },
  skip: { icon: '–', label: 'Skipped', tone: 'muted' },
};

/** A run's colour: bad when a must-pass probe failed, else by score (90+ good, 60+ warn). */
export function scoreTone(run: Pick<CheckupSummary, 'score' | 'passed'>): Tone {
  if (!run.passed) return 'bad';
  if (run.score >= 90) return 'good';
  return run.score >= 60 ? 'warn' : 'bad';
}

/** "Passed" or "Failed", as the CLI's exit code would say. */
export const resultWord = (run: Pick<CheckupSummary, 'passed'>): string =>
  run.passed ? 'Passed' : 'Failed';

/** "6 passed · 2 failed · 1 warning · 1 skipped", leaving out the zeros (but never empty). */
export function countsText(counts: CheckupSummary['counts']): string {
  const parts = [
    counts.pass ? `${counts.pass} passed` : '',
    counts.fail ? `${counts.fail} failed` : '',
    counts.warn ? `${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}` : '',
    counts.skip ? `${counts.skip} skipped` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no probes';
}

/** A duration: "0.8 ms", "12 ms", "2.35 s". */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Latency figures in one line: "p50 12 ms · p95 40 ms · max 51 ms · 48/50 answered 2xx". */
export function latencyText(s: LatencyStats): string {
  return (
    `p50 ${formatMs(s.p50Ms)} · p95 ${formatMs(s.p95Ms)} · max ${formatMs(s.maxMs)} · ` +
    `${formatCount(s.ok)}/${formatCount(s.count)} answered 2xx`
  );
}

/** What a run used as its payload, in words. */
export function sampleLabel(sample: string, samples: SampleInfo[]): string {
  const ref = parseSampleRef(sample);
  if ('eventId' in ref) return `stored delivery ${ref.eventId}`;
  return samples.find((s) => s.id === ref.sample)?.title ?? ref.sample;
}

/** A curl command that sends a probe's request again, byte for byte. */
export function checkupCurl(req: CheckupRequest): string {
  return toCurl({
    url: req.url,
    method: req.method,
    headers: req.headers,
    body: base64ToBytes(req.bodyBase64),
    bodyText: req.bodyText ?? undefined,
  });
}

/** A probe request's body as text, or a note (with the base64) when it is not UTF-8. */
export function requestBodyText(req: CheckupRequest): string {
  if (req.bodyText !== null) return req.bodyText;
  const size = base64ToBytes(req.bodyBase64).length;
  return `[${formatCount(size)} bytes of binary data; base64:]\n${req.bodyBase64}`;
}

/** The answer's first line: "HTTP 401 in 12 ms" or "no answer: <error> after 5.00 s". */
export function responseLine(res: CheckupResponse): string {
  const took = formatMs(res.durationMs);
  if (res.status !== null) return `HTTP ${res.status} in ${took}`;
  return `No answer: ${res.error ?? 'failed'} (after ${took})`;
}

/** The history, newest first (the engine sends it so; a run just made is merged in front). */
export function newestFirst<T extends Pick<CheckupSummary, 'id' | 'startedAt'>>(items: T[]): T[] {
  return [...items].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
}
