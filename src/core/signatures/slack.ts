import { hmac, safeEqual } from './crypto';
import { quote, readSignatures } from './generic-hmac';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const SIG = 'X-Slack-Signature';
const TS = 'X-Slack-Request-Timestamp';

/**
 * Slack signing secrets: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:<timestamp>:<body>`,
 * `X-Slack-Request-Timestamp` in Unix seconds; Slack recommends rejecting requests older than
 * five minutes. Covers the Events API (JSON, including url_verification), slash commands and
 * interactivity (form-encoded).
 */
export const slack: SignatureScheme = {
  id: 'slack',
  name: 'Slack',
  defaultToleranceSec: 300,
  weakness: null,
  detect: (h) => h.has('x-slack-signature') || h.has('x-slack-request-timestamp'),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: 'v0=',
      encoding: 'hex',
      bytes: 32,
      digest: 'HMAC-SHA256',
    });
    const ts = h.get(TS)?.trim();
    const tsOk = ts !== undefined && /^\d{1,12}$/.test(ts);
    let malformed = read.malformed;
    if (read.signatures !== null && malformed === undefined && !tsOk) {
      malformed = `the ${TS} header it signs must be Unix seconds, got ${ts === undefined ? 'nothing' : quote(ts)}`;
    }
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        malformed,
        timestampMs: tsOk ? Number(ts) * 1000 : undefined,
        missingHint: "Slack signs every request with the app's Signing Secret (Basic Information).",
      },
      (secret) => hmac('sha256', secret, `v0:${ts}:`, req.body),
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const ts = String(Math.floor(now / 1000));
    const sig = hmac('sha256', secret.trim(), `v0:${ts}:`, req.body).toString('hex');
    return replaceHeaders(
      req.headers,
      [SIG, TS],
      [
        [TS, ts],
        [SIG, `v0=${sig}`],
      ],
    );
  },
  idempotencyKey(_req, _h, json) {
    // Events API envelopes carry event_id (stable across Slack's retries); slash commands and
    // interactivity payloads are form-encoded and carry none.
    const id = (json as { event_id?: unknown } | null | undefined)?.event_id;
    return typeof id === 'string' && id ? { key: id, source: 'body.event_id' } : null;
  },
};
