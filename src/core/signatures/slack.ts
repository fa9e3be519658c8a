import { bodyKey } from './common';
import { v0HmacScheme } from './v0-hmac';

/**
 * Slack signing secrets: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:<timestamp>:<body>`,
 * `X-Slack-Request-Timestamp` in Unix seconds; Slack recommends rejecting requests older than
 * five minutes. Covers the Events API (JSON, including url_verification), slash commands and
 * interactivity (form-encoded).
 */
export const slack = v0HmacScheme({
  id: 'slack',
  sigHeader: 'X-Slack-Signature',
  tsHeader: 'X-Slack-Request-Timestamp',
  missingHint: "Slack signs every request with the app's Signing Secret (Basic Information).",
  // Events API envelopes carry event_id (stable across Slack's retries); slash commands and
  // interactivity payloads are form-encoded and carry none.
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'event_id'),
});
