import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runBattery, type BatteryDeps } from '../../../src/core/checkup/battery';
import { choosePayload } from '../../../src/core/checkup/payload';
import type { SendResult } from '../../../src/core/forward/send';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { schemeById } from '../../../src/core/signatures/registry';
import type { Checkup, ProbeId, ProbeVerdict } from '../../../src/shared/checkup';
import type { GenericHmacConfig, ProviderId } from '../../../src/shared/model';

const TARGET = 'http://127.0.0.1:9/hooks';
const whsec = `whsec_${Buffer.from('a provider secret of 32 bytes!!!').toString('base64')}`;
const pem = (type: 'ed25519' | 'ec') =>
  (type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : generateKeyPairSync('ed25519')
  ).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
const HMAC: GenericHmacConfig = {
  header: 'X-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  signed: 'timestamp+body',
  timestampHeader: 'X-Timestamp',
  timestampUnit: 's',
  separator: '.',
} as GenericHmacConfig;

/**
 * An in-process receiver for any provider that verifies with Hookscope's own verifier (the
 * provider's default tolerance) and dedupes by the provider's idempotency key: it checks
 * that every probe request is built the way the scheme expects.
 */
function verifyingSend(provider: ProviderId, secret: string, hmac: GenericHmacConfig | null) {
  const scheme = schemeById(provider)!;
  const seen = new Set<string>();
  const sent: { status: number }[] = [];
  const send: BatteryDeps['send'] = async (req) => {
    const url = new URL(req.url);
    const input = {
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: req.headers,
      body: req.body,
      url: req.url,
    };
    const h = new HeaderBag(req.headers);
    const v = scheme.verify(input, h, {
      secrets: [secret],
      now: Date.now(),
      toleranceSec: scheme.defaultToleranceSec ?? 300,
      hmac,
    });
    let status = v.status === 'valid' ? 200 : 401;
    if (status === 200) {
      let json: unknown;
      try {
        json = JSON.parse(req.body.toString());
      } catch {
        json = undefined;
      }
      const key = scheme.idempotencyKey(input, h, json)?.key;
      // A repeat is fine once (the duplicate probe); any other repeat means the deliveries
      // were not distinct.
      if (key && seen.has(key)) status = sent.length === 1 ? 200 : 409;
      if (key) seen.add(key);
    }
    sent.push({ status });
    const res: SendResult = {
      status,
      error: null,
      durationMs: 1,
      headers: [],
      body: Buffer.alloc(0),
      truncated: false,
    };
    return res;
  };
  return { send, sent };
}

async function battery(
  provider: ProviderId,
  secret: string,
  hmac: GenericHmacConfig | null = null,
) {
  const { send } = verifyingSend(provider, secret, hmac);
  return runBattery(
    {
      target: TARGET,
      provider,
      secret,
      hmac,
      payload: choosePayload(provider, undefined),
      endpointId: null,
      burst: { count: 4, concurrency: 2 },
      latencySamples: 2,
    },
    { send, clock: Date.now },
  );
}

const notPassed = (c: Checkup): Partial<Record<ProbeId, ProbeVerdict>> =>
  Object.fromEntries(c.probes.filter((p) => p.verdict !== 'pass').map((p) => [p.id, p.verdict]));

describe('the battery for every provider that can sign', () => {
  const cases: [ProviderId, string, Partial<Record<ProbeId, ProbeVerdict>>][] = [
    ['standard-webhooks', whsec, {}],
    ['openai', whsec, {}],
    ['svix', whsec, {}],
    ['clerk', whsec, {}],
    ['resend', whsec, {}],
    ['replicate', whsec, {}],
    ['stripe', 'whsec_stripe_test_secret', {}],
    ['github', 'gh secret', { stale: 'skip' }],
    ['gitlab', 'plain-token', { tampered: 'skip', stale: 'skip' }],
    ['shopify', 'shpss_secret', { stale: 'skip' }],
    ['slack', 'slack signing secret', {}],
    ['twilio', 'twilio auth token', { tampered: 'skip', stale: 'skip' }],
    ['paddle', 'pdl_ntfset_secret', {}],
    ['linear', 'lin_wh_secret', {}],
    ['zoom', 'zoom secret token', {}],
    ['square', 'square signature key', { stale: 'skip' }],
    ['lemonsqueezy', 'lemon secret', { stale: 'skip' }],
    ['intercom', 'intercom client secret', { stale: 'skip' }],
    ['typeform', 'typeform secret', { stale: 'skip' }],
    ['hubspot', 'hubspot client secret', {}],
    ['vercel', 'vercel secret', { stale: 'skip' }],
    ['jira', 'jira secret', { stale: 'skip' }],
    ['discord', pem('ed25519'), {}],
    ['sendgrid', pem('ec'), {}],
  ];
  it.each(cases)(
    '%s: a verifying, deduping receiver passes every graded probe',
    async (p, secret, skips) => {
      const c = await battery(p, secret);
      expect(notPassed(c)).toEqual(skips);
      expect(c.passed).toBe(true);
      expect(JSON.stringify(c)).not.toContain(secret.trim());
    },
  );

  it('generic-hmac signs with the endpoint settings; stale only when they sign a timestamp', async () => {
    const c = await battery('generic-hmac', 'generic secret', HMAC);
    expect(notPassed(c)).toEqual({});
    expect(c.probes.find((p) => p.id === 'stale')!.summary).toMatch(
      /^Rejected a delivery signed 10 min ago, past Generic HMAC's 300 s tolerance: 401/,
    );
    const bodyOnly = await battery('generic-hmac', 'generic secret', { ...HMAC, signed: 'body' });
    expect(notPassed(bodyOnly)).toEqual({ stale: 'skip' });
    expect(bodyOnly.probes.find((p) => p.id === 'stale')!.summary).toBe(
      'Generic HMAC signs no timestamp, so no delivery is ever stale.',
    );
  });

  it('gitlab with a whsec_ signing token signs as Standard Webhooks, so tampering is caught', async () => {
    const c = await battery('gitlab', whsec);
    expect(notPassed(c)).toEqual({ stale: 'skip' });
  });

  it('a plain token in a header (GitLab) is shown as [secret] in the report', async () => {
    const c = await battery('gitlab', 'plain-token');
    const valid = c.probes.find((p) => p.id === 'valid')!.request!;
    expect(valid.headers).toContainEqual(['X-Gitlab-Token', '[secret]']);
    expect(c.probes.find((p) => p.id === 'tampered')!.summary).toMatch(
      /^GitLab's signature does not cover the body \(a plain token, not a signature/,
    );
  });
});

describe('providers that cannot sign', () => {
  const refused: [ProviderId | 'discord-public', string, RegExp][] = [
    ['discord', 'ab'.repeat(32), /^cannot sign as Discord: Discord signs with its own private key/],
    ['sendgrid', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', /^cannot sign as SendGrid: /],
    ['mailgun', 'key-mailgun', /^cannot sign as Mailgun: Mailgun puts its signature in the body/],
    [
      'generic-hmac',
      'secret',
      /^cannot sign as Generic HMAC: generic-hmac needs complete settings/,
    ],
    ['standard-webhooks', 'not base64 !!', /^cannot sign as Standard Webhooks: .*whsec_<base64>/],
  ];
  it.each(refused)(
    '%s refuses with a bad_input that says why, before sending anything',
    async (p, secret, message) => {
      const { send, sent } = verifyingSend(p as ProviderId, secret, null);
      const err = await runBattery(
        {
          target: TARGET,
          provider: p as ProviderId,
          secret,
          hmac: null,
          payload: choosePayload(p as ProviderId, undefined),
          endpointId: null,
        },
        { send, clock: Date.now },
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'bad_input', message: expect.stringMatching(message) });
      expect(sent).toHaveLength(0);
    },
  );
});
