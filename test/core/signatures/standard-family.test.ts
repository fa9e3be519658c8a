import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { openai, standardWebhooks, svix } from '../../../src/core/signatures/standard-family';
import { input, NOW, pairs, verify } from './helpers';

// The published Standard Webhooks test vector (standard-webhooks spec, "Verifying" example).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const secret = 'whsec_' + Buffer.from('a-32-byte-test-secret-for-hooks!').toString('base64');
const body = readFileSync(new URL('../../fixtures/openai/batch.completed.json', import.meta.url));

describe('Standard Webhooks family', () => {
  it('accepts the published test vector', () => {
    const req = input({
      body: VECTOR.body,
      headers: [
        ['webhook-id', VECTOR.id],
        ['webhook-timestamp', VECTOR.timestamp],
        ['webhook-signature', VECTOR.signature],
      ],
    });
    const v = verify(standardWebhooks, req, [VECTOR.secret], {
      now: Number(VECTOR.timestamp) * 1000,
    });
    expect(v).toMatchObject({ status: 'valid' });
  });

  it('verifies what the standardwebhooks library signs, and the library verifies what we sign', () => {
    const wh = new StandardWebhook(secret);
    const ts = new Date(NOW);
    const sig = wh.sign('msg_1', ts, body.toString());
    const req = input({
      body,
      headers: [
        ['webhook-id', 'msg_1'],
        ['webhook-timestamp', String(NOW / 1000)],
        ['webhook-signature', sig],
      ],
    });
    expect(verify(standardWebhooks, req, [secret]).status).toBe('valid');

    const signed = standardWebhooks.sign(input({ body }), secret, Date.now(), null);
    const headers = Object.fromEntries(signed);
    expect(() => wh.verify(body.toString(), headers)).not.toThrow();
  });

  it('verifies OpenAI deliveries as the openai SDK signs them, and passes webhooks.unwrap', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', webhookSecret: secret });
    const signed = openai.sign(
      input({
        body,
        headers: [['User-Agent', 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)']],
      }),
      secret,
      Date.now(),
      null,
    );
    expect(openai.detect(new HeaderBag(signed))).toBe(true);
    const event = await client.webhooks.unwrap(body.toString(), Object.fromEntries(signed));
    expect(event.type).toBe('batch.completed');
    const req = input({ body, headers: signed });
    expect(verify(openai, req, [secret], { now: Date.now() }).status).toBe('valid');
  });

  it('verifies svix-signed deliveries and svix verifies ours', () => {
    const wh = new SvixWebhook(secret);
    const ts = new Date(NOW);
    const sig = wh.sign('msg_2', ts, body.toString());
    const req = input({
      body,
      headers: pairs({
        'svix-id': 'msg_2',
        'svix-timestamp': String(NOW / 1000),
        'svix-signature': sig,
      }),
    });
    expect(svix.detect(new HeaderBag(req.headers))).toBe(true);
    expect(verify(svix, req, [secret]).status).toBe('valid');
    const ours = Object.fromEntries(svix.sign(input({ body }), secret, Date.now(), null));
    expect(() => wh.verify(body.toString(), ours)).not.toThrow();
  });

  describe('verdicts with reasons', () => {
    const signedAt = (at: number, s = secret, b: string | Buffer = body) =>
      input({ body: b, headers: standardWebhooks.sign(input({ body: b }), s, at, null) });

    it('missing, no-secret and malformed', () => {
      expect(verify(standardWebhooks, input({ body }), [secret]).status).toBe('missing');
      expect(verify(standardWebhooks, signedAt(NOW), []).status).toBe('no-secret');
      const bad = input({
        body,
        headers: pairs({
          'webhook-id': 'x',
          'webhook-timestamp': 'yesterday',
          'webhook-signature': 'v1,abc',
        }),
      });
      expect(verify(standardWebhooks, bad, [secret])).toMatchObject({
        status: 'invalid',
        reason: expect.stringMatching(/Malformed webhook-signature header: .*Unix seconds/),
      });
      const notB64 = input({
        body,
        headers: pairs({
          'webhook-id': 'x',
          'webhook-timestamp': '1',
          'webhook-signature': 'v1,@@@',
        }),
      });
      expect(verify(standardWebhooks, notB64, [secret]).reason).toContain('is not "v1,<base64>"');
    });

    it('uses webhook-id as the idempotency key', () => {
      const req = signedAt(NOW);
      const key = standardWebhooks.idempotencyKey(req, new HeaderBag(req.headers), undefined);
      expect(key).toEqual({ key: expect.stringMatching(/^msg_/), source: 'webhook-id header' });
    });
  });
});

describe('timestamp tolerance', () => {
  it('counts the age in whole seconds: 400 ms old is inside a tolerance of 0 s, 1.4 s is not', () => {
    const secret = 'whsec_' + Buffer.from('tolerance-secret-32-bytes-long!!').toString('base64');
    const signed = (at: number) =>
      input({
        body: '{}',
        headers: standardWebhooks.sign(input({ body: '{}' }), secret, at, null),
      });
    // webhook-timestamp has whole seconds: sign on a second boundary.
    const at = Math.floor(NOW / 1000) * 1000;
    expect(
      verify(standardWebhooks, signed(at), [secret], { now: at + 400, toleranceSec: 0 }).status,
    ).toBe('valid');
    expect(
      verify(standardWebhooks, signed(at), [secret], { now: at + 1400, toleranceSec: 0 }).status,
    ).toBe('stale');
  });
});
