import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { linear } from '../../../src/core/signatures/linear';
import { input, NOW, verify } from './helpers';

const secret = 'lin_wh_5e1f0a2b3c4d';
const other = 'lin_wh_other';

/** Independent oracle (Linear's SDK and docs): hex HMAC-SHA256 of the raw body. */
const oracle = (s: string, b: string) => createHmac('sha256', s).update(b).digest('hex');

const bodyAt = (ms: number) =>
  JSON.stringify({
    action: 'create',
    type: 'Issue',
    data: { id: 'abc', title: 'Ünïcode ✓' },
    url: 'https://linear.app/x/issue/ENG-1',
    createdAt: '2026-11-27T12:00:00.000Z',
    webhookTimestamp: ms,
    webhookId: 'wh-1',
  });

function at(ms: number, s = secret) {
  const body = bodyAt(ms);
  return input({
    body,
    headers: [
      ['User-Agent', 'Linear-Webhook'],
      ['Linear-Delivery', '234d1a4e-b617-4388-90fe-adc3633d6b72'],
      ['Linear-Event', 'Issue'],
      ['Linear-Signature', oracle(s, body)],
    ],
  });
}

const set = (req: ReturnType<typeof input>, name: string, value: string) => ({
  ...req,
  headers: req.headers.map(([n, v]): [string, string] => [n, n === name ? value : v]),
});

describe('Linear', () => {
  it('invalid without webhookTimestamp even when the signature matches, as Linear’s SDK (v98) says', () => {
    // @linear/sdk is not installed here: its rule ("Missing webhook timestamp") is reproduced
    // from its documented behaviour.
    for (const body of [
      '{"action":"remove","type":"Comment"}',
      '{"action":"remove","webhookTimestamp":"1764244800000"}', // not a number of ms
      'not json',
    ]) {
      const req = input({ body, headers: [['Linear-Signature', oracle(secret, body)]] });
      const v = verify(linear, req, [secret]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toMatch(
        /^Signature matches the configured secret, but the body has no webhookTimestamp/,
      );
      expect(v.reason).toContain('"Missing webhook timestamp"');
      const wrong = verify(linear, req, [other]);
      expect(wrong.status).toBe('invalid');
      expect(wrong.reason).toContain('Also, the body has no webhookTimestamp');
      expect(verify(linear, req, []).status).toBe('no-secret');
    }
  });

  it('malformed, missing and no-secret', () => {
    const req = at(NOW);
    expect(verify(linear, set(req, 'Linear-Signature', 'sha256=abc'), [secret]).reason).toMatch(
      /^Malformed Linear-Signature header/,
    );
    const unsigned = { ...req, headers: req.headers.filter(([n]) => n !== 'Linear-Signature') };
    expect(linear.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(linear, unsigned, [secret]).status).toBe('missing');
    expect(verify(linear, req, []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces Linear-Signature and keeps the rest in order', () => {
    expect(verify(linear, at(NOW), [`\t${secret}\t`]).status).toBe('valid');
    const req = at(NOW);
    const out = linear.sign(req, ` ${secret} `, NOW, null);
    expect(out).toEqual([
      ...req.headers.filter(([n]) => n !== 'Linear-Signature'),
      ['Linear-Signature', oracle(secret, bodyAt(NOW))],
    ]);
  });

  it('uses Linear-Delivery as the idempotency key', () => {
    const req = at(NOW);
    expect(linear.idempotencyKey(req, new HeaderBag(req.headers), undefined)).toEqual({
      key: '234d1a4e-b617-4388-90fe-adc3633d6b72',
      source: 'Linear-Delivery header',
    });
  });
});
