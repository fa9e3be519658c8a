import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { hubspot, hubspotUris } from '../../../src/core/signatures/hubspot';
import { input, NOW, verify } from './helpers';

// HubSpot's published v1/v2 examples ("Validating requests", legacy apps).
const DOC_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const DOC_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';

const secret = 'hs-client-secret-1234';
const other = 'hs-other-secret';
const url = 'https://abc123.ngrok.app/hubspot/webhook?portal=62515';
const body =
  '[{"eventId":100,"subscriptionType":"contact.propertyChange","propertyValue":"Zoë"},{"eventId":101}]';

/** Independent oracle from HubSpot's v3 instructions: base64 HMAC-SHA256 of method+URI+body+timestamp. */
const v3 = (s: string, method: string, uri: string, b: string, ts: string) =>
  createHmac('sha256', s).update(`${method}${uri}${b}${ts}`, 'utf8').digest('base64');

function at(ms: number, o: { s?: string; uri?: string; received?: string; b?: string } = {}) {
  const ts = String(ms);
  const b = o.b ?? body;
  return input({
    body: b,
    url: o.received ?? o.uri ?? url,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-HubSpot-Signature-v3', v3(o.s ?? secret, 'POST', o.uri ?? url, b, ts)],
      ['X-HubSpot-Request-Timestamp', ts],
    ],
  });
}

const set = (req: ReturnType<typeof input>, name: string, value: string) => ({
  ...req,
  headers: req.headers.map(([n, v]): [string, string] => [n, n === name ? value : v]),
});

describe('HubSpot', () => {
  it('accepts the published v1 example (weak: SHA-256 of secret + body)', () => {
    const req = input({
      body: DOC_BODY,
      headers: [
        ['X-HubSpot-Signature', '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de'],
        ['X-HubSpot-Signature-Version', 'v1'],
      ],
    });
    expect(hubspot.detect(new HeaderBag(req.headers))).toBe(true);
    const v = verify(hubspot, req, [DOC_SECRET]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('Weak scheme: a v1/v2 signature is a plain SHA-256');
    expect(
      verify(hubspot, { ...req, body: Buffer.from(DOC_BODY + ' ') }, [DOC_SECRET]).status,
    ).toBe('invalid');
  });

  it('accepts the published v2 example (GET, no body)', () => {
    const req = input({
      method: 'GET',
      url: 'https://www.example.com/webhook_uri',
      headers: [
        ['X-HubSpot-Signature', 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e'],
        ['X-HubSpot-Signature-Version', 'v2'],
      ],
    });
    expect(verify(hubspot, req, [DOC_SECRET]).status).toBe('valid');
    expect(
      verify(hubspot, { ...req, url: 'https://www.example.com/other' }, [DOC_SECRET]).status,
    ).toBe('invalid');
  });

  it('v3: valid over method + public URL + body + timestamp', () => {
    const v = verify(hubspot, at(NOW), [secret]);
    expect(v).toMatchObject({
      status: 'valid',
      reason: 'Signature matches the configured secret.',
    });
  });

  it('v3: invalid when the body, URL, method or timestamp changed, or the secret is wrong', () => {
    const req = at(NOW);
    expect(verify(hubspot, { ...req, body: Buffer.from('[]') }, [secret]).status).toBe('invalid');
    expect(
      verify(hubspot, { ...req, url: 'http://127.0.0.1:8080/hubspot/webhook?portal=62515' }, [
        secret,
      ]).status,
    ).toBe('invalid');
    expect(verify(hubspot, { ...req, method: 'PUT' }, [secret]).status).toBe('invalid');
    expect(
      verify(hubspot, set(req, 'X-HubSpot-Request-Timestamp', String(NOW - 1)), [secret]).status,
    ).toBe('invalid');
    expect(verify(hubspot, req, [other]).status).toBe('invalid');
  });

  it('v3: accepts a signature over the URI with the listed escapes decoded', () => {
    const received = 'https://h.example.com/hook?email=a%40b.com&t=x%3Ay%2Fz%20w';
    const decoded = 'https://h.example.com/hook?email=a@b.com&t=x:y/z%20w';
    expect(hubspotUris(received)).toEqual([received, decoded]);
    // Exactly the listed escapes (either case); others such as %20 %2B %26 %3D stay encoded.
    const all = 'https://h/x?v=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B%3a%2f%20%2B%26%3D%25';
    expect(hubspotUris(all)[1]).toBe("https://h/x?v=:/?@!$'()*,;:/%20%2B%26%3D%25");
    expect(hubspotUris('https://h/x?v=1')).toEqual(['https://h/x?v=1']);
    expect(verify(hubspot, at(NOW, { uri: decoded, received }), [secret]).status).toBe('valid');
    expect(verify(hubspot, at(NOW, { uri: received }), [secret]).status).toBe('valid');
    // %20 is not in HubSpot's list: decoding it would be a different URI.
    expect(
      verify(
        hubspot,
        at(NOW, { uri: 'https://h.example.com/hook?email=a@b.com&t=x:y/z w', received }),
        [secret],
      ).status,
    ).toBe('invalid');
  });

  it('v3: stale after 5 minutes (ms timestamps) and when in the future', () => {
    expect(hubspot.defaultToleranceSec).toBe(300);
    expect(verify(hubspot, at(NOW - 301_000), [secret])).toMatchObject({
      status: 'stale',
      reason: expect.stringContaining('301 s old, outside the 300 s tolerance'),
    });
    expect(verify(hubspot, at(NOW + 600_000), [secret])).toMatchObject({
      status: 'future',
      reason: expect.stringContaining('600 s in the future'),
    });
    expect(verify(hubspot, at(NOW - 299_000), [secret]).status).toBe('valid');
    // A timestamp in seconds is read as ms: decades old.
    const secs = String(Math.floor(NOW / 1000));
    const req = input({
      body,
      url,
      headers: [
        ['X-HubSpot-Signature-v3', v3(secret, 'POST', url, body, secs)],
        ['X-HubSpot-Request-Timestamp', secs],
      ],
    });
    expect(verify(hubspot, req, [secret]).status).toBe('stale');
  });

  it('v3: malformed, missing and no-secret', () => {
    const req = at(NOW);
    expect(
      verify(hubspot, set(req, 'X-HubSpot-Signature-v3', '!!not base64!!'), [secret]).reason,
    ).toMatch(/^Malformed X-HubSpot-Signature-v3 header/);
    const noTs = {
      ...req,
      headers: req.headers.filter(([n]) => n !== 'X-HubSpot-Request-Timestamp'),
    };
    expect(verify(hubspot, noTs, [secret]).reason).toContain(
      'X-HubSpot-Request-Timestamp header it signs must be Unix milliseconds, got nothing',
    );
    expect(
      verify(hubspot, input({ body, headers: [['Content-Type', 'application/json']] }), [secret])
        .status,
    ).toBe('missing');
    expect(verify(hubspot, req, []).status).toBe('no-secret');
  });

  it('trims secrets; sign() writes v3 + timestamp and recomputes a legacy signature it carried', () => {
    expect(verify(hubspot, at(NOW), [`  ${secret}`]).status).toBe('valid');
    const req = input({
      body,
      url,
      headers: [
        ['Host', 'abc123.ngrok.app'],
        ['X-HubSpot-Signature', 'old'],
        ['X-HubSpot-Signature-Version', 'v2'],
        ['X-HubSpot-Signature-v3', 'old'],
        ['X-HubSpot-Request-Timestamp', '1'],
      ],
    });
    const out = hubspot.sign(req, ` ${secret}\n`, NOW, null);
    expect(out).toEqual([
      ['Host', 'abc123.ngrok.app'],
      ['X-HubSpot-Signature-Version', 'v2'],
      ['X-HubSpot-Request-Timestamp', String(NOW)],
      ['X-HubSpot-Signature-v3', v3(secret, 'POST', url, body, String(NOW))],
      [
        'X-HubSpot-Signature',
        createHash('sha256').update(`${secret}POST${url}${body}`).digest('hex'),
      ],
    ]);
    expect(verify(hubspot, { ...req, headers: out }, [secret]).status).toBe('valid');
  });

  it('idempotency key: the eventIds of the batch', () => {
    const req = at(NOW);
    const h = new HeaderBag(req.headers);
    expect(hubspot.idempotencyKey(req, h, JSON.parse(body))).toEqual({
      key: '100,101',
      source: 'body[].eventId',
    });
    expect(hubspot.idempotencyKey(req, h, { eventId: 7 })).toEqual({
      key: '7',
      source: 'body.eventId',
    });
    expect(hubspot.idempotencyKey(req, h, [{ eventId: 1 }, {}])).toBeNull();
    expect(hubspot.idempotencyKey(req, h, undefined)).toBeNull();
  });
});
