import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { square } from '../../../src/core/signatures/square';
import { withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { VECTOR, secret, other, url, body, docsSig, signed } from './sign/square';

describe('Square', () => {
  it("accepts Square's published example", async () => {
    const req = input({
      body: VECTOR.body,
      url: VECTOR.url,
      headers: [['x-square-hmacsha256-signature', VECTOR.signature]],
    });
    expect(verify(square, req, [VECTOR.key]).status).toBe('valid');
    // The same vector through the official SDK, so the oracle itself is checked.
    expect(
      await WebhooksHelper.verifySignature({
        requestBody: VECTOR.body,
        signatureHeader: VECTOR.signature,
        signatureKey: VECTOR.key,
        notificationUrl: VECTOR.url,
      }),
    ).toBe(true);
  });

  it('signs the URL: another URL (e.g. the loopback one) is invalid and the reason shows it', () => {
    const req = { ...signed(NOW), url: 'http://127.0.0.1:8080/square?src=test' };
    const v = verify(square, req, [secret]);
    expect(v.status).toBe('invalid');
    expect(v.reason).toContain('"http://127.0.0.1:8080/square?src=test"');
    expect(v.reason).toContain('notification URL exactly');
  });

  it('detects either Square header', () => {
    expect(square.detect(new HeaderBag(signed(NOW).headers))).toBe(true);
    expect(resolveScheme('auto', new HeaderBag(signed(NOW).headers))?.id).toBe('square');
    expect(square.detect(new HeaderBag([['X-Square-Signature', 'x']]))).toBe(true);
  });

  it('falls back to the legacy SHA-1 x-square-signature when the SHA-256 header is absent', () => {
    const req = input({
      body,
      url,
      headers: [['X-Square-Signature', docsSig(secret, url, body, 'sha1')]],
    });
    expect(verify(square, req, [secret]).status).toBe('valid');
    expect(verify(square, req, [other]).status).toBe('invalid');
    // A SHA-256 value in the SHA-1 header is malformed (wrong length), not silently accepted.
    const wrongSize = withHeader(req, 'X-Square-Signature', docsSig(secret, url, body));
    expect(verify(square, wrongSize, [secret]).reason).toContain('HMAC-SHA1');
  });

  it('sign() output passes WebhooksHelper.verifySignature for the public URL', async () => {
    const req = { ...signed(NOW), body: Buffer.from('{"event_id":"e2","type":"refund.created"}') };
    const out = square.sign(req, ` ${secret}`, NOW, null);
    const sig = Object.fromEntries(out)['X-Square-HmacSha256-Signature']!;
    expect(
      await WebhooksHelper.verifySignature({
        requestBody: req.body.toString(),
        signatureHeader: sig,
        signatureKey: secret,
        notificationUrl: url,
      }),
    ).toBe(true);
    expect(
      await WebhooksHelper.verifySignature({
        requestBody: req.body.toString(),
        signatureHeader: sig,
        signatureKey: secret,
        notificationUrl: 'https://elsewhere.example/square?src=test',
      }),
    ).toBe(false);
    expect(out.filter(([n]) => /square/i.test(n))).toHaveLength(1);
  });

  it('sign() refreshes the legacy SHA-1 header when the delivery had one', () => {
    const req = withHeader(signed(NOW), 'X-Square-Signature', 'stale');
    const out = Object.fromEntries(square.sign(req, secret, NOW, null));
    expect(out['X-Square-Signature']).toBe(docsSig(secret, url, body, 'sha1'));
    expect(out['X-Square-HmacSha256-Signature']).toBe(docsSig(secret, url, body));
  });

  it('uses body.event_id as the idempotency key', () => {
    const req = signed(NOW);
    expect(square.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
      source: 'body.event_id',
    });
  });
});
