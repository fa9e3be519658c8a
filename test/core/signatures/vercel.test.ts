import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { vercel } from '../../../src/core/signatures/vercel';
import { input, NOW, verify } from './helpers';

const secret = 'vercel-webhook-secret-XYZ';
const body = JSON.stringify({
  id: 'uHjJ7s4qAB8XBzSq',
  type: 'deployment.succeeded',
  createdAt: 1795780800000,
  payload: { deployment: { id: 'dpl_1', name: 'café' } },
  region: 'iad1',
});

/** Independent oracle from Vercel's docs: hex HMAC-SHA1 of the raw body, no prefix. */
const oracle = (s: string, b: string | Buffer) => createHmac('sha1', s).update(b).digest('hex');

const delivery = (sig: string | null, b: string = body) =>
  input({
    body: b,
    headers: [
      ['content-type', 'application/json'],
      ...(sig === null ? [] : ([['x-vercel-signature', sig]] as [string, string][])),
    ],
  });

describe('Vercel', () => {
  it('malformed (including a SHA-256-length digest), missing and no-secret', () => {
    const sha256 = createHmac('sha256', secret).update(body).digest('hex');
    expect(verify(vercel, delivery(sha256), [secret]).reason).toContain(
      'decodes to 32 bytes, not the 20 of HMAC-SHA1',
    );
    expect(verify(vercel, delivery(`sha1=${oracle(secret, body)}`), [secret]).status).toBe(
      'invalid',
    );
    expect(verify(vercel, delivery(null), [secret]).status).toBe('missing');
    expect(verify(vercel, delivery(oracle(secret, body)), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces x-vercel-signature', () => {
    expect(verify(vercel, delivery(oracle(secret, body)), [` ${secret}`]).status).toBe('valid');
    expect(vercel.sign(delivery('old'), ` ${secret} `, NOW, null)).toEqual([
      ['content-type', 'application/json'],
      ['x-vercel-signature', oracle(secret, body)],
    ]);
  });

  it('uses body.id (the event id) as the idempotency key', () => {
    const req = delivery(oracle(secret, body));
    expect(vercel.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'uHjJ7s4qAB8XBzSq',
      source: 'body.id',
    });
  });
});
