import { createHash, createHmac } from 'node:crypto';
import twilioSdk from 'twilio';
import { describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { twilio } from '../../../src/core/signatures/twilio';
import { header, withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { FORM, DOCS, JSON_VECTOR, token, other, url, params, signed } from './sign/twilio';

describe('Twilio', () => {
  it("accepts Twilio's documented example", () => {
    const req = input({
      body: new URLSearchParams(DOCS.params).toString(),
      url: DOCS.url,
      headers: [
        ['Content-Type', FORM],
        ['X-Twilio-Signature', DOCS.signature],
      ],
    });
    expect(verify(twilio, req, [DOCS.token]).status).toBe('valid');
    expect(twilioSdk.validateRequest(DOCS.token, DOCS.signature, DOCS.url, DOCS.params)).toBe(true);
    // Parameter order in the body does not matter (Twilio sorts by name).
    const reversed = new URLSearchParams(Object.entries(DOCS.params).reverse()).toString();
    expect(verify(twilio, { ...req, body: Buffer.from(reversed) }, [DOCS.token]).status).toBe(
      'valid',
    );
    // A different query string is a different signed URL.
    const otherUrl = { ...req, url: DOCS.url.replace('bar=2', 'bar=3') };
    const v = verify(twilio, otherUrl, [DOCS.token]);
    expect(v.status).toBe('invalid');
    expect(v.reason).toContain('"https://mycompany.com/myapp.php?foo=1&bar=3"');
  });

  describe('JSON bodies (bodySHA256 in the URL)', () => {
    const jsonUrl = `${DOCS.url}&bodySHA256=${JSON_VECTOR.bodySha256}`;
    const jsonReq = (body: string) =>
      input({
        body,
        url: jsonUrl,
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Twilio-Signature', JSON_VECTOR.signature],
        ],
      });

    it("accepts the libraries' published JSON vector and says the body matches", () => {
      expect(createHash('sha256').update(JSON_VECTOR.body).digest('hex')).toBe(
        JSON_VECTOR.bodySha256,
      );
      const v = verify(twilio, jsonReq(JSON_VECTOR.body), [DOCS.token]);
      expect(v.status).toBe('valid');
      expect(v.reason).toContain('The body matches the signed bodySHA256');
      expect(
        twilioSdk.validateRequestWithBody(
          DOCS.token,
          JSON_VECTOR.signature,
          jsonUrl,
          JSON_VECTOR.body,
        ),
      ).toBe(true);
    });

    it('says precisely that the body was changed when the URL signature holds but the hash does not', () => {
      const v = verify(twilio, jsonReq('{"property": "evil", "boolean": true}'), [DOCS.token]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toContain('The signature over the URL is genuine, but the body was changed');
      expect(v.reason).toContain(JSON_VECTOR.bodySha256);
    });

    it('with the wrong token, tells whether the body still matches its hash', () => {
      const good = verify(twilio, jsonReq(JSON_VECTOR.body), [other]);
      expect(good.status).toBe('invalid');
      expect(good.reason).toContain('The body does match the bodySHA256');
      const bad = verify(twilio, jsonReq('{}'), [other]);
      expect(bad.reason).toContain('does not match the bodySHA256 in the URL either');
    });

    it('sign() output passes validateRequestWithBody, and refuses a body the URL no longer binds', () => {
      const req = jsonReq(JSON_VECTOR.body);
      const sig = header(
        input({ headers: twilio.sign(req, DOCS.token, NOW, null) }),
        'x-twilio-signature',
      );
      expect(sig).toBe(JSON_VECTOR.signature);
      expect(twilioSdk.validateRequestWithBody(DOCS.token, sig, jsonUrl, JSON_VECTOR.body)).toBe(
        true,
      );
      const edited = { ...req, body: Buffer.from('{"edited":true}') };
      const want = createHash('sha256').update('{"edited":true}').digest('hex');
      expect(() => twilio.sign(edited, DOCS.token, NOW, null)).toThrow(HookscopeError);
      expect(() => twilio.sign(edited, DOCS.token, NOW, null)).toThrow(`bodySHA256=${want}`);
    });
  });

  it('tries the URL without and with the default port, as twilio-node does', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const req = input({
      body: new URLSearchParams(DOCS.params).toString(),
      url: withPort,
      headers: [
        ['Content-Type', FORM],
        ['X-Twilio-Signature', DOCS.signature],
      ],
    });
    expect(verify(twilio, req, [DOCS.token]).status).toBe('valid');
    const sigWithPort = twilioSdk.getExpectedTwilioSignature(DOCS.token, withPort, DOCS.params);
    const noPort = { ...withHeader(req, 'X-Twilio-Signature', sigWithPort), url: DOCS.url };
    expect(verify(twilio, noPort, [DOCS.token]).status).toBe('valid');
  });

  it('signs repeated parameters as their distinct values in sorted order', () => {
    const body = 'Tag=b&Tag=a&Tag=b&Name=x';
    const expected = createHmac('sha1', token).update(`${url}NamexTagaTagb`).digest('base64');
    expect(
      twilioSdk.getExpectedTwilioSignature(token, url, { Tag: ['b', 'a', 'b'], Name: 'x' }),
    ).toBe(expected);
    const req = input({
      body,
      url,
      headers: [
        ['content-type', `${FORM}; charset=utf-8`],
        ['x-twilio-signature', expected],
      ],
    });
    expect(verify(twilio, req, [token]).status).toBe('valid');
  });

  it('GET callbacks sign the URL only', () => {
    const getUrl = `${url}&CallStatus=completed`;
    const sig = twilioSdk.getExpectedTwilioSignature(token, getUrl, {});
    const req = input({ method: 'GET', url: getUrl, headers: [['X-Twilio-Signature', sig]] });
    const v = verify(twilio, req, [token]);
    expect(v.status).toBe('valid');
    expect(v.reason).not.toContain('does not cover');
  });

  it('says so when a valid signature does not cover a non-form body without bodySHA256', () => {
    const sig = twilioSdk.getExpectedTwilioSignature(token, url, {});
    const req = input({
      body: '{"unsigned":true}',
      url,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Twilio-Signature', sig],
      ],
    });
    const v = verify(twilio, req, [token]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('this signature does not cover it');
  });

  it('uses HMAC-SHA256 with the shared key when a Webhooks Rule announces it', () => {
    const sharedKey = 'rule-shared-key-secret';
    const sig = createHmac('sha256', sharedKey)
      .update(
        `${url}BodyHello & goodbye = 100% «ok»From+15005550006MessageSidSM1234567890abcdef1234567890abcdefNumMedia0To+15005550001`,
      )
      .digest('base64');
    const req = withHeader(
      withHeader(signed(NOW), 'X-Twilio-Signature', sig),
      'X-Twilio-Webhooks-Signature-Settings',
      'key=KS123,algorithm=HMAC_SHA256',
    );
    expect(verify(twilio, req, [token, sharedKey])).toMatchObject({
      status: 'valid',
      reason: expect.stringContaining('secret #2 of 2'),
    });
    const out = twilio.sign(req, sharedKey, NOW, null);
    expect(header(input({ headers: out }), 'x-twilio-signature')).toBe(sig);
    const unknown = withHeader(req, 'X-Twilio-Webhooks-Signature-Settings', 'algorithm=MD5');
    expect(verify(twilio, unknown, [sharedKey]).reason).toContain('unsupported algorithm');
  });

  it('sign() output passes twilio.validateRequest for a form POST', () => {
    const req = signed(NOW);
    const edited = new URLSearchParams({ ...params, Body: 'edited on replay' });
    const out = twilio.sign(
      { ...req, body: Buffer.from(edited.toString()) },
      `${token}\n`,
      NOW,
      null,
    );
    expect(out.map(([n]) => n)).toEqual([
      'Content-Type',
      'I-Twilio-Idempotency-Token',
      'X-Twilio-Signature',
    ]);
    const sig = header(input({ headers: out }), 'x-twilio-signature');
    expect(twilioSdk.validateRequest(token, sig, url, Object.fromEntries(edited))).toBe(true);
    expect(twilioSdk.validateRequest(token, sig, url, params)).toBe(false);
  });

  it('detects X-Twilio-Signature, distinct from SendGrid', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(twilio.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('twilio');
    expect(twilio.detect(new HeaderBag([['X-Twilio-Email-Event-Webhook-Signature', 'x']]))).toBe(
      false,
    );
  });

  it('uses I-Twilio-Idempotency-Token as the idempotency key', () => {
    const req = signed(NOW);
    expect(twilio.idempotencyKey(req, new HeaderBag(req.headers), undefined)).toEqual({
      key: 'a2a8b0a2-0d58-4bbb-9e48-0f3a6f6a3c11',
      source: 'I-Twilio-Idempotency-Token header',
    });
  });

  it('reads at most 1,000 form fields: a 25 MB form of empty fields is refused in words', () => {
    // Regression (attack F1): 25 MB of `&a=` held the receiver 6.5 s (12 million fields kept and sorted).
    const req = input({
      body: Buffer.from('&a='.repeat(8_000_000)),
      url: DOCS.url,
      headers: [
        ['Content-Type', FORM],
        ['X-Twilio-Signature', DOCS.signature],
      ],
    });
    expect(verify(twilio, req, [DOCS.token])).toEqual({
      status: 'invalid',
      reason:
        'Not checked: the form has more than 1,000 fields, and Hookscope reads at most that many (Twilio sends a few dozen), so this delivery was not sent by Twilio as it is.',
    });
    expect(() => twilio.sign(req, DOCS.token, NOW, null)).toThrow(/more than 1,000 fields/);
    // 1,000 fields are read and signed as usual.
    const params = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, `${i}`]));
    const sig = twilioSdk.getExpectedTwilioSignature(DOCS.token, DOCS.url, params);
    const ok = input({
      body: new URLSearchParams(params).toString(),
      url: DOCS.url,
      headers: [
        ['Content-Type', FORM],
        ['X-Twilio-Signature', sig],
      ],
    });
    expect(verify(twilio, ok, [DOCS.token]).status).toBe('valid');
  });
});
