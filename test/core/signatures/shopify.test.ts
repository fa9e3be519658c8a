import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { shopify } from '../../../src/core/signatures/shopify';
import { withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { secret, body, docsHmac, signed } from './sign/shopify';

describe('Shopify', () => {
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
