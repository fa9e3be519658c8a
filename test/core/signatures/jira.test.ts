import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { jira } from '../../../src/core/signatures/jira';
import { input, NOW, verify } from './helpers';

const secret = 'Jira-generated-secret-0123456789abcdefXYZ';
const body = JSON.stringify({
  timestamp: 1795780800000,
  webhookEvent: 'jira:issue_created',
  issue: { key: 'ENG-1', fields: { summary: 'Fix the naïve parser' } },
});

/** Independent oracle (WebSub `method=signature`, as Jira documents): `sha256=` + hex HMAC-SHA256. */
const oracle = (s: string, b: string | Buffer, alg = 'sha256') =>
  `${alg}=${createHmac(alg, s).update(b).digest('hex')}`;

const delivery = (sig: string | null, b: string = body) =>
  input({
    body: b,
    headers: [
      ['Content-Type', 'application/json; charset=UTF-8'],
      ['X-Atlassian-Webhook-Identifier', '1234-5678-abcd'],
      ['X-Atlassian-Webhook-Flow', 'Primary'],
      ...(sig === null ? [] : ([['X-Hub-Signature', sig]] as [string, string][])),
    ],
  });

describe('Jira', () => {
  it('malformed, missing (unsigned: no secret on the webhook) and no-secret', () => {
    for (const bad of [
      'md5=abcd',
      'sha256=nothex',
      oracle(secret, body).slice(7),
      'sha256=' + 'ab'.repeat(20),
    ]) {
      expect(verify(jira, delivery(bad), [secret]).reason).toMatch(
        /^Malformed X-Hub-Signature header/,
      );
    }
    const unsigned = delivery(null);
    expect(jira.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(jira, unsigned, [secret])).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('Jira signs only webhooks that have a secret set'),
    });
    expect(verify(jira, delivery(oracle(secret, body)), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces X-Hub-Signature', () => {
    expect(verify(jira, delivery(oracle(secret, body)), [`\n${secret}`]).status).toBe('valid');
    const out = jira.sign(delivery('sha256=old'), ` ${secret} `, NOW, null);
    expect(out.at(-1)).toEqual(['X-Hub-Signature', oracle(secret, body)]);
    expect(out.slice(0, 3)).toEqual(delivery(null).headers);
  });

  it('uses X-Atlassian-Webhook-Identifier as the idempotency key', () => {
    const req = delivery(oracle(secret, body));
    expect(jira.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: '1234-5678-abcd',
      source: 'X-Atlassian-Webhook-Identifier header',
    });
  });
});
