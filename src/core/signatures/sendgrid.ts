import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { fromBase64 } from './crypto';
import { pemOrJwkKey, timestampedPublicKeyScheme, type KeyPair } from './public-key';

/**
 * SendGrid (Twilio SendGrid) Signed Event Webhook: ECDSA P-256 with SHA-256 over
 * `${timestamp}${raw body}`. `X-Twilio-Email-Event-Webhook-Signature` carries the base64 of the
 * DER signature, `X-Twilio-Email-Event-Webhook-Timestamp` the Unix seconds. The configured
 * "secret" is SendGrid's verification key: a PUBLIC key, shown as base64 DER (SPKI); PEM works
 * too. A private key (PEM, JWK or base64 PKCS#8/SEC1 DER) also verifies, and is the only thing
 * that can re-sign. SendGrid documents no tolerance; Hookscope uses 300 s.
 */

const NOT_A_KEY =
  'not an ECDSA P-256 key (SendGrid shows the verification key as base64; PEM also works)';

export const sendgrid = timestampedPublicKeyScheme({
  id: 'sendgrid',
  sigHeader: 'X-Twilio-Email-Event-Webhook-Signature',
  tsHeader: 'X-Twilio-Email-Event-Webhook-Timestamp',
  digest: 'sha256',
  readSignature: fromBase64,
  signatureForm: 'a base64 ECDSA signature',
  encodeSignature: (sig) => sig.toString('base64'),
  keyOf,
  keyForm:
    'the verification key (Mail Settings → Event Webhook → Signature Verification: an ECDSA P-256 public key in base64), or such a key as PEM or JWK',
  publicOnly:
    'SendGrid signs with its own private key; the configured verification key is public and can only verify. To re-sign (for testing), configure an ECDSA P-256 private key (PEM or JWK) and point your handler at its public key.',
  missingHint: 'Signing is off unless "Signed Event Webhook" is enabled in SendGrid Mail Settings.',
  detect: (h) => h.has('x-twilio-email-event-webhook-signature'),
  idempotencyKey(_req, _h, json) {
    if (!Array.isArray(json)) return null;
    const ids = json
      .map((e: unknown) =>
        typeof e === 'object' && e !== null
          ? (e as Record<string, unknown>).sg_event_id
          : undefined,
      )
      .filter((id): id is string => typeof id === 'string' && id !== '');
    if (ids.length === 0) return null;
    if (ids.length === 1) return { key: ids[0]!, source: 'body[0].sg_event_id' };
    // A batch: the first id plus a digest of all of them, so a re-sent batch matches itself.
    const digest = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
    return {
      key: `${ids[0]}+${ids.length - 1}:${digest}`,
      source: `sg_event_id of the ${ids.length} events`,
    };
  },
});

/** Reads a P-256 key: public (SPKI base64/PEM/JWK) or private (PKCS#8/SEC1 base64, PEM, JWK). */
function keyOf(secret: string): KeyPair | string {
  const s = secret.trim();
  let pair: KeyPair | null;
  try {
    pair = pemOrJwkKey(s) ?? derKeyOf(s);
  } catch {
    return NOT_A_KEY;
  }
  if (!pair) return NOT_A_KEY;
  const { publicKey } = pair;
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    const kind =
      publicKey.asymmetricKeyType === 'ec'
        ? `an EC key on ${publicKey.asymmetricKeyDetails?.namedCurve ?? 'another curve'}`
        : `a ${publicKey.asymmetricKeyType ?? 'non-EC'} key`;
    return `${kind}, but SendGrid uses ECDSA P-256`;
  }
  return pair;
}

/** A key as base64 DER: public (SPKI) or private (PKCS#8, SEC1); null when it is none. */
function derKeyOf(s: string): KeyPair | null {
  const der = fromBase64(s.replace(/\s+/g, ''));
  if (!der) return null;
  const publicKey = tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
  if (publicKey) return { publicKey, privateKey: null };
  const privateKey =
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'sec1' }));
  return privateKey ? { publicKey: createPublicKey(privateKey), privateKey } : null;
}

function tryKey(make: () => KeyObject): KeyObject | null {
  try {
    return make();
  } catch {
    return null;
  }
}
