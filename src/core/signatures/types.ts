import type { GenericHmacConfig, ProviderId, SignatureStatus } from '../../shared/model';
import type { HeaderBag } from './headers';

/** The parts of a delivery a signature scheme looks at: raw bytes, never re-serialized. */
export interface SignatureInput {
  method: string;
  /** The path as received (percent-encoded), without the query. */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  headers: [string, string][];
  body: Buffer;
  /**
   * The full URL the sender used: the public (tunnel) URL when known, else built from the Host
   * header. URL-signing schemes (Twilio, Square, HubSpot) sign this.
   */
  url: string;
}

/** What a verifier gets besides the request. */
export interface VerifyContext {
  /** Configured secrets, trimmed, in rotation order (newest first or as the user listed). */
  secrets: string[];
  /** Now in ms since the epoch (injectable clock). */
  now: number;
  /** Allowed timestamp skew in seconds (the endpoint's, else the scheme's default). */
  toleranceSec: number;
  /** Settings of the generic HMAC scheme (null for every other scheme). */
  hmac: GenericHmacConfig | null;
}

/** A verdict with a reason a person can act on. */
export interface VerifyResult {
  status: Exclude<SignatureStatus, 'none'>;
  reason: string;
}

/** The provider's own delivery/event id used for duplicate detection. */
export interface IdempotencyKey {
  key: string;
  /** Where it came from, e.g. `webhook-id header` or `body.id`. */
  source: string;
}

/** What a scheme's secret looks like, and what is wrong with one that does not. */
export interface SecretForm {
  /** The expected form in the user's words, e.g. "whsec_ followed by base64 (...)". */
  expected: string;
  /** Why the (trimmed) secret is not of that form, or null when it is. Never quotes it. */
  problem(secret: string): string | null;
}

/** One provider's signature scheme: a pure module (no I/O, clock passed in). */
export interface SignatureScheme {
  id: ProviderId;
  /** Display name, e.g. "Stripe". */
  name: string;
  /** Recommended tolerance in seconds; null when the scheme carries no timestamp. */
  defaultToleranceSec: number | null;
  /** What makes the scheme weak (plain token, unsigned body, no timestamp), or null. */
  weakness: string | null;
  /**
   * The form the configured secret must have, where the scheme can tell (a prefix, an encoding,
   * a key type): saveEndpoint warns with it, and verify() names it when a secret is unusable.
   */
  secretForm?: SecretForm;
  /** True when the headers show this provider sent the request (used for `auto`). */
  detect(h: HeaderBag): boolean;
  /** Verifies the raw request against the configured secrets. Never throws. */
  verify(req: SignatureInput, h: HeaderBag, ctx: VerifyContext): VerifyResult;
  /**
   * Signs the request as the provider would at `now` (ms) with `secret`: returns the full new
   * header list (old signature headers replaced, everything else kept in order). Throws
   * HookscopeError('bad_input') when the secret cannot be used by this scheme (e.g. a public
   * key for Ed25519 providers).
   */
  sign(
    req: SignatureInput,
    secret: string,
    now: number,
    hmac: GenericHmacConfig | null,
  ): [string, string][];
  /**
   * For schemes whose signed timestamp lives in the body (Linear's `webhookTimestamp`): the
   * body with that timestamp set to `now` (ms), other bytes untouched; null when it has none.
   * Re-signing calls it first so a replay is not stale.
   */
  refreshBody?(body: Buffer, now: number): Buffer | null;
  /** The provider's delivery or event id, or null when it sends none. */
  idempotencyKey(req: SignatureInput, h: HeaderBag, json: unknown): IdempotencyKey | null;
}
