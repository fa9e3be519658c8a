import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { typeform } from '../../../src/core/signatures/typeform';
import { input, NOW, verify } from './helpers';

const secret = 'a3f1c0d9e8b7a6958473625140f9e8d7c6b5a4f3'; // SecureRandom.hex(20), as Typeform suggests
const body = JSON.stringify({
  event_id: '01HXYZABCDEF',
  event_type: 'form_response',
  form_response: { form_id: 'lT4Z3j', answers: [{ type: 'text', text: 'Grüße 🌍' }] },
});

/** Independent oracle from Typeform's docs: `sha256=` + base64 HMAC-SHA256 of the raw body. */
const oracle = (s: string, b: string | Buffer) =>
  `sha256=${createHmac('sha256', s).update(b).digest('base64')}`;

const delivery = (sig: string | null, b: string = body) =>
  input({
    body: b,
    headers: [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Typeform Webhooks'],
      ...(sig === null ? [] : ([['Typeform-Signature', sig]] as [string, string][])),
    ],
  });

describe('Typeform', () => {
  it('malformed, missing and no-secret', () => {
    for (const bad of ['sha1=abc', 'sha256=***', oracle(secret, body).slice('sha256='.length)]) {
      expect(verify(typeform, delivery(bad), [secret]).reason).toMatch(
        /^Malformed Typeform-Signature header/,
      );
    }
    const unsigned = delivery(null);
    expect(typeform.detect(new HeaderBag(unsigned.headers))).toBe(false);
    expect(verify(typeform, unsigned, [secret])).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('Typeform signs only webhooks that have a secret set'),
    });
    expect(verify(typeform, delivery(oracle(secret, body)), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces Typeform-Signature, keeping the rest', () => {
    expect(verify(typeform, delivery(oracle(secret, body)), [`  ${secret}  `]).status).toBe(
      'valid',
    );
    const req = delivery('sha256=old');
    expect(typeform.sign(req, `${secret}\n`, NOW, null)).toEqual([
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Typeform Webhooks'],
      ['Typeform-Signature', oracle(secret, body)],
    ]);
  });

  it('detects Typeform and uses body.event_id as the idempotency key', () => {
    const req = delivery(oracle(secret, body));
    expect(typeform.detect(new HeaderBag(req.headers))).toBe(true);
    expect(typeform.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: '01HXYZABCDEF',
      source: 'body.event_id',
    });
    expect(typeform.idempotencyKey(req, new HeaderBag(req.headers), 'x')).toBeNull();
  });
});
