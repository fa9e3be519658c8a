/**
 * Values the contract's schemas are built from, kept free of zod: the UI's first screen uses
 * them without loading the schemas (zod and the contract come with the panels that parse
 * input, so the page's first script stays small: issue 16, opening the UI). `model.ts` and
 * `tunnel-model.ts` build their enums from these and export them under their usual names.
 */

/** A delivery's signature verdict (`SignatureStatus` in model.ts). */
export const SIGNATURE_STATUSES = [
  'valid',
  'invalid',
  'stale',
  'missing',
  'no-secret',
  'none',
  /** Verifies, but the signed timestamp is ahead of this clock by more than the tolerance. */
  'future',
] as const;

/** ngrok points of presence; unset = the one with the lowest latency (usually best). */
export const TUNNEL_REGIONS = ['us', 'us-cal-1', 'eu', 'ap', 'au', 'sa', 'jp', 'in'] as const;

/** The most getEventBody gives at once. */
export const MAX_BODY_PART_BYTES = 4 * 1024 * 1024;
