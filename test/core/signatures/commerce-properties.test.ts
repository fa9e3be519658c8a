import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { schemeList } from '../../../src/core/signatures/registry';
import { HeaderBag } from '../../../src/core/signatures/headers';
import type { SignatureInput, VerifyContext } from '../../../src/core/signatures/types';

/** The commerce schemes: the first nine in the catalogue's detection order. */
const commerceSchemes = schemeList.slice(0, 9);

const STATUSES = ['valid', 'invalid', 'stale', 'future', 'missing', 'no-secret'];

/** Every header name a scheme of this group reads, in several spellings. */
const NAMES = [
  'Stripe-Signature',
  'X-Shopify-Hmac-Sha256',
  'X-Shopify-Topic',
  'Shopify-Hmac-Sha256',
  'Shopify-Webhook-Id',
  'X-Shopify-Event-Id',
  'X-Shopify-Webhook-Id',
  'Paddle-Signature',
  'X-Signature',
  'X-Event-Name',
  'X-Square-HmacSha256-Signature',
  'X-Square-Signature',
  'X-Twilio-Signature',
  'X-Twilio-Webhooks-Signature-Settings',
  'I-Twilio-Idempotency-Token',
  'X-Twilio-Email-Event-Webhook-Signature',
  'X-Twilio-Email-Event-Webhook-Timestamp',
  'X-Signature-Ed25519',
  'X-Signature-Timestamp',
  'Content-Type',
  'User-Agent',
];

const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ed = generateKeyPairSync('ed25519');
/** Real keys of every kind, so the asymmetric paths are reached too. */
const KEYS = [
  ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  JSON.stringify(ec.privateKey.export({ format: 'jwk' })),
  ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex'),
  ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  '-----BEGIN PUBLIC KEY-----\nnot really\n-----END PUBLIC KEY-----',
  '{"kty":"EC","crv":"P-256","x":"@@","y":"!!"}',
  'whsec_abc',
];

/** Keys to sign with and to verify with, per scheme that can re-sign. */
const ROUND_TRIP: Record<string, { sign: string; verify: string } | undefined> = {
  stripe: { sign: 'whsec_k', verify: 'whsec_k' },
  shopify: { sign: 'k', verify: 'k' },
  paddle: { sign: 'k', verify: 'k' },
  lemonsqueezy: { sign: 'k', verify: 'k' },
  square: { sign: 'k', verify: 'k' },
  twilio: { sign: 'k', verify: 'k' },
  sendgrid: { sign: KEYS[1]!, verify: KEYS[0]! },
  discord: { sign: KEYS[4]!, verify: KEYS[3]! },
};

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 140 });
const digits = fc.stringMatching(/^-?\d{0,25}$/);
const weird = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', ' ', '\r\n', '=', ';', ',', 'v1=', 't=', 'ts=;h1=', '\u0000', '\uD800', 'é'),
  fc.constant('x'.repeat(100_000)),
  fc.constant('a=b,'.repeat(20_000)),
);
const value = fc.oneof(
  weird,
  hex,
  digits,
  fc.base64String({ maxLength: 120 }),
  fc.tuple(digits, hex, hex).map(([t, a, b]) => `t=${t},v1=${a},v1=${b},v0=${a}`),
  fc.tuple(digits, hex).map(([t, a]) => `ts=${t};h1=${a};h1=`),
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'multipart/form-data; boundary=b',
    'multipart/form-data; boundary="x y"',
    'multipart/form-data',
    'key=k,algorithm=HMAC_SHA256',
    'algorithm=',
  ),
);
const headers = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 30 })), value),
  { maxLength: 12 },
);

const mailgunish = fc
  .record({
    timestamp: fc.oneof(digits, fc.integer(), fc.double(), fc.constant(null)),
    token: fc.oneof(fc.string(), fc.integer()),
    signature: fc.oneof(hex, fc.string(), fc.constant([])),
    'parent-signature': fc.oneof(hex, fc.constant(undefined)),
  })
  .map((signature) => JSON.stringify({ signature, 'event-data': {} }));
const multipart = fc
  .array(fc.tuple(fc.constantFrom('timestamp', 'token', 'signature', 'x'), weird), { maxLength: 5 })
  .map(
    (parts) =>
      parts
        .map(([n, v]) => `--b\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
        .join('') + (parts.length % 2 ? '--b--' : ''),
  );
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc.json().map((s) => Buffer.from(s)),
  mailgunish.map((s) => Buffer.from(s)),
  multipart.map((s) => Buffer.from(s)),
  fc
    .array(fc.tuple(weird, weird), { maxLength: 6 })
    .map((kv) => Buffer.from(new URLSearchParams(kv).toString())),
  fc.jsonValue().map((j) => Buffer.from(JSON.stringify([{ sg_event_id: j }, j]) ?? '')),
);
const secrets = fc.array(fc.oneof(fc.string({ maxLength: 80 }), hex, fc.constantFrom(...KEYS)), {
  maxLength: 3,
});
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  weird,
  hex.map((h) => `https://x.example:8443/p?bodySHA256=${h}&a=1`),
  fc.constant('http://[::1]:99/x?bodySHA256'),
);

const request = fc.record({
  method: fc.constantFrom('POST', 'GET', 'PUT'),
  headers,
  body,
  url,
});

function parse(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

describe('commerce schemes never throw on arbitrary input', () => {
  for (const scheme of commerceSchemes) {
    it(`${scheme.id}: verify() always returns a known status with a reason; idempotencyKey() and detect() never throw`, () => {
      fc.assert(
        fc.property(
          request,
          secrets,
          fc.integer({ min: -1e15, max: 1e15 }),
          fc.nat(1e9),
          fc.anything(),
          (r, secretList, now, toleranceSec, json) => {
            const req: SignatureInput = { ...r, path: '/p', query: '' };
            const h = new HeaderBag(req.headers);
            const ctx: VerifyContext = {
              secrets: secretList.map((s) => s.trim()).filter(Boolean),
              now,
              toleranceSec,
              hmac: null,
            };
            const v = scheme.verify(req, h, ctx);
            expect(STATUSES).toContain(v.status);
            expect(typeof v.reason).toBe('string');
            expect(v.reason.trim().length).toBeGreaterThan(0);
            expect(typeof scheme.detect(h)).toBe('boolean');
            for (const j of [parse(req.body), json]) {
              const key = scheme.idempotencyKey(req, h, j);
              if (key !== null) {
                expect(typeof key.key).toBe('string');
                expect(key.key.length).toBeGreaterThan(0);
                expect(key.source.length).toBeGreaterThan(0);
              }
            }
          },
        ),
        { numRuns: 250 },
      );
    });

    const keys = ROUND_TRIP[scheme.id];
    if (keys) {
      it(`${scheme.id}: what sign() produces verifies, and a changed body does not`, () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
            fc.webUrl({ withQueryParameters: true }),
            fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), fc.string()), {
              maxLength: 5,
            }),
            fc.integer({ min: 1e12, max: 4e12 }),
            fc.nat(),
            (b, u, extra, now, at) => {
              const req: SignatureInput = {
                method: 'POST',
                path: '/p',
                query: '',
                headers: extra,
                body: b,
                url: u,
              };
              const out = scheme.sign(req, keys.sign, now, null);
              const signed = { ...req, headers: out };
              const ctx: VerifyContext = {
                secrets: [keys.verify],
                now,
                toleranceSec: scheme.defaultToleranceSec ?? 300,
                hmac: null,
              };
              const v = scheme.verify(signed, new HeaderBag(out), ctx);
              expect(v.status, v.reason).toBe('valid');
              if (b.length > 0 && scheme.id !== 'twilio') {
                const flipped = Buffer.from(b);
                flipped[at % b.length]! ^= 1;
                const bad = scheme.verify({ ...signed, body: flipped }, new HeaderBag(out), ctx);
                expect(bad.status).toBe('invalid');
              }
            },
          ),
          { numRuns: 150 },
        );
      });
    }

    it(`${scheme.id}: sign() returns a header list or throws HookscopeError, nothing else`, () => {
      fc.assert(
        fc.property(
          request,
          fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...KEYS)),
          (r, secret) => {
            const req: SignatureInput = { ...r, path: '/p', query: '' };
            try {
              const out = scheme.sign(req, secret, 1_795_780_800_000, null);
              expect(Array.isArray(out)).toBe(true);
            } catch (err) {
              expect(err).toBeInstanceOf(HookscopeError);
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
