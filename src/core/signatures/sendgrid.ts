import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import { fromBase64, safeEqual } from './crypto';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/**
 * SendGrid (Twilio SendGrid) Signed Event Webhook: ECDSA P-256 with SHA-256 over
 * `${timestamp}${raw body}`. `X-Twilio-Email-Event-Webhook-Signature` carries the base64 of the
 * DER signature, `X-Twilio-Email-Event-Webhook-Timestamp` the Unix seconds. The configured
 * "secret" is SendGrid's verification key: a PUBLIC key, shown as base64 DER (SPKI); PEM works
 * too. A private key (PEM, JWK or base64 PKCS#8/SEC1 DER) also verifies, and is the only thing
 * that can re-sign. SendGrid documents no tolerance; Hookscope uses 300 s.
 */

const SIG = 'X-Twilio-Email-Event-Webhook-Signature';
const TS = 'X-Twilio-Email-Event-Webhook-Timestamp';
const NOT_A_KEY =
  'not an ECDSA P-256 key (SendGrid shows the verification key as base64; PEM also works)';

export const sendgrid: SignatureScheme = {
  id: 'sendgrid',
  name: 'SendGrid',
  defaultToleranceSec: 300,
  weakness: null,
  detect: (h) => h.has('x-twilio-email-event-webhook-signature'),
  verify(req, h, ctx) {
    const header = h.get(SIG);
    const ts = h.get(TS);
    const okTs = ts !== undefined && /^\d{1,12}$/.test(ts);
    let signatures: Buffer[] | null = null;
    let malformed: string | undefined;
    if (header !== undefined) {
      const sig = fromBase64(header.trim());
      signatures = sig ? [sig] : [];
      if (!sig)
        malformed = `expected a base64 ECDSA signature, got ${JSON.stringify(header.slice(0, 60))}`;
      else if (ts === undefined) malformed = `the ${TS} header it signs is missing`;
      else if (!okTs)
        malformed = `the ${TS} header must be Unix seconds, got ${JSON.stringify(ts.slice(0, 40))}`;
    }
    const message = okTs ? Buffer.concat([Buffer.from(ts), req.body]) : req.body;
    return decide(
      ctx,
      {
        header: SIG,
        signatures,
        malformed,
        timestampMs: okTs ? Number(ts) * 1000 : undefined,
        missingHint:
          'Signing is off unless "Signed Event Webhook" is enabled in SendGrid Mail Settings.',
      },
      (secret) => {
        const key = keyOf(secret);
        if (typeof key === 'string') return key;
        // Asymmetric: a sent signature "is expected" when it verifies under this key.
        return (signatures ?? []).filter((s) => verifies(message, key.publicKey, s));
      },
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const key = keyOf(secret);
    if (typeof key === 'string') throw new HookscopeError('bad_input', `SendGrid key: ${key}`);
    if (!key.privateKey) {
      throw new HookscopeError(
        'bad_input',
        'SendGrid signs with its own private key; the configured verification key is public and can only verify. To re-sign (for testing), configure an ECDSA P-256 private key (PEM or JWK) and point your handler at its public key.',
      );
    }
    const ts = String(Math.floor(now / 1000));
    const sig = cryptoSign('sha256', Buffer.concat([Buffer.from(ts), req.body]), key.privateKey);
    return replaceHeaders(
      req.headers,
      [SIG, TS],
      [
        [SIG, sig.toString('base64')],
        [TS, ts],
      ],
    );
  },
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
};

function verifies(message: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return cryptoVerify('sha256', message, key, sig);
  } catch {
    return false;
  }
}

/** Reads a P-256 key: public (SPKI base64/PEM/JWK) or private (PKCS#8/SEC1 base64, PEM, JWK). */
function keyOf(secret: string): { publicKey: KeyObject; privateKey: KeyObject | null } | string {
  const s = secret.trim();
  let privateKey: KeyObject | null = null;
  let publicKey: KeyObject | null = null;
  try {
    if (s.startsWith('-----BEGIN')) {
      if (/PRIVATE KEY-----/.test(s)) privateKey = createPrivateKey(s);
      else publicKey = createPublicKey(s);
    } else if (s.startsWith('{')) {
      const jwk = JSON.parse(s) as Record<string, unknown>;
      if (typeof jwk.d === 'string') privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      else publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    } else {
      const der = fromBase64(s.replace(/\s+/g, ''));
      if (!der) return NOT_A_KEY;
      publicKey = tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
      privateKey = publicKey
        ? null
        : (tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
          tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'sec1' })));
    }
    if (privateKey) publicKey = createPublicKey(privateKey);
  } catch {
    return NOT_A_KEY;
  }
  if (!publicKey) return NOT_A_KEY;
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
  return { publicKey, privateKey };
}

function tryKey(make: () => KeyObject): KeyObject | null {
  try {
    return make();
  } catch {
    return null;
  }
}
