import { EventWebhook } from '@sendgrid/eventwebhook';
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { sendgrid } from '../../../../src/core/signatures/sendgrid';
import { withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

export const SIG = 'X-Twilio-Email-Event-Webhook-Signature';
export const TS = 'X-Twilio-Email-Event-Webhook-Timestamp';

// The vector shared by SendGrid's helper libraries' tests (sendgrid-nodejs, -python, -csharp,
// -java, -ruby, -go): verification key, signature and timestamp for this exact payload.
export const VECTOR = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
  signature:
    'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
  timestamp: '1588788367',
  payload: '{"category":"example_payload","event":"test_event","message_id":"message_id"}',
};

export const ew = new EventWebhook();
export const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const mine = pair();
export const theirs = pair();
/** SendGrid shows the verification key as base64 DER (SPKI), without PEM armour. */
export const b64 = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).toString('base64');
export const secret = b64(mine.publicKey);
export const other = b64(theirs.publicKey);
export const body = JSON.stringify([
  {
    email: 'a@example.com',
    timestamp: 1795780800,
    event: 'delivered',
    sg_event_id: 'ZGVsaXZlcmVk-1',
    sg_message_id: 'm1',
  },
  {
    email: 'b@example.com',
    timestamp: 1795780801,
    event: 'open',
    sg_event_id: 'b3Blbg-2',
    sg_message_id: 'm2',
  },
]);

/** Signed independently with node:crypto (ECDSA P-256/SHA-256, DER, base64). */
export function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const ts = String(Math.floor(at / 1000));
  const key = (which === 'secret' ? mine : theirs).privateKey;
  const sig = cryptoSign('sha256', Buffer.from(ts + body), key).toString('base64');
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      [SIG, sig],
      [TS, ts],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: sendgrid,
  secret,
  other,
  signed,
  padded: `\n  ${secret.slice(0, 40)}\n${secret.slice(40)}  \n`,
  unsign: (req) => withHeader(withHeader(req, SIG, null), TS, null),
  malformed: {
    make: (req) => withHeader(req, TS, '2026-11-27T12:00:00Z'),
    reason: 'must be Unix seconds',
  },
};
