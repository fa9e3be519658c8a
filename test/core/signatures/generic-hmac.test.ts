import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { genericHmac } from '../../../src/core/signatures/generic-hmac';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { HookscopeError } from '../../../src/shared/errors';
import type { GenericHmacConfig } from '../../../src/shared/model';
import { input, NOW, verify } from './helpers';
import { bodyOnly } from './sign/saas';

const secret = 'generic-secret';
const other = 'generic-other';
const body = '{"event":"order.paid","amount":"12,50 €"}';

const withTs: GenericHmacConfig = {
  header: 'X-Acme-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: '',
  signed: 'timestamp+body',
  timestampHeader: 'X-Acme-Timestamp',
  separator: ':',
  timestampUnit: 'ms',
};

/** Independent oracles for the two configs. */
const sigBody = (s: string, b = body) =>
  `sha256=${createHmac('sha256', s).update(b).digest('hex')}`;
const sigTs = (s: string, ts: string, b = body) =>
  createHmac('sha512', s).update(`${ts}:${b}`).digest('base64');

const plain = (sig: string | null, b = body) =>
  input({ body: b, headers: sig === null ? [] : [['X-Signature', sig]] });
const stamped = (ms: number, s = secret) =>
  input({
    body,
    headers: [
      ['X-Acme-Timestamp', String(ms)],
      ['X-Acme-Signature', sigTs(s, String(ms))],
    ],
  });

describe('generic HMAC', () => {
  it('without settings: a clear invalid verdict, and sign() refuses', () => {
    expect(verify(genericHmac, plain(sigBody(secret)), [secret], { hmac: null })).toEqual({
      status: 'invalid',
      reason: expect.stringContaining('The generic-hmac settings are missing'),
    });
    expect(() => genericHmac.sign(plain(null), secret, NOW, null)).toThrow(HookscopeError);
    expect(genericHmac.detect(new HeaderBag(plain(sigBody(secret)).headers))).toBe(false);
  });

  it('incomplete settings are reported, not thrown', () => {
    const broken = { ...withTs, timestampHeader: undefined };
    expect(verify(genericHmac, stamped(NOW), [secret], { hmac: broken }).reason).toContain(
      'no timestamp header is set',
    );
    const badAlg = { ...bodyOnly, algorithm: 'md5' } as unknown as GenericHmacConfig;
    expect(
      verify(genericHmac, plain(sigBody(secret)), [secret], { hmac: badAlg }).reason,
    ).toContain('is not sha1, sha256 or sha512');
  });

  it("verifies GitHub's published example when configured like GitHub", () => {
    const req = input({
      body: 'Hello, World!',
      headers: [
        [
          'X-Hub-Signature-256',
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        ],
      ],
    });
    const cfg = { ...bodyOnly, header: 'x-hub-signature-256' };
    expect(verify(genericHmac, req, ["It's a Secret to Everybody"], { hmac: cfg }).status).toBe(
      'valid',
    );
  });

  describe('body only (sha256, hex, prefix)', () => {
    const opts = { hmac: bodyOnly };
    it('valid, weak without a timestamp', () => {
      const v = verify(genericHmac, plain(sigBody(secret)), [secret], opts);
      expect(v.status).toBe('valid');
      expect(v.reason).toContain('no timestamp is signed');
    });
    it('invalid for a changed body or wrong secret; rotated secrets name the match', () => {
      expect(verify(genericHmac, plain(sigBody(secret), body + ' '), [secret], opts).status).toBe(
        'invalid',
      );
      expect(verify(genericHmac, plain(sigBody(secret)), [other], opts).status).toBe('invalid');
      expect(verify(genericHmac, plain(sigBody(secret)), [other, secret], opts).reason).toContain(
        'secret #2 of 2',
      );
    });
    it('several signatures, malformed, missing, no-secret, whitespace', () => {
      expect(
        verify(genericHmac, plain(`${sigBody(other)} ${sigBody(secret)}`), [secret], opts).status,
      ).toBe('valid');
      expect(verify(genericHmac, plain('sha1=00'), [secret], opts).reason).toMatch(
        /^Malformed X-Signature header/,
      );
      expect(verify(genericHmac, plain(null), [secret], opts).status).toBe('missing');
      expect(verify(genericHmac, plain(sigBody(secret)), [], opts).status).toBe('no-secret');
      expect(verify(genericHmac, plain(sigBody(secret)), [` ${secret} `], opts).status).toBe(
        'valid',
      );
    });
    it('SHA-1 is called weak', () => {
      const cfg = { ...bodyOnly, algorithm: 'sha1' as const, prefix: '' };
      const sig = createHmac('sha1', secret).update(body).digest('hex');
      expect(verify(genericHmac, plain(sig), [secret], { hmac: cfg }).reason).toContain(
        'HMAC-SHA1',
      );
    });
    it('sign() follows the settings', () => {
      expect(genericHmac.sign(plain('old'), ` ${secret}`, NOW, bodyOnly)).toEqual([
        ['X-Signature', sigBody(secret)],
      ]);
    });
  });

  describe('timestamp + body (sha512, base64, ms, ":" separator)', () => {
    const opts = { hmac: withTs };
    it('valid, not weak', () => {
      expect(verify(genericHmac, stamped(NOW), [secret], opts)).toEqual({
        status: 'valid',
        reason: 'Signature matches the configured secret.',
      });
    });
    it('invalid when the signed timestamp changed', () => {
      const req = stamped(NOW);
      const moved = {
        ...req,
        headers: req.headers.map(([n, v]): [string, string] => [
          n,
          n === 'X-Acme-Timestamp' ? String(NOW + 1) : v,
        ]),
      };
      expect(verify(genericHmac, moved, [secret], opts).status).toBe('invalid');
    });
    it('stale when old or in the future (unit ms)', () => {
      expect(verify(genericHmac, stamped(NOW - 301_000), [secret], opts)).toMatchObject({
        status: 'stale',
        reason: expect.stringContaining('301 s old'),
      });
      expect(verify(genericHmac, stamped(NOW + 500_000), [secret], opts)).toMatchObject({
        status: 'future',
        reason: expect.stringContaining('500 s in the future'),
      });
      expect(verify(genericHmac, stamped(NOW - 100_000), [secret], opts).status).toBe('valid');
    });
    it('malformed timestamp', () => {
      const req = input({ body, headers: [['X-Acme-Signature', sigTs(secret, 'x')]] });
      expect(verify(genericHmac, req, [secret], opts).reason).toContain(
        'the X-Acme-Timestamp header it signs must be Unix milliseconds, got nothing',
      );
    });
    it('sign() sets the timestamp in the configured unit', () => {
      const out = genericHmac.sign(input({ body, headers: [['A', '1']] }), secret, NOW, withTs);
      expect(out).toEqual([
        ['A', '1'],
        ['X-Acme-Timestamp', String(NOW)],
        ['X-Acme-Signature', sigTs(secret, String(NOW))],
      ]);
      const secs = genericHmac.sign(input({ body }), secret, NOW + 999, {
        ...withTs,
        timestampUnit: 's',
      });
      expect(secs[0]).toEqual(['X-Acme-Timestamp', String(NOW / 1000)]);
    });
  });

  it('has no idempotency key of its own', () => {
    expect(genericHmac.idempotencyKey(plain(null), new HeaderBag([]), { id: 'x' })).toBeNull();
  });
});
