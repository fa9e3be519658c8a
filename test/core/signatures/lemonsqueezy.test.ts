import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { lemonsqueezy } from '../../../src/core/signatures/lemonsqueezy';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { withHeader } from './verdict-suite';
import { NOW, verify } from './helpers';
import { secret, body, docsHex, signed } from './sign/lemonsqueezy';

describe('Lemon Squeezy', () => {
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
