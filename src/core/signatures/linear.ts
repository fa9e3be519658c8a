import { deliveryIdHeaders } from '../../shared/providers';
import { parseJson } from '../json-body';
import { headerKey, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { decide } from './verdict';

const SIG = 'Linear-Signature';

/** `webhookTimestamp` (ms) from a JSON body, or undefined. */
function bodyTimestamp(body: Buffer): number | undefined {
  const ts = (parseJson(body) as { webhookTimestamp?: unknown } | null | undefined)
    ?.webhookTimestamp;
  return typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined;
}

/** Why a signed body without `webhookTimestamp` is refused, as Linear's SDK refuses it. */
const NO_TIMESTAMP =
  'the body has no webhookTimestamp (ms). Linear puts one in every delivery and its SDK\'s webhook client (@linear/sdk v98) rejects a body without it ("Missing webhook timestamp"): without it a captured delivery could be replayed forever';

/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body with the webhook's signing
 * secret. The timestamp is the body's `webhookTimestamp` (ms), which Linear's SDK requires and
 * accepts within one minute. Re-signing first moves that timestamp (refreshBody), then signs
 * the new body.
 */
export const linear = defineScheme('linear', {
  defaultToleranceSec: 60,
  weakness: null,
  detect: (h) => h.has('linear-signature') || h.has('linear-delivery'),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: '',
      encoding: 'hex',
      bytes: 32,
      digest: 'HMAC-SHA256',
    });
    const timestampMs = read.signatures === null ? undefined : bodyTimestamp(req.body);
    const v = decide(
      ctx,
      {
        header: SIG,
        ...read,
        timestampMs,
        missingHint: 'Linear signs every webhook with the secret shown on the webhook page.',
      },
      (secret) => hmac('sha256', secret, req.body),
      safeEqual,
    );
    if (timestampMs !== undefined || (v.status !== 'valid' && v.status !== 'invalid')) return v;
    if (v.status === 'invalid') return { ...v, reason: `${v.reason} Also, ${NO_TIMESTAMP}.` };
    return {
      status: 'invalid',
      reason: `${v.reason.replace(/\.$/, '')}, but ${NO_TIMESTAMP}.`,
    };
  },
  sign(req, secret) {
    const sig = hmac('sha256', secret.trim(), req.body).toString('hex');
    return replaceHeaders(req.headers, [SIG], [[SIG, sig]]);
  },
  refreshBody(body, now) {
    if (bodyTimestamp(body) === undefined) return null;
    // Only the number changes: the rest of the body keeps its exact bytes.
    const text = body.toString('utf8').replace(/("webhookTimestamp"\s*:\s*)\d+/, `$1${now}`);
    return Buffer.from(text);
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('linear')),
});
