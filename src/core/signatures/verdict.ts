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
  /** How reasons name the carrier; default `<header> header` (e.g. Mailgun: a body field). */
  carrier?: string;
  /** A plain shared token rather than a signature: reasons say so. */
  kind?: 'signature' | 'token';
  /** What the signature covers, for the mismatch reason; default "the body or signed fields". */
  covers?: string;
  /** Signing is optional for this provider (a missing header is not suspicious by itself). */
  optional?: boolean;
  /**
   * What the provider's own SDK does with a timestamp from the future, for the `future` reason
   * (e.g. Stripe's accepts it while Hookscope applies the tolerance both ways).
   */
  futureNote?: string;
}

/**
 * Judges a request the same way for every scheme: missing header → `missing`; malformed →
 * `invalid`; no secret → `no-secret`; a secret whose expected signature equals one sent →
 * `valid` (or `stale` when the timestamp is older than the tolerance, `future` when it is ahead
 * of this clock by more than the tolerance); none → `invalid`.
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
  const carrier = o.carrier ?? `${o.header} header`;
  const noun = o.kind === 'token' ? 'token' : 'signature';
  if (o.signatures === null) {
    const why = o.optional
      ? `the provider sends it only when a secret is set in its webhook settings, so this delivery is unsigned`
      : `this provider signs its deliveries, so this one is unsigned or was not sent by it`;
    return {
      status: 'missing',
      reason: `No ${carrier}: ${why}.${o.missingHint ? ' ' + o.missingHint : ''}`,
    };
  }
  if (o.malformed !== undefined) {
    return { status: 'invalid', reason: `Malformed ${carrier}: ${o.malformed}.` };
  }
  if (ctx.secrets.length === 0) {
    return {
      status: 'no-secret',
      reason: `Signed (${carrier} present) but this endpoint has no secret: add the signing secret from the provider's dashboard to check it.`,
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
    if (age.outside && age.future) {
      return {
        status: 'future',
        reason: `The ${noun} matches ${which}, but the timestamp is from the future (clock skew): ${age.text}, beyond the ${ctx.toleranceSec} s tolerance. The sender's clock or this machine's is off; Hookscope applies the tolerance both ways, to old and to future timestamps.${o.futureNote ? ' ' + o.futureNote : ''}`,
      };
    }
    if (age.outside) {
      return {
        status: 'stale',
        reason: `The ${noun} matches ${which}, but the timestamp is too old: ${age.text}, outside the ${ctx.toleranceSec} s tolerance: a replay, a delayed retry, or a clock that is off.`,
      };
    }
    return {
      status: 'valid',
      reason: `${o.kind === 'token' ? 'Token' : 'Signature'} matches ${which}.${weak}`,
    };
  }
  const tried =
    ctx.secrets.length === 1
      ? 'the configured secret'
      : `any of the ${ctx.secrets.length} configured secrets`;
  const parts = [
    o.kind === 'token'
      ? `The ${carrier} does not match ${tried}: the token is wrong or was rotated.`
      : `No signature in ${o.carrier ?? o.header} matches ${tried}: the secret is wrong (or rotated), or ${o.covers ?? 'the body or signed fields'} were changed after signing.`,
  ];
  if (unusable.length > 0) parts.push(`Unusable: ${unusable.join('; ')}.`);
  if (age.outside) {
    parts.push(`The timestamp is also ${age.text}${age.future ? ' (clock skew)' : ''}.`);
  }
  return { status: 'invalid', reason: parts.join(' ') };
}

/** How far the timestamp is from now, in words, and whether it is outside the tolerance. */
export function timestampAge(
  ctx: VerifyContext,
  timestampMs: number | undefined,
): { outside: boolean; future: boolean; text: string } {
  if (timestampMs === undefined) return { outside: false, future: false, text: '' };
  // Whole seconds on both sides, as the providers' SDKs count: most timestamps have second
  // granularity, so a request signed 0.4 s ago is 0 s old, not 1.
  const ageSec = Math.floor(ctx.now / 1000) - Math.floor(timestampMs / 1000);
  const text = ageSec >= 0 ? `${ageSec} s old` : `${-ageSec} s in the future`;
  return { outside: Math.abs(ageSec) > ctx.toleranceSec, future: ageSec < 0, text };
}
