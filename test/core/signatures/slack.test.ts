import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { slack } from '../../../src/core/signatures/slack';
import { input, NOW, verify } from './helpers';

// Slack's documented example ("Verifying requests from Slack"): a slash command.
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const secret = 'slack-signing-secret-0123456789ab';
const event = JSON.stringify({
  token: 'x',
  team_id: 'T1',
  type: 'event_callback',
  event: { type: 'app_mention', text: 'hé <@U1> 👋' },
  event_id: 'Ev08MFMKH6',
  event_time: 1234567890,
});

/** Independent oracle: `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`, as Slack documents. */
const oracle = (s: string, ts: string, body: string) =>
  `v0=${createHmac('sha256', s).update(`v0:${ts}:${body}`).digest('hex')}`;

function at(ms: number, body = event, s = secret) {
  const ts = String(Math.floor(ms / 1000));
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Slack-Request-Timestamp', ts],
      ['X-Slack-Signature', oracle(s, ts, body)],
    ],
  });
}

const set = (req: ReturnType<typeof input>, name: string, value: string) => ({
  ...req,
  headers: req.headers.map(([n, v]): [string, string] => [n, n === name ? value : v]),
});

describe('Slack', () => {
  it("accepts Slack's documented example", () => {
    expect(oracle(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
    const req = input({
      body: DOC.body,
      headers: [
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['X-Slack-Request-Timestamp', DOC.timestamp],
        ['X-Slack-Signature', DOC.signature],
      ],
    });
    expect(verify(slack, req, [DOC.secret], { now: Number(DOC.timestamp) * 1000 })).toMatchObject({
      status: 'valid',
    });
    // The same request today is a replay.
    expect(verify(slack, req, [DOC.secret]).status).toBe('stale');
    expect(slack.idempotencyKey(req, new HeaderBag(req.headers), undefined)).toBeNull();
  });

  it('verifies an Events API delivery and a url_verification challenge like any signed request', () => {
    expect(verify(slack, at(NOW), [secret]).status).toBe('valid');
    const challenge = JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' });
    expect(verify(slack, at(NOW, challenge), [secret]).status).toBe('valid');
  });

  it('malformed signature or timestamp', () => {
    const req = at(NOW);
    for (const bad of ['v1=abcd', 'a2114d57', 'v0=xyz', 'v0=']) {
      expect(verify(slack, set(req, 'X-Slack-Signature', bad), [secret])).toMatchObject({
        status: 'invalid',
        reason: expect.stringMatching(/^Malformed X-Slack-Signature header/),
      });
    }
    const v = verify(slack, set(req, 'X-Slack-Request-Timestamp', '2026-11-27T12:00:00Z'), [
      secret,
    ]);
    expect(v.reason).toMatch(/X-Slack-Request-Timestamp header it signs must be Unix seconds/);
    const noTs = {
      ...req,
      headers: req.headers.filter(([n]) => n !== 'X-Slack-Request-Timestamp'),
    };
    expect(verify(slack, noTs, [secret]).reason).toContain('got nothing');
  });

  it('missing and no-secret', () => {
    const unsigned = input({ body: event, headers: [['X-Slack-Request-Timestamp', '1']] });
    expect(slack.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(slack, unsigned, [secret]).status).toBe('missing');
    expect(verify(slack, at(NOW), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() produces what Slack would send', () => {
    expect(verify(slack, at(NOW), [` ${secret}  `]).status).toBe('valid');
    const req = input({
      body: event,
      headers: [
        ['Host', 'h'],
        ['X-Slack-Signature', 'v0=old'],
        ['X-Slack-Request-Timestamp', '1'],
        ['X-Slack-Retry-Num', '1'],
      ],
    });
    const out = slack.sign(req, `\n${secret}\n`, NOW + 1234, null);
    const ts = String(Math.floor((NOW + 1234) / 1000));
    expect(out).toEqual([
      ['Host', 'h'],
      ['X-Slack-Retry-Num', '1'],
      ['X-Slack-Request-Timestamp', ts],
      ['X-Slack-Signature', oracle(secret, ts, event)],
    ]);
  });

  it('uses the Events API event_id as the idempotency key', () => {
    const req = at(NOW);
    expect(slack.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(event))).toEqual({
      key: 'Ev08MFMKH6',
      source: 'body.event_id',
    });
  });
});
