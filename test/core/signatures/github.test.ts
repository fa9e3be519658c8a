import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { github } from '../../../src/core/signatures/github';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { input, NOW, verify } from './helpers';

const FIXTURES = new URL('../../fixtures/github/', import.meta.url);
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const secret = 'gh-webhook-secret-4f1c9e';
const other = 'a-different-secret';

/** Independent oracle: GitHub's documented HMAC-SHA256 of the raw body, hex. */
const expected256 = (s: string, body: Buffer | string) =>
  `sha256=${createHmac('sha256', s).update(body).digest('hex')}`;

/** Headers as GitHub delivers `file` (X-GitHub-Event is the part before the first dot). */
function delivery(file: string, signature: string): [string, string][] {
  return [
    ['Host', 'hooks.example.com'],
    ['User-Agent', 'GitHub-Hookshot/a1b2c3d'],
    ['Content-Type', 'application/json'],
    ['X-GitHub-Event', file.split('.')[0]!],
    ['X-GitHub-Delivery', randomUUID()],
    ['X-Hub-Signature-256', signature],
  ];
}

function signed(body: string | Buffer, s = secret, extra: [string, string][] = []) {
  return input({
    body,
    headers: [
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
      ['X-Hub-Signature-256', expected256(s, body)],
      ...extra,
    ],
  });
}

const withHeader = (req: ReturnType<typeof input>, name: string, value: string) => ({
  ...req,
  headers: req.headers.map(([n, v]): [string, string] => [n, n === name ? value : v]),
});

describe('GitHub', () => {
  it('accepts the example from GitHub docs ("Hello, World!")', () => {
    const req = input({
      body: 'Hello, World!',
      headers: [
        ['X-GitHub-Event', 'ping'],
        [
          'X-Hub-Signature-256',
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        ],
      ],
    });
    expect(verify(github, req, ["It's a Secret to Everybody"])).toMatchObject({
      status: 'valid',
      reason: expect.stringContaining('Signature matches the configured secret'),
    });
  });

  it('has the real fixtures to check against', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of fixtures) {
    it(`verifies what @octokit/webhooks-methods signs, and octokit verifies ours: ${file}`, async () => {
      const body = readFileSync(new URL(file, FIXTURES));
      const theirs = await octokitSign(secret, body.toString('utf8'));
      const req = input({ body, headers: delivery(file, theirs) });
      expect(github.detect(new HeaderBag(req.headers))).toBe(true);
      expect(verify(github, req, [secret]).status).toBe('valid');

      const ours = github.sign(
        input({ body, headers: delivery(file, 'sha256=00') }),
        secret,
        NOW,
        null,
      );
      const sig = ours.find(([n]) => n === 'X-Hub-Signature-256')![1];
      expect(await octokitVerify(secret, body.toString('utf8'), sig)).toBe(true);
      expect(await octokitVerify(other, body.toString('utf8'), sig)).toBe(false);
    });
  }

  it('signs the raw bytes: non-ASCII text, escapes and re-serialized JSON are different bodies', async () => {
    const base = readFileSync(
      new URL('check_suite.requested.payload.with-email-with-special-characters.json', FIXTURES),
      'utf8',
    );
    const text = base.replace('"Codertocat/Hello-World"', '"Zoë/Hallo-Wêlt 🚀 — ünïcödé"');
    expect(text).not.toBe(base);
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(text.length); // multi-byte characters present
    const theirs = await octokitSign(secret, text);
    expect(theirs).toBe(expected256(secret, bytes));
    const req = input({ body: bytes, headers: delivery('check_suite.requested', theirs) });
    expect(verify(github, req, [secret]).status).toBe('valid');
    const ours = github.sign(req, secret, NOW, null).find(([n]) => n === 'X-Hub-Signature-256')!;
    expect(await octokitVerify(secret, text, ours[1])).toBe(true);

    // Same JSON value, other bytes: the signature must not match.
    const escaped = Buffer.from(text.replace('ë', '\\u00eb'), 'utf8');
    expect(verify(github, { ...req, body: escaped }, [secret]).status).toBe('invalid');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(text)), 'utf8');
    expect(verify(github, { ...req, body: reserialized }, [secret]).status).toBe('invalid');
    const latin1 = Buffer.from(text, 'latin1');
    expect(verify(github, { ...req, body: latin1 }, [secret]).status).toBe('invalid');
  });

  it('accepts any of several signatures (one header listing two, or the header twice)', () => {
    const req = signed('{"n":1}');
    const good = req.headers.find(([n]) => n === 'X-Hub-Signature-256')![1];
    const wrong = expected256(other, '{"n":1}');
    expect(
      verify(github, withHeader(req, 'X-Hub-Signature-256', `${wrong}, ${good}`), [secret]).status,
    ).toBe('valid');
    const twice = {
      ...req,
      headers: [
        ...req.headers.filter(([n]) => n !== 'X-Hub-Signature-256'),
        ['X-Hub-Signature-256', wrong],
        ['x-hub-signature-256', good],
      ] as [string, string][],
    };
    expect(verify(github, twice, [secret]).status).toBe('valid');
    expect(
      verify(github, withHeader(req, 'X-Hub-Signature-256', `${wrong} ${wrong}`), [secret]).status,
    ).toBe('invalid');
  });

  it('malformed headers are invalid with the reason', () => {
    const req = signed('{}');
    for (const bad of ['sha256=zz', 'md5=abcd', 'sha256=abcd', '', 'sha256=\r\n€']) {
      const v = verify(github, withHeader(req, 'X-Hub-Signature-256', bad), [secret]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toMatch(/^Malformed X-Hub-Signature-256 header: /);
      expect(v.reason).not.toMatch(/[\r\n]/);
    }
    expect(
      verify(github, withHeader(req, 'X-Hub-Signature-256', 'sha256=abcd'), [secret]).reason,
    ).toContain('decodes to 2 bytes, not the 32 of HMAC-SHA256');
  });

  it('missing when GitHub sent no signature, no-secret when none is configured', () => {
    const req = input({
      body: '{}',
      headers: [
        ['X-GitHub-Event', 'push'],
        ['X-GitHub-Delivery', 'd-1'],
      ],
    });
    expect(github.detect(new HeaderBag(req.headers))).toBe(true);
    expect(verify(github, req, [secret])).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('Set a secret on the webhook in GitHub'),
    });
    expect(verify(github, signed('{}'), []).status).toBe('no-secret');
  });

  it('trims a configured secret with surrounding whitespace, and sign() trims it too', () => {
    expect(verify(github, signed('{}'), [`  ${secret}\n`]).status).toBe('valid');
    const headers = github.sign(input({ body: '{}' }), `\t${secret} `, NOW, null);
    expect(Object.fromEntries(headers)['X-Hub-Signature-256']).toBe(expected256(secret, '{}'));
  });

  it('checks the legacy SHA-1 X-Hub-Signature only when X-Hub-Signature-256 is absent, and calls it weak', () => {
    const body = '{"zen":"Keep it logically awesome."}';
    const sha1 = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
    const legacy = input({
      body,
      headers: [
        ['X-GitHub-Event', 'ping'],
        ['X-Hub-Signature', sha1],
      ],
    });
    const v = verify(github, legacy, [secret]);
    expect(v.status).toBe('valid');
    expect(v.reason).toMatch(/Weak scheme: .*HMAC-SHA1/);
    expect(verify(github, { ...legacy, body: Buffer.from('{}') }, [secret]).reason).toContain(
      'No signature in X-Hub-Signature matches',
    );
    // A wrong SHA-256 signature is not rescued by a right SHA-1 one.
    const both = signed(body, other, [['X-Hub-Signature', sha1]]);
    expect(verify(github, both, [secret]).status).toBe('invalid');
  });

  it('says the scheme has no timestamp (replays) even when valid', () => {
    expect(github.defaultToleranceSec).toBeNull();
    expect(verify(github, signed('{}'), [secret]).reason).toContain('no timestamp');
  });

  it('sign() replaces both signature headers and keeps the others in order', () => {
    const req = input({
      body: '{"a":1}',
      headers: [
        ['Host', 'h'],
        ['X-Hub-Signature', 'sha1=old'],
        ['X-GitHub-Event', 'push'],
        ['X-Hub-Signature-256', 'sha256=old'],
        ['X-GitHub-Delivery', 'id-1'],
      ],
    });
    const out = github.sign(req, secret, NOW, null);
    expect(out.slice(0, 3)).toEqual([
      ['Host', 'h'],
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', 'id-1'],
    ]);
    expect(out.filter(([n]) => /^x-hub-signature/i.test(n))).toEqual([
      ['X-Hub-Signature', `sha1=${createHmac('sha1', secret).update('{"a":1}').digest('hex')}`],
      ['X-Hub-Signature-256', expected256(secret, '{"a":1}')],
    ]);
    expect(verify(github, { ...req, headers: out }, [secret]).status).toBe('valid');
  });

  it('detects GitHub and uses X-GitHub-Delivery as the idempotency key', () => {
    const req = signed('{}');
    const h = new HeaderBag(req.headers);
    expect(github.detect(h)).toBe(true);
    expect(github.detect(new HeaderBag([['X-Hub-Signature-256', 'sha256=00']]))).toBe(false);
    expect(github.idempotencyKey(req, h, {})).toEqual({
      key: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      source: 'X-GitHub-Delivery header',
    });
    expect(github.idempotencyKey(input({}), new HeaderBag([]), undefined)).toBeNull();
  });
});
