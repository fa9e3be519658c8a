import { createHmac } from 'node:crypto';
import { square } from '../../../../src/core/signatures/square';
import { withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

// Square's published example ("Validate notifications"): signature key asdf1234, notification
// URL https://example.com/webhook, body {"hello":"world"}.
export const VECTOR = {
  key: 'asdf1234',
  url: 'https://example.com/webhook',
  body: '{"hello":"world"}',
  signature: '2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=',
};

export const secret = 'Ibxx_5AKakO-3qeNVR61Dw';
export const other = 'zzzz_5AKakO-3qeNVR61Dw';
export const url = 'https://abc123.tunnel.example/square?src=test';
export const body = JSON.stringify({
  merchant_id: 'MLEFBHHSJGVHD',
  type: 'payment.updated',
  event_id: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
  created_at: '2026-11-27T12:00:00Z',
  data: { type: 'payment', id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY' },
});
export const docsSig = (key: string, u: string, b: string | Buffer, alg = 'sha256') =>
  createHmac(alg, key).update(u).update(b).digest('base64');

export function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  return input({
    body,
    url,
    path: '/square',
    query: 'src=test',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Square-HmacSha256-Signature', docsSig(which === 'secret' ? secret : other, url, body)],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: square,
  secret,
  other,
  signed,
  unsign: (req) => withHeader(req, 'x-square-hmacsha256-signature', null),
  malformed: {
    make: (req) => withHeader(req, 'X-Square-HmacSha256-Signature', 'not*base64'),
    reason: 'base64 of an HMAC-SHA256',
  },
};
