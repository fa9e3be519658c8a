import { bodyHmacSha1Scheme } from './body-hmac';
import { bodyKey } from './common';

/**
 * Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the raw body with the app's client
 * secret. Detected from the User-Agent, as GitHub-style headers are shared with others.
 */
export const intercom = bodyHmacSha1Scheme({
  id: 'intercom',
  header: 'X-Hub-Signature',
  prefix: 'sha1=',
  message: 'notification',
  missingHint: "Intercom signs with the app's client secret (Developer Hub, Basic Info).",
  detect: (h) => /intercom/i.test(h.get('user-agent') ?? ''),
  // A notification_event's id (notif_…) stays the same across delivery attempts, while the
  // body's delivery_attempts changes, so the body hash would not catch retries.
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'id'),
});
