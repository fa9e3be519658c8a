import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { zoom } from '../../../src/core/signatures/zoom';
import { input, NOW, verify } from './helpers';

const secret = 'zoom-secret-token-abc';
const other = 'zoom-other-token';
const body = JSON.stringify({
  event: 'meeting.started',
  payload: { account_id: 'A1', object: { id: '123', topic: 'Réunion ☕', type: 2 } },
  event_ts: 1635885799302,
});

/** Independent oracle from Zoom's docs: `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`. */
const oracle = (s: string, ts: string, b: string) =>
  `v0=${createHmac('sha256', s).update(`v0:${ts}:${b}`).digest('hex')}`;

function at(ms: number, b = body, s = secret) {
  const ts = String(Math.floor(ms / 1000));
  return input({
    body: b,
    headers: [
      ['user-agent', 'Zoom Marketplace/1.0a'],
      ['content-type', 'application/json; charset=utf-8'],
      ['x-zm-request-timestamp', ts],
      ['x-zm-signature', oracle(s, ts, b)],
      ['x-zm-trackingid', 'v=2.0&s=1&c=us04'],
    ],
  });
}

const set = (req: ReturnType<typeof input>, name: string, value: string) => ({
  ...req,
  headers: req.headers.map(([n, v]): [string, string] => [n, n === name ? value : v]),
});

describe('Zoom', () => {
  it('valid, including an endpoint.url_validation request', () => {
    expect(verify(zoom, at(NOW), [secret])).toMatchObject({ status: 'valid' });
    const validation = JSON.stringify({
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
      event: 'endpoint.url_validation',
    });
    expect(verify(zoom, at(NOW, validation), [secret]).status).toBe('valid');
  });

  it('invalid when the body or the signed timestamp was changed, or the secret is wrong', () => {
    const req = at(NOW);
    expect(verify(zoom, { ...req, body: Buffer.from(body + ' ') }, [secret]).status).toBe(
      'invalid',
    );
    expect(
      verify(zoom, set(req, 'x-zm-request-timestamp', String(NOW / 1000 - 1)), [secret]).status,
    ).toBe('invalid');
    expect(verify(zoom, req, [other])).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining(
        'No signature in x-zm-signature matches the configured secret',
      ),
    });
  });

  it('malformed signature or timestamp', () => {
    const req = at(NOW);
    expect(verify(zoom, set(req, 'x-zm-signature', 'v0:abc'), [secret]).reason).toMatch(
      /^Malformed x-zm-signature header/,
    );
    // A timestamp in ms (not seconds) is reported as such.
    const ms = input({
      body,
      headers: [
        ['x-zm-request-timestamp', String(NOW)],
        ['x-zm-signature', oracle(secret, String(NOW), body)],
      ],
    });
    expect(verify(zoom, ms, [secret])).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining(`must be Unix seconds, got "${NOW}"`),
    });
    expect(verify(zoom, set(req, 'x-zm-request-timestamp', '-5'), [secret]).reason).toContain(
      'must be Unix seconds',
    );
  });

  it('missing and no-secret', () => {
    const unsigned = input({ body, headers: [['x-zm-request-timestamp', '1635885799']] });
    expect(zoom.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(zoom, unsigned, [secret]).status).toBe('missing');
    expect(verify(zoom, at(NOW), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces the signature and timestamp headers', () => {
    expect(verify(zoom, at(NOW), [`${secret} `]).status).toBe('valid');
    const req = at(NOW - 86_400_000);
    const out = zoom.sign(req, ` ${secret}`, NOW, null);
    const ts = String(NOW / 1000);
    expect(out).toEqual([
      ['user-agent', 'Zoom Marketplace/1.0a'],
      ['content-type', 'application/json; charset=utf-8'],
      ['x-zm-trackingid', 'v=2.0&s=1&c=us04'],
      ['x-zm-request-timestamp', ts],
      ['x-zm-signature', oracle(secret, ts, body)],
    ]);
    expect(verify(zoom, { ...req, headers: out }, [secret]).status).toBe('valid');
  });

  it('has no documented delivery id (the engine hashes the body)', () => {
    const req = at(NOW);
    expect(zoom.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toBeNull();
  });
});
