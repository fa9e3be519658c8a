import { Paddle } from '@paddle/paddle-node-sdk';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { paddle } from '../../../src/core/signatures/paddle';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { header, verdictSuite, withHeader } from './commerce-helpers';
import { input, NOW, verify } from './helpers';

const sdk = new Paddle('pdl_sdbx_apikey_test');
const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI';
const other = 'pdl_ntfset_01hzzzzzzzzzzzzzzzzzzzzzzz_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
const body = JSON.stringify({
  event_id: 'evt_01hv8x2acma2gz4mv6z7yhmx4f',
  event_type: 'transaction.completed',
  occurred_at: '2026-11-27T12:00:00.000000Z',
  notification_id: 'ntf_01hv8x2af4sghptk2wn2tv2r4k',
  data: { id: 'txn_01hv8wptq8987qeep44cyrewp9', status: 'completed' },
});

/** Paddle's documented recipe: hex HMAC-SHA256 of `${ts}:${body}` keyed with the secret. */
const docsHeader = (ts: number, key: string, b: string | Buffer = body) =>
  `ts=${ts};h1=${createHmac('sha256', key).update(`${ts}:`).update(b).digest('hex')}`;

function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const ts = Math.floor(at / 1000);
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['Paddle-Signature', docsHeader(ts, which === 'secret' ? secret : other)],
    ],
  });
}

describe('Paddle', () => {
  verdictSuite({
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
  });

  it('defaults to the 5 s tolerance of the Paddle SDKs', () => {
    expect(paddle.defaultToleranceSec).toBe(5);
    expect(verify(paddle, signed(NOW - 5_000), [secret]).status).toBe('valid');
    const v = verify(paddle, signed(NOW - 6_000), [secret]);
    expect(v).toMatchObject({ status: 'stale', reason: expect.stringContaining('6 s old') });
  });

  it('detects Paddle-Signature', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(paddle.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('paddle');
  });

  it('the docs recipe used above is what the official SDK accepts', async () => {
    const now = Date.now();
    const req = signed(now);
    const sig = header(req, 'paddle-signature');
    expect(await sdk.webhooks.isSignatureValid(body, secret, sig)).toBe(true);
    expect(await sdk.webhooks.isSignatureValid(body, other, sig)).toBe(false);
    expect(verify(paddle, req, [secret], { now }).status).toBe('valid');
  });

  it('sign() output passes the SDK (isSignatureValid and unmarshal)', async () => {
    const now = Date.now();
    const out = paddle.sign(
      input({
        body,
        headers: [
          ['Paddle-Signature', 'ts=1;h1=00'],
          ['X-Other', '1'],
        ],
      }),
      `\t${secret} `,
      now,
      null,
    );
    expect(out.map(([n]) => n)).toEqual(['X-Other', 'Paddle-Signature']);
    const sig = Object.fromEntries(out)['Paddle-Signature']!;
    expect(sig).toMatch(/^ts=\d+;h1=[0-9a-f]{64}$/);
    expect(await sdk.webhooks.isSignatureValid(body, secret, sig)).toBe(true);
    expect(await sdk.webhooks.isSignatureValid(body + ' ', secret, sig)).toBe(false);
    // unmarshal() also builds the typed event; an event type the SDK does not model keeps the
    // fixture small (transaction.completed would need a full transaction).
    const generic = body.replace('transaction.completed', 'hookscope.test');
    const resigned = Object.fromEntries(
      paddle.sign(input({ body: generic }), secret, Date.now(), null),
    )['Paddle-Signature']!;
    const event = await sdk.webhooks.unmarshal(generic, secret, resigned);
    expect(event.eventId).toBe('evt_01hv8x2acma2gz4mv6z7yhmx4f');
  });

  it('malformed: missing ts, missing h1, non-hex h1', () => {
    const base = signed(NOW);
    const cases: [string, string][] = [
      [`h1=${'a'.repeat(64)}`, 'no ts=<timestamp>'],
      [`ts=${NOW / 1000}`, 'no h1=<signature>'],
      [`ts=${NOW / 1000};h1=xyz`, 'h1= must be 64 hex digits'],
    ];
    for (const [value, reason] of cases) {
      const v = verify(paddle, withHeader(base, 'Paddle-Signature', value), [secret]);
      expect(v).toMatchObject({ status: 'invalid', reason: expect.stringContaining(reason) });
    }
  });

  it('uses body.event_id as the idempotency key', () => {
    const req = signed(NOW);
    expect(paddle.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'evt_01hv8x2acma2gz4mv6z7yhmx4f',
      source: 'body.event_id',
    });
    expect(paddle.idempotencyKey(req, new HeaderBag(req.headers), { id: 1 })).toBeNull();
  });
});
