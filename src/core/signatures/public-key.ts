import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import type { ProviderId } from '../../shared/model';
import { providerName } from '../../shared/providers';
import { safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/** A configured key: the public half always, the private half when one was given. */
export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject | null;
}

/**
 * A key written as PEM or JWK: a private one (PEM `PRIVATE KEY`, JWK with `d`) with its public
 * half, else a public one; null for text that is neither (each scheme reads its own other
 * forms). Throws what node:crypto or JSON.parse throw for a malformed key.
 */
export function pemOrJwkKey(s: string): KeyPair | null {
  if (s.startsWith('-----BEGIN')) {
    const privateKey = /PRIVATE KEY-----/.test(s) ? createPrivateKey(s) : null;
    return { publicKey: createPublicKey(privateKey ?? s), privateKey };
  }
  if (s.startsWith('{')) {
    const jwk = JSON.parse(s) as Record<string, unknown>;
    const privateKey =
      typeof jwk.d === 'string' ? createPrivateKey({ key: jwk, format: 'jwk' }) : null;
    return { publicKey: createPublicKey(privateKey ?? { key: jwk, format: 'jwk' }), privateKey };
  }
  return null;
}

/**
 * The asymmetric scheme Discord (Ed25519) and SendGrid (ECDSA P-256) use: a signature header
 * over `${timestamp}${raw body}`, the Unix-seconds timestamp in its own header. The configured
 * "secret" is the provider's public key, which can only verify; a private key also verifies
 * and is the only thing that can re-sign.
 */
export function timestampedPublicKeyScheme(o: {
  id: ProviderId;
  sigHeader: string;
  tsHeader: string;
  /** The digest node:crypto signs with: null for Ed25519, 'sha256' for ECDSA P-256. */
  digest: string | null;
  /** The header value as signature bytes, or null when it is not in the provider's form. */
  readSignature: (value: string) => Buffer | null;
  /** What a signature should look like, for the "malformed" reason. */
  signatureForm: string;
  encodeSignature: (sig: Buffer) => string;
  /** The configured key, or what is wrong with it. */
  keyOf: (secret: string) => KeyPair | string;
  /** Why re-signing with a public key is impossible, and what to configure instead. */
  publicOnly: string;
  /** What the configured key looks like, where the provider shows it. */
  keyForm: string;
  missingHint?: string;
  detect: (h: HeaderBag) => boolean;
  idempotencyKey: SignatureScheme['idempotencyKey'];
}): SignatureScheme {
  const { sigHeader: SIG, tsHeader: TS } = o;
  const verifies = (message: Buffer, key: KeyObject, sig: Buffer): boolean => {
    try {
      return cryptoVerify(o.digest, message, key, sig);
    } catch {
      return false;
    }
  };
  const name = providerName(o.id);
  return defineScheme(o.id, {
    defaultToleranceSec: 300,
    weakness: null,
    secretForm: {
      expected: o.keyForm,
      problem: (s) => {
        const key = o.keyOf(s);
        return typeof key === 'string' ? `it is ${key}` : null;
      },
    },
    detect: o.detect,
    verify(req, h, ctx) {
      const header = h.get(SIG);
      const ts = h.get(TS);
      const okTs = ts !== undefined && /^\d{1,12}$/.test(ts);
      let signatures: Buffer[] | null = null;
      let malformed: string | undefined;
      if (header !== undefined) {
        const sig = o.readSignature(header.trim());
        signatures = sig ? [sig] : [];
        if (!sig) {
          malformed = `expected ${o.signatureForm}, got ${JSON.stringify(header.slice(0, 60))}`;
        } else if (ts === undefined) malformed = `the ${TS} header it signs is missing`;
        else if (!okTs) {
          malformed = `the ${TS} header must be Unix seconds, got ${JSON.stringify(ts.slice(0, 40))}`;
        }
      }
      const message = okTs ? Buffer.concat([Buffer.from(ts), req.body]) : req.body;
      return decide(
        ctx,
        {
          header: SIG,
          signatures,
          malformed,
          timestampMs: okTs ? Number(ts) * 1000 : undefined,
          ...(o.missingHint ? { missingHint: o.missingHint } : {}),
        },
        (secret) => {
          const key = o.keyOf(secret);
          if (typeof key === 'string') return key;
          // Asymmetric: a sent signature "is expected" when it verifies under this key.
          return (signatures ?? []).filter((s) => verifies(message, key.publicKey, s));
        },
        safeEqual,
      );
    },
    sign(req, secret, now) {
      const key = o.keyOf(secret);
      if (typeof key === 'string') throw new HookscopeError('bad_input', `${name} key: ${key}`);
      if (!key.privateKey) throw new HookscopeError('bad_input', o.publicOnly);
      const ts = String(Math.floor(now / 1000));
      const sig = cryptoSign(o.digest, Buffer.concat([Buffer.from(ts), req.body]), key.privateKey);
      return replaceHeaders(
        req.headers,
        [SIG, TS],
        [
          [SIG, o.encodeSignature(sig)],
          [TS, ts],
        ],
      );
    },
    idempotencyKey: o.idempotencyKey,
  });
}
