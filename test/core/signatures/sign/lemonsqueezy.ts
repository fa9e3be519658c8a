import { createHmac } from 'node:crypto';
import { lemonsqueezy } from '../../../../src/core/signatures/lemonsqueezy';
import { withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

// No official verifier exists; Lemon Squeezy documents X-Signature as the HMAC-SHA256 hex
// digest of the raw body keyed with the signing secret, computed here independently.
export const secret = 'my-lemon-signing-secret';
export const other = 'another-signing-secret';
export const body = JSON.stringify({
  meta: { event_name: 'order_created', test_mode: true },
  data: { type: 'orders', id: '1', attributes: { store_id: 1, total: 1199, status: 'paid' } },
});
export const docsHex = (key: string, b: string | Buffer) =>
  createHmac('sha256', key).update(b).digest('hex');

export function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Event-Name', 'order_created'],
      ['X-Signature', docsHex(which === 'secret' ? secret : other, body)],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: lemonsqueezy,
  secret,
  other,
  signed,
  unsign: (req) => withHeader(req, 'x-signature', null),
  malformed: {
    make: (req) => withHeader(req, 'X-Signature', 'sha256=' + docsHex(secret, body)),
    reason: '64 hex digits',
  },
};
