import { describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { mailgun } from '../../../src/core/signatures/mailgun';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { input, NOW, verify } from './helpers';
import {
  secret,
  other,
  parentKey,
  token,
  docsHex,
  jsonDelivery,
  signed,
  editSignature,
} from './sign/mailgun';

describe('Mailgun', () => {
  it('the event data is NOT signed: changing it keeps the verdict valid, and the reason says so', () => {
    const req = signed(NOW);
    const forged = editSignature(req, (s) => s);
    const body = JSON.parse(forged.body.toString()) as Record<string, unknown>;
    body['event-data'] = { event: 'failed', severity: 'permanent', recipient: 'eve@example.com' };
    const v = verify(mailgun, { ...forged, body: Buffer.from(JSON.stringify(body)) }, [secret]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('not the event data');
  });

  it('the reason for a mismatch names what Mailgun signs', () => {
    const v = verify(mailgun, signed(NOW), [other]);
    expect(v.reason).toContain('timestamp or token were changed');
    expect(v.reason).not.toContain('header');
  });

  it('verifies a subaccount delivery through parent-signature with the primary account key', () => {
    const ts = String(NOW / 1000);
    const req = jsonDelivery({
      token,
      timestamp: ts,
      signature: docsHex('key-subaccount', ts, token),
      'parent-signature': docsHex(parentKey, ts, token),
    });
    expect(verify(mailgun, req, [parentKey]).status).toBe('valid');
    expect(verify(mailgun, req, ['key-subaccount']).status).toBe('valid');
    expect(verify(mailgun, req, [other]).status).toBe('invalid');
  });

  it('reads legacy urlencoded and multipart form fields', () => {
    const ts = String(NOW / 1000);
    const fields = {
      timestamp: ts,
      token,
      signature: docsHex(secret, ts, token),
      event: 'delivered',
    };
    const form = input({
      body: new URLSearchParams(fields).toString(),
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    });
    expect(verify(mailgun, form, [secret]).status).toBe('valid');
    expect(mailgun.idempotencyKey(form, new HeaderBag(form.headers), undefined)).toEqual({
      key: token,
      source: 'token form field',
    });

    const boundary = '----mailgun-boundary-42';
    const parts = Object.entries(fields).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    const attachment = `--${boundary}\r\nContent-Disposition: form-data; name="attachment-1"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001name="token"\r\n`;
    const multipart = input({
      body: [attachment, ...parts, `--${boundary}--\r\n`].join(''),
      headers: [['Content-Type', `multipart/form-data; boundary="${boundary}"`]],
    });
    expect(verify(mailgun, multipart, [secret]).status).toBe('valid');
    const wrong = verify(mailgun, multipart, [other]);
    expect(wrong.status).toBe('invalid');
  });

  it('missing for an unsigned or non-Mailgun body, saying where Mailgun puts the signature', () => {
    for (const body of ['', 'plain text', '{"event-data":{}}', '[1,2]']) {
      const v = verify(mailgun, input({ body, headers: [['Content-Type', 'application/json']] }), [
        secret,
      ]);
      expect(v.status).toBe('missing');
      expect(v.reason).toContain('No Mailgun signature in the body');
    }
  });

  it('malformed when a signed field is missing or the timestamp is not Unix seconds', () => {
    const noToken = editSignature(signed(NOW), ({ token: _t, ...s }) => s);
    expect(verify(mailgun, noToken, [secret]).reason).toContain('the token it signs is missing');
    const isoTs = editSignature(signed(NOW), (s) => ({ ...s, timestamp: '2026-11-27' }));
    expect(verify(mailgun, isoTs, [secret])).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('timestamp must be Unix seconds'),
    });
  });

  it('a numeric timestamp (the docs type it as int) verifies like the string', () => {
    const ts = NOW / 1000;
    const req = input({
      body: JSON.stringify({
        signature: { timestamp: ts, token, signature: docsHex(secret, String(ts), token) },
      }),
    });
    expect(verify(mailgun, req, [secret]).status).toBe('valid');
  });

  it('cannot be detected from headers, so auto never picks it', () => {
    const req = signed(NOW);
    expect(mailgun.detect(new HeaderBag(req.headers))).toBe(false);
    expect(
      resolveScheme('auto', new HeaderBag([['User-Agent', 'mailgun/treq-16.12.0']])),
    ).toBeNull();
  });

  it('sign() throws: the signature lives in the body, which re-signing cannot rewrite', () => {
    expect(() => mailgun.sign(signed(NOW), secret, NOW, null)).toThrow(HookscopeError);
    expect(() => mailgun.sign(signed(NOW), secret, NOW, null)).toThrow(/in the body/);
  });

  it('uses signature.token as the idempotency key', () => {
    const req = signed(NOW);
    const json: unknown = JSON.parse(req.body.toString());
    expect(mailgun.idempotencyKey(req, new HeaderBag(req.headers), json)).toEqual({
      key: token,
      source: 'body.signature.token',
    });
    const none = input({ body: '{"event-data":{}}' });
    expect(mailgun.idempotencyKey(none, new HeaderBag([]), { 'event-data': {} })).toBeNull();
  });

  it('searches the first 1,000 fields of a form, and says so when the form has more', () => {
    // Regression (attack F1): 25 MB of `&a=` held the receiver 12 s (every field decoded).
    const ts = String(NOW / 1000);
    const signedFields = `timestamp=${ts}&token=${token}&signature=${docsHex(secret, ts, token)}`;
    const headers: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']];
    const late = input({
      body: Buffer.from('&a='.repeat(8_000_000) + '&' + signedFields),
      headers,
    });
    expect(verify(mailgun, late, [secret])).toEqual({
      status: 'missing',
      reason:
        'No Mailgun signature in the body (a JSON "signature" object with timestamp, token and signature, or timestamp/token/signature form fields): this delivery is unsigned or was not sent by Mailgun. Only the first 1,000 fields of this form were searched: it has more.',
    });
    const early = input({ body: signedFields + '&a='.repeat(2000), headers });
    expect(verify(mailgun, early, [secret]).status).toBe('valid');
  });
});
