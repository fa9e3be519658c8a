import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { shopify } from '../../../src/core/signatures/shopify';
import { verdictSuite, withHeader } from './commerce-helpers';
import { input, NOW, verify } from './helpers';

// No official Node verifier is installed, so the expected HMAC is computed here from Shopify's
// description: base64(HMAC-SHA256(client secret as text, raw body)) in X-Shopify-Hmac-Sha256.
const secret = 'shpss_0123456789abcdef0123456789abcdef';
const other = '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';
const body = '{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65"}';

const docsHmac = (key: string, b: string | Buffer) =>
  createHmac('sha256', key).update(b).digest('base64');

function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  return input({
    body,
    headers: [
      ['X-Shopify-Topic', 'orders/create'],
      ['X-Shopify-Hmac-Sha256', docsHmac(which === 'secret' ? secret : other, body)],
      ['X-Shopify-Shop-Domain', 'example.myshopify.com'],
      ['X-Shopify-Webhook-Id', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'],
      ['X-Shopify-Event-Id', '98880550-7158-44d4-b7cd-2c97c8a091b5'],
      ['X-Shopify-Triggered-At', '2026-11-27T12:00:00Z'],
    ],
  });
}

describe('Shopify', () => {
  verdictSuite({
    scheme: shopify,
    secret,
    other,
    signed,
    unsign: (req) => withHeader(req, 'x-shopify-hmac-sha256', null),
    malformed: {
      make: (req) => withHeader(req, 'X-Shopify-Hmac-Sha256', 'sha256=abc'),
      reason: 'base64 of an HMAC-SHA256',
    },
  });

  it('detects X-Shopify-Hmac-Sha256 with X-Shopify-Topic, and the Events spelling', () => {
    expect(shopify.detect(new HeaderBag(signed(NOW).headers))).toBe(true);
    expect(resolveScheme('auto', new HeaderBag(signed(NOW).headers))?.id).toBe('shopify');
    expect(shopify.detect(new HeaderBag([['X-Shopify-Hmac-Sha256', 'x']]))).toBe(false);
    const events = new HeaderBag([
      ['Shopify-Hmac-Sha256', 'x'],
      ['Shopify-Webhook-Id', 'y'],
    ]);
    expect(shopify.detect(events)).toBe(true);
  });

  it('verifies the Events header spelling (Shopify-Hmac-Sha256) and re-signs it in place', () => {
    const req = input({
      body,
      headers: [
        ['Shopify-Webhook-Id', 'wh_1'],
        ['Shopify-Hmac-Sha256', docsHmac(secret, body)],
      ],
    });
    expect(verify(shopify, req, [secret]).status).toBe('valid');
    const resigned = shopify.sign({ ...req, body: Buffer.from('{}') }, secret, NOW, null);
    expect(resigned).toEqual([
      ['Shopify-Webhook-Id', 'wh_1'],
      ['Shopify-Hmac-Sha256', docsHmac(secret, '{}')],
    ]);
  });

  it('sign() produces exactly the documented HMAC, replacing the old one and keeping order', () => {
    const newBody = Buffer.from('{"id":1,"note":"edited on replay"}');
    const out = shopify.sign({ ...signed(NOW), body: newBody }, `${secret}\n`, NOW, null);
    expect(out.map(([n]) => n)).toEqual([
      'X-Shopify-Topic',
      'X-Shopify-Shop-Domain',
      'X-Shopify-Webhook-Id',
      'X-Shopify-Event-Id',
      'X-Shopify-Triggered-At',
      'X-Shopify-Hmac-Sha256',
    ]);
    expect(Object.fromEntries(out)['X-Shopify-Hmac-Sha256']).toBe(docsHmac(secret, newBody));
    expect(verify(shopify, input({ body: newBody, headers: out }), [secret]).status).toBe('valid');
  });

  it('signs the bytes, not a re-serialisation: whitespace in the JSON matters', () => {
    const req = signed(NOW);
    const reformatted = { ...req, body: Buffer.from(JSON.stringify(JSON.parse(body), null, 1)) };
    expect(verify(shopify, reformatted, [secret]).status).toBe('invalid');
  });

  it('idempotency: X-Shopify-Event-Id, else X-Shopify-Webhook-Id', () => {
    const req = signed(NOW);
    expect(shopify.idempotencyKey(req, new HeaderBag(req.headers), undefined)).toEqual({
      key: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      source: 'X-Shopify-Event-Id header',
    });
    const noEvent = withHeader(req, 'X-Shopify-Event-Id', null);
    expect(shopify.idempotencyKey(noEvent, new HeaderBag(noEvent.headers), undefined)).toEqual({
      key: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      source: 'X-Shopify-Webhook-Id header',
    });
    const none = withHeader(noEvent, 'X-Shopify-Webhook-Id', null);
    expect(shopify.idempotencyKey(none, new HeaderBag(none.headers), undefined)).toBeNull();
  });
});
