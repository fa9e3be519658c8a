import { verifyKey } from 'discord-interactions';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { discord } from '../../../src/core/signatures/discord';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { header, withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { SIG, TS, mine, secret, other, body, signed } from './sign/discord';

describe('Discord', () => {
  it('the independent signer above is accepted by discord-interactions verifyKey', async () => {
    const req = signed(NOW);
    expect(await verifyKey(body, header(req, SIG), header(req, TS), secret)).toBe(true);
    expect(await verifyKey(body, header(req, SIG), header(req, TS), other)).toBe(false);
  });

  it('sign() refuses the public key, explaining that re-signing needs the private key', () => {
    expect(() => discord.sign(input({ body }), secret, NOW, null)).toThrow(HookscopeError);
    expect(() => discord.sign(input({ body }), secret, NOW, null)).toThrow(/private key/);
  });

  it('sign() with a private key (PEM or JWK) produces what verifyKey accepts', async () => {
    const pem = mine.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const jwk = JSON.stringify(mine.privateKey.export({ format: 'jwk' }));
    for (const key of [pem, jwk]) {
      const edited = '{"id":"2","type":1}';
      const out = discord.sign(
        input({ body: edited, headers: signed(NOW).headers }),
        key,
        NOW,
        null,
      );
      expect(out.map(([n]) => n)).toEqual(['Content-Type', 'User-Agent', SIG, TS]);
      const req = input({ body: edited, headers: out });
      expect(header(req, TS)).toBe(String(NOW / 1000));
      expect(await verifyKey(edited, header(req, SIG), header(req, TS), secret)).toBe(true);
      expect(verify(discord, req, [secret]).status).toBe('valid');
      // A private key configured as the secret also verifies (its public half is derived).
      expect(verify(discord, req, [key]).status).toBe('valid');
    }
  });

  it('accepts the public key as PEM too, and says why other secrets cannot be used', () => {
    const pem = mine.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verify(discord, signed(NOW), [pem]).status).toBe('valid');
    const hmacLike = verify(discord, signed(NOW), ['bot-token-or-client-secret']);
    expect(hmacLike.reason).toContain('secret #1: not an Ed25519 public key');
    expect(verify(discord, signed(NOW), ['abcd']).reason).toContain('64 hex digits');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    const ecPem = ec.export({ format: 'pem', type: 'spki' }).toString();
    expect(verify(discord, signed(NOW), [ecPem]).reason).toContain('Discord uses Ed25519');
  });

  it('malformed: the timestamp header is missing or not Unix seconds', () => {
    const noTs = verify(discord, withHeader(signed(NOW), TS, null), [secret]);
    expect(noTs).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('is missing'),
    });
    const iso = verify(discord, withHeader(signed(NOW), TS, '2026-11-27T12:00:00Z'), [secret]);
    expect(iso.reason).toContain('must be Unix seconds');
  });

  it('a changed timestamp breaks the signature (it is signed)', () => {
    const req = signed(NOW);
    const moved = withHeader(req, TS, String(NOW / 1000 + 1));
    expect(verify(discord, moved, [secret]).status).toBe('invalid');
  });

  it('detects both headers; one alone is not Discord', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(discord.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('discord');
    expect(discord.detect(new HeaderBag([[SIG, 'ab']]))).toBe(false);
  });

  it('uses the interaction id as the idempotency key; webhook events have none', () => {
    const req = signed(NOW);
    const h = new HeaderBag(req.headers);
    expect(discord.idempotencyKey(req, h, JSON.parse(body))).toEqual({
      key: '1186744735513862234',
      source: 'body.id',
    });
    const event = {
      version: 1,
      application_id: '1',
      type: 1,
      event: { type: 'APPLICATION_AUTHORIZED' },
    };
    expect(discord.idempotencyKey(req, h, event)).toBeNull();
  });
});
