import { v0HmacScheme } from './v0-hmac';

/**
 * Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:<x-zm-request-timestamp>:<body>` with the
 * app's Secret Token, timestamp in Unix seconds (five-minute window). endpoint.url_validation
 * requests are signed the same way.
 */
export const zoom = v0HmacScheme({
  id: 'zoom',
  sigHeader: 'x-zm-signature',
  tsHeader: 'x-zm-request-timestamp',
  missingHint: "Zoom signs with the event subscription's Secret Token.",
  // Zoom documents no delivery id that survives its retries (x-zm-trackingid identifies a
  // request; whether a retry keeps it is not documented), so the engine's body hash is used.
  idempotencyKey: () => null,
});
