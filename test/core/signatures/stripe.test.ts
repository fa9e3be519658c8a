import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { stripe } from '../../../src/core/signatures/stripe';
import { header, withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { client, secret, other, body, signed } from './sign/stripe';

describe('Stripe', () => {
  it('detects Stripe-Signature and auto resolves to stripe', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(stripe.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('stripe');
    expect(stripe.detect(new HeaderBag([['webhook-signature', 'v1,x']]))).toBe(false);
  });

  it('matches an HMAC computed from the documented recipe (t.body, whole whsec_ string as key)', () => {
    const t = NOW / 1000;
    const hex = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const req = input({ body, headers: [['stripe-signature', `t=${t},v1=${hex}`]] });
    expect(verify(stripe, req, [secret]).status).toBe('valid');
    // The key is the string as-is: decoding the part after whsec_ (as Standard Webhooks does) fails.
    const decoded = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`${t}.${body}`)
      .digest('hex');
    const wrong = input({ body, headers: [['stripe-signature', `t=${t},v1=${decoded}`]] });
    expect(verify(stripe, wrong, [secret]).status).toBe('invalid');
  });

  it('sign() output passes stripe.webhooks.constructEvent', () => {
    const signedHeaders = stripe.sign(
      input({
        body,
        headers: [
          ['Content-Type', 'application/json'],
          ['Stripe-Signature', 't=1,v1=old'],
          ['User-Agent', 'Stripe/1.0'],
        ],
      }),
      ` ${secret} `,
      NOW,
      null,
    );
    expect(signedHeaders.map(([n]) => n)).toEqual([
      'Content-Type',
      'User-Agent',
      'Stripe-Signature',
    ]);
    const sig = Object.fromEntries(signedHeaders)['Stripe-Signature']!;
    const event = client.webhooks.constructEvent(body, sig, secret, 300, undefined, NOW);
    expect(event.id).toBe('evt_1QabcDEFghiJKLmn');
    expect(() => client.webhooks.constructEvent(body, sig, other, 300, undefined, NOW)).toThrow(
      /No signatures found/,
    );
    expect(() =>
      client.webhooks.constructEvent(body, sig, secret, 300, undefined, NOW + 301_000),
    ).toThrow(/tolerance/);
  });

  it('a timestamp 600 s ahead is "from the future (clock skew)", noting that stripe-node accepts it', () => {
    const ahead = signed(NOW + 600_000);
    const sig = header(ahead, 'stripe-signature');
    // Stripe's own SDK only rejects old timestamps: this delivery passes constructEvent.
    expect(client.webhooks.constructEvent(body, sig, secret, 300, undefined, NOW).id).toBe(
      'evt_1QabcDEFghiJKLmn',
    );
    const v = verify(stripe, ahead, [secret]);
    expect(v.status).toBe('future');
    expect(v.reason).toContain('from the future (clock skew): 600 s in the future');
    expect(v.reason).toContain("Stripe's own SDK (constructEvent) accepts future timestamps");
    expect(v.reason).toContain('Hookscope applies the tolerance both ways');
    expect(v.reason).not.toMatch(/too old|stale/i);
    const old = verify(stripe, signed(NOW - 600_000), [secret]);
    expect(old).toMatchObject({ status: 'stale', reason: expect.stringContaining('too old') });
  });

  it('malformed headers: missing t, missing v1, non-hex v1', () => {
    const base = signed(NOW);
    const cases: [string, string][] = [
      ['v1=' + 'a'.repeat(64), 'no t=<timestamp>'],
      [`t=${NOW / 1000}`, 'no v1=<signature>'],
      [`t=${NOW / 1000},v1=zz`, 'v1= must be 64 hex digits'],
      ['', 'no t=<timestamp>'],
    ];
    for (const [value, reason] of cases) {
      const v = verify(stripe, withHeader(base, 'Stripe-Signature', value), [secret]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toContain(reason);
    }
  });

  it('hints when the configured secret is not a whsec_ endpoint secret', () => {
    const v = verify(stripe, signed(NOW), ['sk_test_123']);
    expect(v.status).toBe('invalid');
    expect(v.reason).toContain(
      'secret #1 does not look like a signing secret for Stripe: it is a Stripe API key',
    );
    expect(v.reason).toContain('expected whsec_…');
  });

  it('uses the event id from the body as the idempotency key', () => {
    const req = signed(NOW);
    expect(stripe.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'evt_1QabcDEFghiJKLmn',
      source: 'body.id',
    });
    expect(stripe.idempotencyKey(req, new HeaderBag(req.headers), undefined)).toBeNull();
    expect(stripe.idempotencyKey(req, new HeaderBag(req.headers), [{ id: 'x' }])).toBeNull();
  });
});
