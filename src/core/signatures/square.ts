import { HookscopeError } from '../../shared/errors';
import { bodyKey } from './common';
import { fromBase64, hmac, safeEqual, type HmacAlgorithm } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import type { VerifyResult } from './types';
import { decide } from './verdict';

/**
 * Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 over the subscription's
 * notification URL followed by the raw body, keyed with the subscription's signature key (as
 * text). The older `x-square-signature` (HMAC-SHA1 over the same string) is checked only when the
 * SHA-256 header is absent. The URL is the public URL the request arrived on.
 */

const SHA256 = 'X-Square-HmacSha256-Signature';
const SHA1 = 'X-Square-Signature';
const WEAKNESS = 'no timestamp, so a captured delivery can be replayed';

function sigHeader(h: HeaderBag): { name: string; alg: HmacAlgorithm; value: string } | null {
  const v256 = h.get(SHA256);
  if (v256 !== undefined) return { name: SHA256, alg: 'sha256', value: v256 };
  const v1 = h.get(SHA1);
  if (v1 !== undefined) return { name: SHA1, alg: 'sha1', value: v1 };
  return null;
}

export const square = defineScheme('square', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has('x-square-hmacsha256-signature') || h.has('x-square-signature'),
  verify(req, h, ctx) {
    const found = sigHeader(h);
    let signatures: Buffer[] | null = null;
    let malformed: string | undefined;
    if (found) {
      const size = found.alg === 'sha256' ? 32 : 20;
      const sig = fromBase64(found.value.trim());
      if (sig && sig.length === size) signatures = [sig];
      else {
        signatures = [];
        malformed = `expected the base64 of an HMAC-${found.alg.toUpperCase()}, got ${JSON.stringify(found.value.slice(0, 60))}`;
      }
    }
    const v = decide(
      ctx,
      { header: found?.name ?? SHA256, signatures, malformed },
      (secret) => hmac(found?.alg ?? 'sha256', secret, req.url, req.body),
      safeEqual,
      WEAKNESS,
    );
    return withUrlHint(v, malformed, req.url);
  },
  sign(req, secret) {
    const key = secret.trim();
    if (!key)
      throw new HookscopeError('bad_input', "Square needs the subscription's signature key");
    const set: [string, string][] = [
      [SHA256, hmac('sha256', key, req.url, req.body).toString('base64')],
    ];
    // Refresh the legacy SHA-1 header too when the original delivery carried it.
    if (req.headers.some(([n]) => n.toLowerCase() === SHA1.toLowerCase())) {
      set.push([SHA1, hmac('sha1', key, req.url, req.body).toString('base64')]);
    }
    return replaceHeaders(req.headers, [SHA256, SHA1], set);
  },
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'event_id'),
});

/** On a mismatch, says which URL was signed: the usual cause is a URL that differs from Square's. */
function withUrlHint(v: VerifyResult, malformed: string | undefined, url: string): VerifyResult {
  if (v.status !== 'invalid' || malformed !== undefined) return v;
  return {
    ...v,
    reason: `${v.reason} Square signs the notification URL plus the body; Hookscope checked ${JSON.stringify(url.slice(0, 300))}, which must equal the subscription's notification URL exactly.`,
  };
}
