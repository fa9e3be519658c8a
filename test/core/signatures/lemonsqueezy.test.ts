import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { lemonsqueezy } from '../../../src/core/signatures/lemonsqueezy';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { verdictSuite, withHeader } from './commerce-helpers';
import { input, NOW, verify } from './helpers';

// No official verifier exists; Lemon Squeezy documents X-Signature as the HMAC-SHA256 hex
// digest of the raw body keyed with the signing secret, computed here independently.
const secret = 'my-lemon-signing-secret';
const other = 'another-signing-secret';
const body = JSON.stringify({
  meta: { event_name: 'order_created', test_mode: true },
  data: { type: 'orders', id: '1', attributes: { store_id: 1, total: 1199, status: 'paid' } },
});
const docsHex = (key: string, b: string | Buffer) =>
  createHmac('sha256', key).update(b).digest('hex');

function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Event-Name', 'order_created'],
      ['X-Signature', docsHex(which === 'secret' ? secret : other, body)],
    ],
  });
}

describe('Lemon Squeezy', () => {
  verdictSuite({
    scheme: lemonsqueezy,
    secret,
    other,
    signed,
    unsign: (req) => withHeader(req, 'x-signature', null),
    malformed: {
      make: (req) => withHeader(req, 'X-Signature', 'sha256=' + docsHex(secret, body)),
      reason: '64 hex digits',
    },
  });

  it('detects X-Signature only together with X-Event-Name', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(lemonsqueezy.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('lemonsqueezy');
    expect(lemonsqueezy.detect(new HeaderBag([['X-Signature', 'abc']]))).toBe(false);
  });

  it('accepts an upper-case hex digest (the digest, not its spelling, is compared)', () => {
    const req = withHeader(signed(NOW), 'X-Signature', docsHex(secret, body).toUpperCase());
    expect(verify(lemonsqueezy, req, [secret]).status).toBe('valid');
  });

  it('sign() produces the documented digest and keeps the other headers in order', () => {
    const edited = Buffer.from('{"meta":{"event_name":"order_refunded"}}');
    const out = lemonsqueezy.sign({ ...signed(NOW), body: edited }, secret, NOW, null);
    expect(out).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Event-Name', 'order_created'],
      ['X-Signature', docsHex(secret, edited)],
    ]);
  });

  it('has no delivery id to key duplicates on (the inspector falls back to the body hash)', () => {
    const req = signed(NOW);
    expect(
      lemonsqueezy.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body)),
    ).toBeNull();
  });
});
