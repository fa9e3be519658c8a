import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { sendgrid } from '../../../src/core/signatures/sendgrid';
import { header, withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { SIG, TS, VECTOR, ew, mine, b64, secret, body, signed } from './sign/sendgrid';

describe('SendGrid', () => {
  it('accepts the published vector, as does the official library', () => {
    const req = input({
      body: VECTOR.payload,
      headers: [
        [SIG, VECTOR.signature],
        [TS, VECTOR.timestamp],
      ],
    });
    const now = Number(VECTOR.timestamp) * 1000;
    expect(verify(sendgrid, req, [VECTOR.publicKey], { now }).status).toBe('valid');
    const key = ew.convertPublicKeyToECDSA(VECTOR.publicKey);
    expect(ew.verifySignature(key, VECTOR.payload, VECTOR.signature, VECTOR.timestamp)).toBe(true);
    const tampered = { ...req, body: Buffer.from(VECTOR.payload.replace('test_event', 'x')) };
    expect(verify(sendgrid, tampered, [VECTOR.publicKey], { now }).status).toBe('invalid');
  });

  it('the independent signer above is accepted by the official library', () => {
    const req = signed(NOW);
    const key = ew.convertPublicKeyToECDSA(secret);
    expect(ew.verifySignature(key, body, header(req, SIG), header(req, TS))).toBe(true);
  });

  it('accepts the key as PEM, and a private key (PEM or JWK) also verifies', () => {
    const pem = mine.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verify(sendgrid, signed(NOW), [pem]).status).toBe('valid');
    const privPem = mine.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(verify(sendgrid, signed(NOW), [privPem]).status).toBe('valid');
    const jwk = JSON.stringify(mine.privateKey.export({ format: 'jwk' }));
    expect(verify(sendgrid, signed(NOW), [jwk]).status).toBe('valid');
  });

  it('says why an HMAC-style secret or another key type cannot be used', () => {
    const v = verify(sendgrid, signed(NOW), ['my-shared-secret']);
    expect(v.status).toBe('invalid');
    expect(v.reason).toContain('secret #1: not an ECDSA P-256 key');
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(verify(sendgrid, signed(NOW), [b64(ed)]).reason).toContain('SendGrid uses ECDSA P-256');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    expect(verify(sendgrid, signed(NOW), [b64(k1)]).reason).toContain('SendGrid uses ECDSA P-256');
  });

  it('malformed: signature not base64, timestamp missing', () => {
    const notB64 = verify(sendgrid, withHeader(signed(NOW), SIG, '!!!'), [secret]);
    expect(notB64.reason).toContain('expected a base64 ECDSA signature');
    const noTs = verify(sendgrid, withHeader(signed(NOW), TS, null), [secret]);
    expect(noTs).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('is missing'),
    });
  });

  it('sign() refuses the public verification key with an explanation', () => {
    expect(() => sendgrid.sign(input({ body }), secret, NOW, null)).toThrow(HookscopeError);
    expect(() => sendgrid.sign(input({ body }), secret, NOW, null)).toThrow(/private key/);
    expect(() => sendgrid.sign(input({ body }), 'nonsense', NOW, null)).toThrow(/P-256/);
  });

  it('sign() with a private key produces headers the official library accepts', () => {
    const privPem = mine.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const edited = '[{"event":"bounce","sg_event_id":"x"}]';
    const out = sendgrid.sign(
      input({ body: edited, headers: signed(NOW).headers }),
      privPem,
      NOW,
      null,
    );
    expect(out.map(([n]) => n)).toEqual(['Content-Type', SIG, TS]);
    const req = input({ body: edited, headers: out });
    expect(header(req, TS)).toBe(String(NOW / 1000));
    const key = ew.convertPublicKeyToECDSA(secret);
    expect(ew.verifySignature(key, edited, header(req, SIG), header(req, TS))).toBe(true);
    expect(verify(sendgrid, req, [secret]).status).toBe('valid');
    // A base64 PKCS#8 DER private key (no PEM armour) signs too.
    const der = mine.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const out2 = input({ body: edited, headers: sendgrid.sign(req, der, NOW, null) });
    expect(ew.verifySignature(key, edited, header(out2, SIG), header(out2, TS))).toBe(true);
  });

  it('detects the SendGrid header before Twilio in auto mode', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(sendgrid.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('sendgrid');
  });

  it('idempotency: the sg_event_id of a single event, or a key for the whole batch', () => {
    const req = signed(NOW);
    const h = new HeaderBag(req.headers);
    const batch = sendgrid.idempotencyKey(req, h, JSON.parse(body));
    expect(batch).toEqual({
      key: expect.stringMatching(/^ZGVsaXZlcmVk-1\+1:[0-9a-f]{16}$/),
      source: 'sg_event_id of the 2 events',
    });
    // Deterministic for the same batch, different for another one.
    expect(sendgrid.idempotencyKey(req, h, JSON.parse(body))).toEqual(batch);
    const reordered = JSON.parse(body).reverse();
    expect(sendgrid.idempotencyKey(req, h, reordered)?.key).not.toBe(batch?.key);
    expect(sendgrid.idempotencyKey(req, h, [{ sg_event_id: 'only' }])).toEqual({
      key: 'only',
      source: 'body[0].sg_event_id',
    });
    expect(sendgrid.idempotencyKey(req, h, [{ event: 'x' }])).toBeNull();
    expect(sendgrid.idempotencyKey(req, h, { sg_event_id: 'not-an-array' })).toBeNull();
  });
});
