import type { Endpoint } from '../../shared/model';
import { HookscopeError } from '../../shared/errors';
import { HeaderBag } from '../signatures/headers';
import { resolveScheme } from '../signatures/registry';
import type { SignatureScheme } from '../signatures/types';
import type { EndpointRepo } from '../store/ports';

/** How a delivery can be signed again (a scheme that signs, the endpoint's first secret), or why not. */
export type Resigner =
  | { ok: true; scheme: SignatureScheme; secret: string; endpoint: Endpoint }
  | {
      ok: false;
      why: string;
      scheme: SignatureScheme | null;
      endpoint: Endpoint;
      /** Its signature never verified: there is no valid signature to go stale. */
      unverified?: true;
    };

/**
 * Whether a delivery of `endpoint` with these headers can be re-signed: the endpoint's provider
 * (or, on `auto`, the one its headers name) must sign with the endpoint's first secret (an
 * Ed25519 provider given its public key cannot). Tried once with an empty request, so a secret
 * the scheme cannot use is found here, not at send time.
 */
export function resignerFor(
  endpoints: EndpointRepo,
  endpoint: Endpoint,
  headers: [string, string][],
  now: number,
): Resigner {
  const scheme = resolveScheme(endpoint.provider, new HeaderBag(headers));
  if (!scheme) {
    return {
      ok: false,
      scheme: null,
      endpoint,
      why: `no provider is set on endpoint "${endpoint.name}" and none is recognised in the headers`,
    };
  }
  const secret = endpoints.secretsOf(endpoint.id)[0]?.trim();
  if (!secret) {
    return { ok: false, scheme, endpoint, why: `endpoint "${endpoint.name}" has no secret` };
  }
  try {
    scheme.sign(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: [],
        body: Buffer.alloc(0),
        url: 'http://localhost/',
      },
      secret,
      now,
      endpoint.hmac,
    );
  } catch (err) {
    const why = err instanceof HookscopeError ? err.message : `${scheme.name} cannot sign with it`;
    return { ok: false, scheme, endpoint, why };
  }
  return { ok: true, scheme, secret, endpoint };
}

/**
 * The request signed again at `now` for `target` (the URL it is sent to): new signature
 * headers, and a body timestamp moved too where the scheme signs one in the body (Linear)
 * unless `keepBody`.
 */
export function resignRequest(
  r: Extract<Resigner, { ok: true }>,
  req: { method: string; headers: [string, string][]; body: Buffer },
  target: string,
  now: number,
  keepBody = false,
): { headers: [string, string][]; body: Buffer } {
  const q = new URL(target);
  const body =
    r.scheme.refreshBody && !keepBody
      ? (r.scheme.refreshBody(req.body, now) ?? req.body)
      : req.body;
  const headers = r.scheme.sign(
    {
      method: req.method,
      path: q.pathname,
      query: q.search.slice(1),
      headers: req.headers,
      body,
      url: target,
    },
    r.secret,
    now,
    r.endpoint.hmac,
  );
  return { headers, body };
}

/**
 * Why a delivery sent with its original signature may be refused by the app, or null: its
 * scheme signs a timestamp, which the app accepts only for the tolerance (the endpoint's, else
 * the provider's) and a dead letter is usually older. Says how to fix it: re-sign, or why that
 * is impossible.
 */
export function staleWarning(r: Resigner): string | null {
  // Never verified: the app refuses it anyway, stale or not; say that, not the tolerance.
  if (!r.ok && r.unverified) return `sent as it arrived, not signed again: ${r.why}`;
  if (!r.scheme) return null;
  const tolerance = r.endpoint.toleranceSec ?? r.scheme.defaultToleranceSec;
  if (tolerance === null) return null;
  const fix = r.ok
    ? 'redrive with re-signing to sign it again'
    : `it cannot be re-signed: ${r.why}`;
  return `sent with its original signature, which may be stale: ${r.scheme.name} accepts a signature for ${tolerance} s after it was made (the tolerance); ${fix}`;
}
