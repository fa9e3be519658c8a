import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKeyInput,
} from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import type { CheckupRequest } from '../../shared/checkup';
import type { GenericHmacConfig, SignatureStatus } from '../../shared/model';
import type { Redactor } from '../forward/redact';
import type { OutgoingRequest } from '../forward/send';
import { HeaderBag } from '../signatures/headers';
import type { SignatureInput, SignatureScheme } from '../signatures/types';
import type { Draft } from './payload';

/** What every probe request is built from. */
export interface Signer {
  scheme: SignatureScheme;
  secret: string;
  hmac: GenericHmacConfig | null;
  /** The only URL the check-up ever sends to. */
  target: string;
  /** Timestamp tolerance a verifying receiver applies (the provider's), in seconds. */
  toleranceSec: number;
}

/** Extra age of the stale probe's timestamp beyond the provider's tolerance. */
export const STALE_MARGIN_SEC = 300;

function input(s: Signer, draft: Draft): SignatureInput {
  const url = new URL(s.target);
  return {
    method: 'POST',
    path: url.pathname,
    query: url.search.slice(1),
    headers: draft.headers,
    body: draft.body,
    url: s.target,
  };
}

/**
 * Signs `draft` as the provider would at `now` (moving a timestamp kept in the body first,
 * as Linear's), with `secret` (default: the real one). Throws `bad_input` when the scheme
 * cannot sign with that secret.
 */
export function signed(
  s: Signer,
  draft: Draft,
  now: number,
  secret = s.secret,
): OutgoingRequest & Draft {
  const body = s.scheme.refreshBody?.(draft.body, now) ?? draft.body;
  const headers = s.scheme.sign(input(s, { ...draft, body }), secret, now, s.hmac);
  return { method: 'POST', url: s.target, headers, body };
}

/** The scheme's own verdict on a request, as a receiver configured with the real secret. */
export function verdictOf(s: Signer, req: Draft, now: number): SignatureStatus {
  return s.scheme.verify(input(s, req), new HeaderBag(req.headers), {
    secrets: [s.secret],
    now,
    toleranceSec: s.toleranceSec,
    hmac: s.hmac,
  }).status;
}

/** A secret of the same shape as `secret` that is not it (for the forged probe). */
export function wrongSecret(secret: string): string {
  const s = secret.trim();
  const key = otherPrivateKey(s);
  if (key) return key;
  if (s.startsWith('whsec_')) {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length || 32;
    return `whsec_${randomBytes(bytes).toString('base64')}`;
  }
  if (/^[0-9a-f]+$/i.test(s)) {
    return randomBytes(Math.ceil(s.length / 2))
      .toString('hex')
      .slice(0, s.length);
  }
  return `hs_wrong_${randomBytes(Math.max(8, Math.ceil(s.length / 2))).toString('hex')}`;
}

/** A new private key of the same kind and format when `s` is one (PEM or JWK), else null. */
function otherPrivateKey(s: string): string | null {
  const pem = s.startsWith('-----BEGIN');
  if (!pem && !s.startsWith('{')) return null;
  try {
    const key = pem
      ? createPrivateKey(s)
      : createPrivateKey({ key: JSON.parse(s) as JsonWebKeyInput['key'], format: 'jwk' });
    const { privateKey } =
      key.asymmetricKeyType === 'ec'
        ? generateKeyPairSync('ec', {
            namedCurve: key.asymmetricKeyDetails?.namedCurve ?? 'prime256v1',
          })
        : generateKeyPairSync('ed25519');
    return pem
      ? privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : JSON.stringify(privateKey.export({ format: 'jwk' }));
  } catch {
    // A public key (or not a key): it cannot sign anyway, and assertCanSign says so.
    return null;
  }
}

/**
 * The body changed after signing, still valid JSON where it was: a field added to an object
 * (`"tampered":true`), an element to an array, a field to a form; other bodies get a trailing
 * newline.
 */
export function tamperedBody(body: Buffer): Buffer {
  const text = body.toString('utf8');
  const trimmed = text.trimEnd();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    const inner = trimmed.slice(1, -1).trim();
    return Buffer.from(`${trimmed.slice(0, -1)}${inner ? ',' : ''}"tampered":true}`);
  }
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    return Buffer.from(`${trimmed.slice(0, -1)}${inner ? ',' : ''}{"tampered":true}]`);
  }
  if (/^[\w.%-]+=[^&]*(&[\w.%-]+=[^&]*)*$/.test(trimmed))
    return Buffer.from(`${trimmed}&tampered=1`);
  return Buffer.concat([body, Buffer.from('\n')]);
}

/** Names of the headers sign() added or changed (the signature, and what it signs). */
export function signatureHeaders(
  unsigned: [string, string][],
  signedHeaders: [string, string][],
): string[] {
  const before = new Map(unsigned.map(([n, v]) => [n.toLowerCase(), v]));
  const names = signedHeaders.filter(([n, v]) => before.get(n.toLowerCase()) !== v).map(([n]) => n);
  return [...new Set(names)];
}

/** `signedHeaders` without the ones sign() added or changed (for the unsigned probe). */
export function withoutSignature(
  unsigned: [string, string][],
  signedHeaders: [string, string][],
): [string, string][] {
  const drop = new Set(signatureHeaders(unsigned, signedHeaders).map((n) => n.toLowerCase()));
  return signedHeaders.filter(([n]) => !drop.has(n.toLowerCase()));
}

/**
 * The request as shown in the report. A header value that carries a secret itself (a plain
 * token scheme such as GitLab's) is shown with `[secret]` in its place, and so is any in the
 * body: the report never holds a secret.
 */
export function describeRequest(req: OutgoingRequest, redact: Redactor): CheckupRequest {
  const headers = req.headers.map(([n, v]): [string, string] => [n, redact.text(v)]);
  const body = redact.body(req.body, false);
  const text = body.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(body);
  return {
    method: req.method,
    url: req.url,
    headers,
    bodyBase64: body.toString('base64'),
    bodyText: utf8 ? text : null,
  };
}

/**
 * Signs a throwaway delivery to find out early whether this scheme can sign with this secret
 * and whether its own verifier accepts the result. Throws `bad_input` saying why not.
 */
export function assertCanSign(s: Signer, draft: Draft, now: number): void {
  let req: Draft;
  try {
    req = signed(s, draft, now);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new HookscopeError('bad_input', `cannot sign as ${s.scheme.name}: ${why}`);
  }
  const verdict = verdictOf(s, req, now);
  if (verdict !== 'valid') {
    throw new HookscopeError(
      'bad_input',
      `cannot sign as ${s.scheme.name} with this secret: Hookscope's own ${s.scheme.name} verifier calls the result "${verdict}"`,
    );
  }
}
