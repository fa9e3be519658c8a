import { createHmac } from 'node:crypto';
import { mailgun } from '../../../../src/core/signatures/mailgun';
import type { SignatureInput } from '../../../../src/core/signatures/types';
import { type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

// No official Node verifier is installed; Mailgun documents the signature as the hex
// HMAC-SHA256 of timestamp + token (no separator) keyed with the HTTP webhook signing key.
export const secret = 'key-4e1b9a0c6d2f8e7a5b3c1d0e9f8a7b6c';
export const other = 'key-00000000000000000000000000000000';
export const parentKey = 'key-parent-account-signing-key-0001';
export const token = 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123';
export const docsHex = (key: string, ts: string, tok: string) =>
  createHmac('sha256', key)
    .update(ts + tok)
    .digest('hex');

export const eventData = {
  event: 'delivered',
  id: 'CPgfbmQMTCKtHW6uIWtuVe',
  recipient: 'alice@example.com',
};

export function jsonDelivery(
  sig: Record<string, string>,
  data: unknown = eventData,
): SignatureInput {
  return input({
    body: JSON.stringify({ signature: sig, 'event-data': data }),
    headers: [['Content-Type', 'application/json']],
  });
}

export function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const ts = String(Math.floor(at / 1000));
  const key = which === 'secret' ? secret : other;
  return jsonDelivery({ token, timestamp: ts, signature: docsHex(key, ts, token) });
}

/** Rewrites the JSON body's signature object. */
export function editSignature(
  req: SignatureInput,
  edit: (sig: Record<string, string>) => Record<string, string> | undefined,
): SignatureInput {
  const json = JSON.parse(req.body.toString()) as { signature: Record<string, string> };
  const sig = edit({ ...json.signature });
  const next = sig === undefined ? { 'event-data': eventData } : { ...json, signature: sig };
  return { ...req, body: Buffer.from(JSON.stringify(next)) };
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: mailgun,
  secret,
  other,
  signed,
  // What Mailgun signs is the timestamp and token, so that is what tampering must change.
  tamper: (req) => editSignature(req, (s) => ({ ...s, token: s.token!.replace(/^e/, 'f') })),
  unsign: (req) => editSignature(req, () => undefined),
  malformed: {
    make: (req) => editSignature(req, (s) => ({ ...s, signature: 'not-hex' })),
    reason: 'signature must be 64 hex digits',
  },
  extraSignature: (req) =>
    editSignature(req, (s) => ({ ...s, 'parent-signature': 'ab'.repeat(32) })),
};
