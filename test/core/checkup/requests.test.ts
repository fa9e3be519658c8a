import { describe, expect, it } from 'vitest';
import { choosePayload, freshLike, storedPayload } from '../../../src/core/checkup/payload';
import {
  signatureHeaders,
  tamperedBody,
  withoutSignature,
  wrongSecret,
} from '../../../src/core/checkup/requests';
import { schemeById } from '../../../src/core/signatures/registry';

const URL_ = 'http://127.0.0.1:3000/hooks';

describe('probe building blocks', () => {
  it('tampers a body and keeps it valid JSON (or form) where it was', () => {
    expect(tamperedBody(Buffer.from('{"id":"evt_1","amount":2000}')).toString()).toBe(
      '{"id":"evt_1","amount":2000,"tampered":true}',
    );
    expect(tamperedBody(Buffer.from('{}')).toString()).toBe('{"tampered":true}');
    expect(JSON.parse(tamperedBody(Buffer.from('[{"a":1}]\n')).toString())).toEqual([
      { a: 1 },
      { tampered: true },
    ]);
    expect(tamperedBody(Buffer.from('a=1&b=2')).toString()).toBe('a=1&b=2&tampered=1');
    expect(tamperedBody(Buffer.from('plain')).toString()).toBe('plain\n');
  });

  it('finds the headers sign() added or changed, and removes exactly those', () => {
    const unsigned: [string, string][] = [
      ['Content-Type', 'application/json'],
      ['webhook-id', 'msg_1'],
    ];
    const signedH: [string, string][] = [
      ['Content-Type', 'application/json'],
      ['webhook-id', 'msg_1'],
      ['webhook-timestamp', '1'],
      ['webhook-signature', 'v1,abc'],
    ];
    expect(signatureHeaders(unsigned, signedH)).toEqual(['webhook-timestamp', 'webhook-signature']);
    expect(withoutSignature(unsigned, signedH)).toEqual(unsigned);
  });

  it('makes a wrong secret of the same shape', () => {
    const w = wrongSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(w).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(w).not.toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(wrongSecret('abcdef0123')).toMatch(/^[0-9a-f]{10}$/);
    expect(wrongSecret('plain token')).toMatch(/^hs_wrong_[0-9a-f]+$/);
  });

  it('mints ids shaped like the old one', () => {
    expect(freshLike('evt_1QabcDEFghiJKLmn')).toMatch(/^evt_[0-9a-f]{16}$/);
    expect(freshLike('0f8fad5b-d9cb-469f-a165-70867728950e')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('a stored delivery is sent as is first, then with a fresh body id (Stripe)', () => {
    const body = Buffer.from('{"id":"evt_123456789012","object":"event","data":{"id":"x"}}');
    const p = storedPayload(
      'event:e1',
      { headers: [['A', 'b']], body },
      schemeById('stripe')!,
      URL_,
    );
    expect(p.first(0).body).toBe(body);
    const next = p.next(0).body.toString();
    expect(next).toMatch(/^\{"id":"evt_[0-9a-f]{16}","object":"event","data":\{"id":"x"\}\}$/);
    expect(next).not.toBe(body.toString());
  });

  it('a stored delivery gets a fresh delivery-id header (GitHub)', () => {
    const headers: [string, string][] = [
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ];
    const p = storedPayload(
      'event:e2',
      { headers, body: Buffer.from('{}') },
      schemeById('github')!,
      URL_,
    );
    const next = p.next(0);
    expect(next.headers[0]).toEqual(['X-GitHub-Event', 'push']);
    expect(next.headers[1]![0]).toBe('X-GitHub-Delivery');
    expect(next.headers[1]![1]).not.toBe(headers[1]![1]);
    expect(next.body.toString()).toBe('{}');
  });

  it("picks the provider's first sample, a generic event, or refuses a foreign sample", () => {
    expect(choosePayload('stripe', undefined).label).toBe('stripe.payment_intent.succeeded');
    expect(choosePayload('svix', undefined).label).toBe('generic');
    expect(choosePayload('github', 'generic').label).toBe('generic');
    expect(() => choosePayload('stripe', 'github.push')).toThrow(
      'sample "github.push" is a github delivery, but the check-up signs as stripe',
    );
    expect(() => choosePayload('stripe', 'nope')).toThrow(/^no sample "nope" \(for stripe: /);
    const g = choosePayload('linear', undefined);
    const a = JSON.parse(g.next(1234).body.toString()) as { id: string; webhookTimestamp: number };
    const b = JSON.parse(g.next(1234).body.toString()) as { id: string };
    expect(a.webhookTimestamp).toBe(1234);
    expect(a.id).not.toBe(b.id);
    expect(g.next(0).headers.map(([n]) => n)).toEqual(['Content-Type', 'Linear-Delivery']);
  });
});
