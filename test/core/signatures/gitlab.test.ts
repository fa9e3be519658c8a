import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { gitlab } from '../../../src/core/signatures/gitlab';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { input, NOW, verify } from './helpers';

const token = 'glpat-like-secret-token';
const other = 'some-other-token';
const body = '{"object_kind":"push","ref":"refs/heads/main","project":{"name":"Diaspora ☂"}}';
const signingToken = 'whsec_' + Buffer.from('gitlab-signing-token-32-bytes-ok').toString('base64');

function delivery(t: string | null, extra: [string, string][] = []) {
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'GitLab/18.6.0'],
      ['X-Gitlab-Event', 'Push Hook'],
      ['X-Gitlab-Instance', 'https://gitlab.example.com'],
      ['X-Gitlab-Webhook-UUID', 'a7c6b1d2-0000-4000-8000-000000000001'],
      ['X-Gitlab-Event-UUID', 'f3e4d5c6-0000-4000-8000-000000000002'],
      ['Idempotency-Key', '908a6d9e-45fd-46c8-97e6-c4f350f219dd'],
      ...(t === null ? [] : ([['X-Gitlab-Token', t]] as [string, string][])),
      ...extra,
    ],
  });
}

/** Headers GitLab adds with a signing token (Standard Webhooks, webhook-id = Idempotency-Key). */
function signedHeaders(at: number, key = signingToken): [string, string][] {
  const id = '908a6d9e-45fd-46c8-97e6-c4f350f219dd';
  const sig = new Webhook(key).sign(id, new Date(at), body);
  return [
    ['webhook-id', id],
    ['webhook-timestamp', String(Math.floor(at / 1000))],
    ['webhook-signature', sig],
  ];
}

describe('GitLab', () => {
  it('valid when X-Gitlab-Token equals the configured token, and says the scheme is weak', () => {
    const v = verify(gitlab, delivery(token), [token]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('a plain token, not a signature');
    expect(gitlab.weakness).toContain('the body is not protected');
    expect(gitlab.defaultToleranceSec).toBeNull();
  });

  it('a changed body still passes: the token does not protect it', () => {
    const req = delivery(token);
    const v = verify(gitlab, { ...req, body: Buffer.from('{"forged":true}') }, [token]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('the body is not protected');
  });

  it('invalid for a wrong token, with a reason about the token (not the body)', () => {
    const v = verify(gitlab, delivery(other), [token]);
    expect(v).toMatchObject({ status: 'invalid' });
    expect(v.reason).toBe(
      'The X-Gitlab-Token header does not match the configured secret: the token is wrong or was rotated.',
    );
    expect(v.reason).not.toContain(other);
    expect(verify(gitlab, delivery(token.slice(0, -1)), [token]).status).toBe('invalid');
    expect(verify(gitlab, delivery(token + 'x'), [token]).status).toBe('invalid');
    expect(verify(gitlab, delivery(other), [token, 'third']).reason).toContain(
      'any of the 2 configured secrets',
    );
  });

  it('accepts the header sent twice when one value matches', () => {
    expect(verify(gitlab, delivery(other, [['x-gitlab-token', token]]), [token]).status).toBe(
      'valid',
    );
  });

  it('malformed (empty), missing and no-secret', () => {
    expect(verify(gitlab, delivery('  '), [token])).toMatchObject({
      status: 'invalid',
      reason: 'Malformed X-Gitlab-Token header: it is empty.',
    });
    const unsigned = delivery(null);
    expect(gitlab.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(gitlab, unsigned, [token])).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('Set a Secret token on the webhook in GitLab'),
    });
    expect(verify(gitlab, delivery(token), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() sets X-Gitlab-Token in place of the old one', () => {
    expect(verify(gitlab, delivery(token), [`  ${token}\n`]).status).toBe('valid');
    const req = delivery(other);
    const out = gitlab.sign(req, ` ${token} `, NOW, null);
    expect(out).toEqual([
      ...req.headers.filter(([n]) => n !== 'X-Gitlab-Token'),
      ['X-Gitlab-Token', token],
    ]);
  });

  it('idempotency: Idempotency-Key, else X-Gitlab-Event-UUID, else X-Gitlab-Webhook-UUID', () => {
    const req = delivery(token);
    const h = (drop: string[]) => new HeaderBag(req.headers.filter(([n]) => !drop.includes(n)));
    expect(gitlab.idempotencyKey(req, h([]), undefined)).toEqual({
      key: '908a6d9e-45fd-46c8-97e6-c4f350f219dd',
      source: 'Idempotency-Key header',
    });
    expect(gitlab.idempotencyKey(req, h(['Idempotency-Key']), undefined)?.source).toBe(
      'X-Gitlab-Event-UUID header',
    );
    expect(
      gitlab.idempotencyKey(req, h(['Idempotency-Key', 'X-Gitlab-Event-UUID']), undefined)?.source,
    ).toBe('X-Gitlab-Webhook-UUID header');
    expect(gitlab.idempotencyKey(req, new HeaderBag([]), undefined)).toBeNull();
  });

  describe('signing token (Standard Webhooks headers)', () => {
    it('verifies what the standardwebhooks library signs, stale when old', () => {
      const req = delivery(null, signedHeaders(NOW));
      expect(gitlab.detect(new HeaderBag(req.headers))).toBe(true);
      const v = verify(gitlab, req, [signingToken]);
      expect(v).toMatchObject({ status: 'valid' });
      expect(v.reason).not.toContain('plain token');
      expect(verify(gitlab, { ...req, body: Buffer.from('{}') }, [signingToken]).status).toBe(
        'invalid',
      );
      expect(
        verify(gitlab, delivery(null, signedHeaders(NOW - 600_000)), [signingToken]).status,
      ).toBe('stale');
    });

    it('with both headers, a matching signature wins; else a matching token is valid but says the signature failed', () => {
      expect(verify(gitlab, delivery(token, signedHeaders(NOW)), [signingToken]).status).toBe(
        'valid',
      );
      const v = verify(gitlab, delivery(token, signedHeaders(NOW)), [token]);
      expect(v.status).toBe('valid');
      expect(v.reason).toContain('The webhook-signature header did not verify');
      expect(verify(gitlab, delivery(other, signedHeaders(NOW)), [token]).status).toBe('invalid');
    });

    it('sign() with a whsec_ signing token produces headers the standardwebhooks library accepts', () => {
      const out = gitlab.sign(delivery(null), signingToken, Date.now(), null);
      const headers = Object.fromEntries(out.map(([n, v]) => [n.toLowerCase(), v]));
      expect(headers['webhook-id']).toBe('908a6d9e-45fd-46c8-97e6-c4f350f219dd');
      expect(headers['x-gitlab-token']).toBeUndefined();
      expect(() => new Webhook(signingToken).verify(body, headers)).not.toThrow();
    });
  });
});
