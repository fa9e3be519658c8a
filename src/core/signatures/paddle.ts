import { HookscopeError } from '../../shared/errors';
import { bodyKey } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { parseKeyedSignatureHeader } from './keyed-header';
import { decide } from './verdict';

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix s>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 over
 * `${ts}:${raw body}` keyed with the notification destination's secret (`pdl_ntfset_…`, used
 * as text). Several h1 values appear while a secret is rotated. Paddle's SDKs allow 5 s of skew.
 * (Paddle Classic's `p_signature` body field is a different, retired scheme.)
 */

const FORMAT = { separator: ';', tsKey: 'ts', sigKey: 'h1' };
const HEADER = 'Paddle-Signature';

export const paddle = defineScheme('paddle', {
  defaultToleranceSec: 5,
  weakness: null,
  detect: (h) => h.has('paddle-signature'),
  verify(req, h, ctx) {
    const header = h.get(HEADER);
    const p = header === undefined ? null : parseKeyedSignatureHeader(header, FORMAT);
    return decide(
      ctx,
      {
        header: HEADER,
        signatures: p ? p.signatures : null,
        malformed: p?.malformed,
        timestampMs: p?.tsMs,
      },
      (secret) => hmac('sha256', secret, `${p?.ts ?? ''}:`, req.body),
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const key = secret.trim();
    if (!key) {
      throw new HookscopeError(
        'bad_input',
        "Paddle needs the notification destination's secret key",
      );
    }
    const ts = Math.floor(now / 1000);
    const sig = hmac('sha256', key, `${ts}:`, req.body).toString('hex');
    return replaceHeaders(req.headers, [HEADER], [[HEADER, `ts=${ts};h1=${sig}`]]);
  },
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'event_id'),
});
