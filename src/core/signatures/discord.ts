import { createPublicKey } from 'node:crypto';
import { bodyKey } from './common';
import { fromBase64, fromHex } from './crypto';
import { pemOrJwkKey, timestampedPublicKeyScheme, type KeyPair } from './public-key';

/**
 * Discord (interactions endpoint and webhook events): Ed25519 over `${timestamp}${raw body}`.
 * `X-Signature-Ed25519` is the hex signature, `X-Signature-Timestamp` Unix seconds. The
 * configured "secret" is the application's PUBLIC key (64 hex digits in the developer portal);
 * PEM/JWK keys work too, and a private key (PEM or JWK) is the only thing that can re-sign.
 * Discord documents no tolerance; Hookscope uses 300 s like most timestamped schemes.
 */

/** DER SubjectPublicKeyInfo prefix of a raw 32-byte Ed25519 public key (RFC 8410). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const NOT_A_KEY =
  "not an Ed25519 public key (Discord shows the application's public key as 64 hex digits)";

export const discord = timestampedPublicKeyScheme({
  id: 'discord',
  sigHeader: 'X-Signature-Ed25519',
  tsHeader: 'X-Signature-Timestamp',
  digest: null,
  readSignature: (value) => {
    const sig = fromHex(value);
    return sig && sig.length === 64 ? sig : null;
  },
  signatureForm: 'an Ed25519 signature as 128 hex digits',
  encodeSignature: (sig) => sig.toString('hex'),
  keyOf,
  keyForm:
    "the application's public key (Developer Portal → General Information → Public Key, 64 hex digits), or an Ed25519 key as PEM or JWK",
  publicOnly:
    "Discord signs with its own private key; the configured key is the application's public key and can only verify. To re-sign (for testing), configure an Ed25519 private key (PEM or JWK) and point your handler at its public key.",
  detect: (h) => h.has('x-signature-ed25519') && h.has('x-signature-timestamp'),
  // Interactions carry a snowflake id; webhook events (type 1) carry none.
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'id'),
});

/** Reads an Ed25519 key: public (hex, PEM, JWK, base64 SPKI) or private (PEM, JWK). */
function keyOf(secret: string): KeyPair | string {
  const s = secret.trim();
  let pair: KeyPair | string;
  try {
    pair = pemOrJwkKey(s) ?? publicKeyOf(s);
  } catch {
    return NOT_A_KEY;
  }
  if (typeof pair === 'string') return pair;
  if (pair.publicKey.asymmetricKeyType !== 'ed25519') {
    return `a ${pair.publicKey.asymmetricKeyType ?? 'non-Ed25519'} key, but Discord uses Ed25519`;
  }
  return pair;
}

/** A public key as Discord shows it (64 hex digits), or as base64 DER (SPKI). */
function publicKeyOf(s: string): KeyPair | string {
  const raw = fromHex(s);
  if (raw && raw.length !== 32) {
    return `${raw.length} bytes of hex, but an Ed25519 public key is 32 (64 hex digits)`;
  }
  const der = raw ? Buffer.concat([SPKI_PREFIX, raw]) : fromBase64(s);
  if (!der) return NOT_A_KEY;
  return {
    publicKey: createPublicKey({ key: der, format: 'der', type: 'spki' }),
    privateKey: null,
  };
}
