import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { resolveScheme, schemeList } from '../../../src/core/signatures/registry';
import type { SignatureInput, VerifyContext } from '../../../src/core/signatures/types';
import { HookscopeError } from '../../../src/shared/errors';
import { SignatureStatus, type GenericHmacConfig } from '../../../src/shared/model';

/** Header names the schemes of this group read. */
const REAL = [
  'X-GitHub-Event',
  'X-GitHub-Delivery',
  'X-Hub-Signature-256',
  'X-Hub-Signature',
  'X-Gitlab-Event',
  'X-Gitlab-Token',
  'Idempotency-Key',
  'X-Gitlab-Event-UUID',
  'X-Gitlab-Webhook-UUID',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'X-Slack-Signature',
  'X-Slack-Request-Timestamp',
  'Linear-Signature',
  'Linear-Delivery',
  'x-zm-signature',
  'x-zm-request-timestamp',
  'User-Agent',
  'Typeform-Signature',
  'X-HubSpot-Signature-v3',
  'X-HubSpot-Request-Timestamp',
  'X-HubSpot-Signature',
  'X-HubSpot-Signature-Version',
  'x-vercel-signature',
  'X-Atlassian-Webhook-Identifier',
  'X-Signature',
  'X-Timestamp',
];

const hex = fc.uint8Array({ maxLength: 70 }).map((b) => Buffer.from(b).toString('hex'));
const b64 = fc.uint8Array({ maxLength: 70 }).map((b) => Buffer.from(b).toString('base64'));
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({
    unit: fc.constantFrom('\r', '\n', '\0', ' ', ',', '=', '%', 'é', '🚀', '\u2028', 'a'),
  }),
  fc.string({
    minLength: 5000,
    maxLength: 70000,
    unit: fc.constantFrom('a', 'f', '0', '=', ',', ' '),
  }),
);
const value = fc.oneof(
  nasty,
  fc
    .tuple(
      fc.constantFrom('sha256=', 'sha1=', 'sha512=', 'v0=', 'v1,', 'md5=', ''),
      fc.oneof(hex, b64),
    )
    .map(([p, s]) => p + s),
  fc.oneof(fc.integer(), fc.bigInt(), fc.double()).map(String),
  fc.constantFrom('Intercom-Webhooks-Bot', 'whsec_abc', 'v1', 'v2', 'v3', 'GitHub-Hookshot/1'),
);
const name = fc.oneof(
  fc.constantFrom(...REAL),
  fc.constantFrom(...REAL).map((n) => n.toUpperCase()),
  fc.string(),
);
const headers = fc.array(fc.tuple(name, value), { maxLength: 14 });
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((j) => Buffer.from(JSON.stringify(j) ?? 'null')),
  fc
    .record({
      webhookTimestamp: fc.oneof(fc.integer(), fc.double(), fc.string()),
      event_id: fc.string(),
    })
    .map((j) => Buffer.from(JSON.stringify(j))),
);
const secret = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constant('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
);
const hmacConfig: fc.Arbitrary<GenericHmacConfig | null> = fc.option(
  fc.record({
    header: fc.oneof(fc.constantFrom(...REAL), fc.string()),
    algorithm: fc.constantFrom('sha1', 'sha256', 'sha512', 'md5', ''),
    encoding: fc.constantFrom('hex', 'base64', 'base32'),
    prefix: fc.oneof(
      fc.constantFrom('', 'sha256=', 'v1=', 'Bearer ', ' , '),
      fc.string({ maxLength: 50 }),
    ),
    signed: fc.constantFrom('body', 'timestamp+body'),
    timestampHeader: fc.option(fc.oneof(fc.constantFrom(...REAL), fc.string()), { nil: undefined }),
    separator: fc.string({ maxLength: 8 }),
    timestampUnit: fc.constantFrom('s', 'ms'),
  }) as fc.Arbitrary<GenericHmacConfig>,
);
const request = fc.record({
  method: fc.oneof(fc.constantFrom('POST', 'GET', 'PUT'), fc.string()),
  path: fc.string(),
  query: fc.string(),
  headers,
  body,
  url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string()),
}) as fc.Arbitrary<SignatureInput>;
const context = fc.record({
  secrets: fc.array(secret, { maxLength: 3 }).map((s) => s.map((x) => x.trim()).filter(Boolean)),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  toleranceSec: fc.integer({ min: 0, max: 100_000 }),
  hmac: hmacConfig,
}) as fc.Arbitrary<VerifyContext>;

/** The git/SaaS schemes: positions 10 to 20 in the catalogue's detection order. */
const gitSaasSchemes = schemeList.slice(9, 20);

const STATUSES = SignatureStatus.options.filter((s) => s !== 'none');

describe('git/SaaS schemes never throw on arbitrary input', () => {
  it('covers the whole group', () => {
    expect(gitSaasSchemes.map((s) => s.id)).toEqual([
      'github',
      'gitlab',
      'slack',
      'linear',
      'zoom',
      'intercom',
      'typeform',
      'hubspot',
      'vercel',
      'jira',
      'generic-hmac',
    ]);
  });

  it('auto-detection picks each provider from the headers it sends (whole registry)', () => {
    const cases: [string, [string, string][]][] = [
      [
        'github',
        [
          ['X-GitHub-Event', 'push'],
          ['X-GitHub-Delivery', 'd'],
          ['X-Hub-Signature-256', 'sha256=00'],
          ['User-Agent', 'GitHub-Hookshot/1'],
        ],
      ],
      [
        'gitlab',
        [
          ['X-Gitlab-Event', 'Push Hook'],
          ['X-Gitlab-Token', 't'],
        ],
      ],
      [
        'gitlab',
        [
          ['X-Gitlab-Event', 'Push Hook'],
          ['webhook-id', 'i'],
          ['webhook-timestamp', '1'],
          ['webhook-signature', 'v1,AA=='],
        ],
      ],
      [
        'slack',
        [
          ['X-Slack-Signature', 'v0=00'],
          ['X-Slack-Request-Timestamp', '1'],
        ],
      ],
      [
        'linear',
        [
          ['Linear-Delivery', 'd'],
          ['Linear-Event', 'Issue'],
          ['Linear-Signature', '00'],
        ],
      ],
      [
        'zoom',
        [
          ['x-zm-signature', 'v0=00'],
          ['x-zm-request-timestamp', '1'],
        ],
      ],
      [
        'intercom',
        [
          ['User-Agent', 'Intercom-Webhooks-Bot'],
          ['X-Hub-Signature', 'sha1=00'],
        ],
      ],
      ['typeform', [['Typeform-Signature', 'sha256=AA==']]],
      [
        'hubspot',
        [
          ['X-HubSpot-Signature-v3', 'AA=='],
          ['X-HubSpot-Request-Timestamp', '1'],
        ],
      ],
      [
        'hubspot',
        [
          ['X-HubSpot-Signature', '00'],
          ['X-HubSpot-Signature-Version', 'v1'],
        ],
      ],
      ['vercel', [['x-vercel-signature', '00']]],
      [
        'jira',
        [
          ['X-Atlassian-Webhook-Identifier', '1'],
          ['X-Hub-Signature', 'sha256=00'],
        ],
      ],
    ];
    for (const [id, h] of cases) expect(resolveScheme('auto', new HeaderBag(h))?.id, id).toBe(id);
    expect(resolveScheme('auto', new HeaderBag([['X-Signature', 'sha256=00']]))).toBeNull();
    expect(resolveScheme('generic-hmac', new HeaderBag([]))?.id).toBe('generic-hmac');
  });

  for (const scheme of gitSaasSchemes) {
    it(`${scheme.id}: verify() gives a status and a reason; detect() and idempotencyKey() do not throw`, () => {
      fc.assert(
        fc.property(request, context, fc.oneof(fc.jsonValue(), fc.anything()), (req, ctx, json) => {
          const h = new HeaderBag(req.headers);
          expect(typeof scheme.detect(h)).toBe('boolean');
          const v = scheme.verify(req, h, ctx);
          expect(STATUSES).toContain(v.status);
          expect(typeof v.reason).toBe('string');
          expect(v.reason.trim().length).toBeGreaterThan(0);
          const key = scheme.idempotencyKey(req, h, json);
          if (key !== null) {
            expect(key.key.length).toBeGreaterThan(0);
            expect(key.source.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 150 },
      );
    });

    it(`${scheme.id}: sign() returns headers or a HookscopeError, and what it signs verifies`, () => {
      fc.assert(
        fc.property(request, secret, context, (req, s, ctx) => {
          let signed: [string, string][];
          try {
            signed = scheme.sign(req, s, ctx.now, ctx.hmac);
          } catch (err) {
            expect(err).toBeInstanceOf(HookscopeError);
            return;
          }
          expect(Array.isArray(signed)).toBe(true);
          const key = s.trim();
          if (!key) return;
          const out = { ...req, headers: signed };
          // Second-resolution timestamps are up to 1 s behind `now`.
          const v = scheme.verify(out, new HeaderBag(signed), {
            ...ctx,
            secrets: [key],
            toleranceSec: Math.max(ctx.toleranceSec, 1),
          });
          // Linear's timestamp lives in the (unchanged) body: a re-signed body may be old or
          // ahead, and one without it is refused whatever its signature.
          if (scheme.id !== 'linear') expect(v.status).toBe('valid');
          else if (v.status === 'invalid')
            expect(v.reason).toMatch(/but the body has no webhookTimestamp/);
          else expect(['valid', 'stale', 'future']).toContain(v.status);
        }),
        { numRuns: 100 },
      );
    });
  }
});
