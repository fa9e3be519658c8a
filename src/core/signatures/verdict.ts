import type { VerifyContext, VerifyResult } from './types';

/** What a scheme read from the request, for `decide` to judge. */
export interface Observed {
  /** The header (or field) that carries the signature, named in reasons. */
  header: string;
  /** Signatures found; null when the header is absent. */
  signatures: Buffer[] | null;
  /** Why the header could not be parsed, when it is present but malformed. */
  malformed?: string | undefined;
  /** The signed timestamp in ms, when the scheme has one (undefined when it has none). */
  timestampMs?: number | undefined;
  /** Extra advice for a missing header, e.g. which dashboard setting enables signing. */
  missingHint?: string;
}

/**
 * Judges a request the same way for every scheme: missing header → `missing`; malformed →
 * `invalid`; no secret → `no-secret`; a secret whose expected signature equals one sent →
 * `valid` (or `stale` when the timestamp is outside the tolerance); none → `invalid`.
 * `expected(secret)` returns the signature(s) that secret would produce, or a string saying
 * why that secret cannot be used.
 */
export function decide(
  ctx: VerifyContext,
  o: Observed,
  expected: (secret: string) => Buffer | Buffer[] | string,
  equal: (sent: Buffer, want: Buffer) => boolean,
  weakness: string | null = null,
): VerifyResult {
  const weak = weakness ? ` Weak scheme: ${weakness}.` : '';
  if (o.signatures === null) {
    return {
      status: 'missing',
      reason: `No ${o.header} header: this provider signs its deliveries, so this one is unsigned or was not sent by it.${o.missingHint ? ' ' + o.missingHint : ''}`,
    };
  }
  if (o.malformed !== undefined) {
    return { status: 'invalid', reason: `Malformed ${o.header} header: ${o.malformed}.` };
  }
  if (ctx.secrets.length === 0) {
    return {
      status: 'no-secret',
      reason: `Signed (${o.header} present) but this endpoint has no secret: add the signing secret from the provider's dashboard to check it.`,
    };
  }
  const unusable: string[] = [];
  let matched = -1;
  ctx.secrets.forEach((secret, i) => {
    if (matched !== -1) return;
    const want = expected(secret);
    if (typeof want === 'string') {
      unusable.push(`secret #${i + 1}: ${want}`);
      return;
    }
    const wants = Array.isArray(want) ? want : [want];
    if (o.signatures!.some((sent) => wants.some((w) => equal(sent, w)))) matched = i;
  });
  const age = timestampAge(ctx, o.timestampMs);
  const which =
    ctx.secrets.length === 1
      ? 'the configured secret'
      : `secret #${matched + 1} of ${ctx.secrets.length}`;
  if (matched !== -1) {
    if (age.outside) {
      return {
        status: 'stale',
        reason: `The signature matches ${which}, but the timestamp is ${age.text}, outside the ${ctx.toleranceSec} s tolerance: a replay, a delayed retry, or a clock that is off.`,
      };
    }
    return { status: 'valid', reason: `Signature matches ${which}.${weak}` };
  }
  const tried =
    ctx.secrets.length === 1
      ? 'the configured secret'
      : `any of the ${ctx.secrets.length} configured secrets`;
  const parts = [
    `No signature in ${o.header} matches ${tried}: the secret is wrong (or rotated), or the body or signed fields were changed after signing.`,
  ];
  if (unusable.length > 0) parts.push(`Unusable: ${unusable.join('; ')}.`);
  if (age.outside) parts.push(`The timestamp is also ${age.text}.`);
  return { status: 'invalid', reason: parts.join(' ') };
}

/** How far the timestamp is from now, in words, and whether it is outside the tolerance. */
export function timestampAge(
  ctx: VerifyContext,
  timestampMs: number | undefined,
): { outside: boolean; text: string } {
  if (timestampMs === undefined) return { outside: false, text: '' };
  const ageSec = Math.round((ctx.now - timestampMs) / 1000);
  const text = ageSec >= 0 ? `${ageSec} s old` : `${-ageSec} s in the future`;
  return { outside: Math.abs(ageSec) > ctx.toleranceSec, text };
}
