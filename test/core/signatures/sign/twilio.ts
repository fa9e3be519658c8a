import twilioSdk from 'twilio';
import { twilio } from '../../../../src/core/signatures/twilio';
import { withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

export const FORM = 'application/x-www-form-urlencoded';

// Twilio's worked example ("Webhooks security"): Auth Token 12345, this URL and these params.
export const DOCS = {
  token: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  },
  signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
};
// The JSON-body vector shared by Twilio's helper libraries' test suites (twilio-csharp,
// twilio-python, twilio-php, twilio-go): URL + bodySHA256, signed as a URL only.
export const JSON_VECTOR = {
  body: '{"property": "value", "boolean": true}',
  bodySha256: '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
  signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
};

export const token = '9f86d081884c7d659a2feaa0c55ad015';
export const other = '2c26b46b68ffc68ff99b453c1d304134';
export const url = 'https://abc123.tunnel.example/twilio/sms?account=main';
export const params = {
  MessageSid: 'SM1234567890abcdef1234567890abcdef',
  From: '+15005550006',
  To: '+15005550001',
  Body: 'Hello & goodbye = 100% «ok»',
  NumMedia: '0',
};
export const formBody = new URLSearchParams(params).toString();

/** A form POST signed by twilio-node's getExpectedTwilioSignature. */
export function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  const sig = twilioSdk.getExpectedTwilioSignature(which === 'secret' ? token : other, url, params);
  return input({
    body: formBody,
    url,
    path: '/twilio/sms',
    query: 'account=main',
    headers: [
      ['Content-Type', FORM],
      ['X-Twilio-Signature', sig],
      ['I-Twilio-Idempotency-Token', 'a2a8b0a2-0d58-4bbb-9e48-0f3a6f6a3c11'],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: twilio,
  secret: token,
  other,
  signed,
  unsign: (req) => withHeader(req, 'x-twilio-signature', null),
  tamper: (req) => ({ ...req, body: Buffer.from(req.body.toString().replace('Hello', 'Hullo')) }),
  malformed: {
    make: (req) => withHeader(req, 'X-Twilio-Signature', 'sha1=??'),
    reason: 'base64 of an HMAC-SHA1',
  },
};
