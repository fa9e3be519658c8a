import { parseJson } from '../json-body';
import { hmac, safeEqual } from './crypto';
import { readSignatures } from './generic-hmac';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const SIG = 'Linear-Signature';

/** `webhookTimestamp` (ms) from a JSON body, or undefined. */
function bodyTimestamp(body: Buffer): number | undefined {
  const ts = (parseJson(body) as { webhookTimestamp?: unknown } | null | undefined)
    ?.webhookTimestamp;
  return typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined;
}

/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body with the webhook's signing
 * secret. The timestamp is the body's `webhookTimestamp` (ms), which Linear's SDK accepts within
 * one minute. Re-signing first moves that timestamp (refreshBody), then signs the new body.
 */
export const linear: SignatureScheme = {
  id: 'linear',
  name: 'Linear',
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
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        timestampMs: read.signatures === null ? undefined : bodyTimestamp(req.body),
        missingHint: 'Linear signs every webhook with the secret shown on the webhook page.',
      },
      (secret) => hmac('sha256', secret, req.body),
      safeEqual,
    );
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
  idempotencyKey(_req, h) {
    const id = h.get('linear-delivery')?.trim();
    return id ? { key: id, source: 'Linear-Delivery header' } : null;
  },
};
