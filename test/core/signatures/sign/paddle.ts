import { Paddle } from '@paddle/paddle-node-sdk';
import { createHmac } from 'node:crypto';
import { paddle } from '../../../../src/core/signatures/paddle';
import { header, withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

export const sdk = new Paddle('pdl_sdbx_apikey_test');
export const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI';
export const other = 'pdl_ntfset_01hzzzzzzzzzzzzzzzzzzzzzzz_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
export const body = JSON.stringify({
  event_id: 'evt_01hv8x2acma2gz4mv6z7yhmx4f',
  event_type: 'transaction.completed',
  occurred_at: '2026-11-27T12:00:00.000000Z',
  notification_id: 'ntf_01hv8x2af4sghptk2wn2tv2r4k',
  data: { id: 'txn_01hv8wptq8987qeep44cyrewp9', status: 'completed' },
});

/** Paddle's documented recipe: hex HMAC-SHA256 of `${ts}:${body}` keyed with the secret. */
export const docsHeader = (ts: number, key: string, b: string | Buffer = body) =>
  `ts=${ts};h1=${createHmac('sha256', key).update(`${ts}:`).update(b).digest('hex')}`;

export function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const ts = Math.floor(at / 1000);
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['Paddle-Signature', docsHeader(ts, which === 'secret' ? secret : other)],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: paddle,
  secret,
  other,
  signed,
  unsign: (req) => withHeader(req, 'paddle-signature', null),
  malformed: {
    make: (req) => withHeader(req, 'Paddle-Signature', 'ts=1671552777,h1=abc'),
    reason: 'ts= must be Unix seconds',
  },
  extraSignature: (req) => {
    const [ts, h1] = header(req, 'paddle-signature').split(';');
    return withHeader(req, 'Paddle-Signature', `${ts};h1=${'0'.repeat(64)};${h1}`);
  },
};
