import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { intercom } from '../../../src/core/signatures/intercom';
import { input, NOW, verify } from './helpers';

const secret = 'intercom-client-secret-1';
const body = JSON.stringify({
  type: 'notification_event',
  app_id: 'abc123',
  data: {
    type: 'notification_event_data',
    item: { type: 'conversation', id: '1', body: 'Olá 👋' },
  },
  id: 'notif_ccd8a4d2-c9b5-4b7a-a2c0-3d5c8f0c9a11',
  topic: 'conversation.user.created',
  delivery_attempts: 1,
  first_sent_at: 1795780800,
});

/** Independent oracle from Intercom's docs: `sha1=` + hex HMAC-SHA1 of the body, client secret as key. */
const oracle = (s: string, b: string | Buffer) =>
  `sha1=${createHmac('sha1', s).update(b).digest('hex')}`;

const delivery = (sig: string | null, b: string = body) =>
  input({
    body: b,
    headers: [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Intercom-Webhooks-Bot'],
      ...(sig === null ? [] : ([['X-Hub-Signature', sig]] as [string, string][])),
    ],
  });

describe('Intercom', () => {
  it('malformed, missing and no-secret', () => {
    expect(verify(intercom, delivery('sha256=abc'), [secret]).reason).toMatch(
      /^Malformed X-Hub-Signature header/,
    );
    const unsigned = delivery(null);
    expect(intercom.detect(new HeaderBag(unsigned.headers))).toBe(true);
    expect(verify(intercom, unsigned, [secret]).status).toBe('missing');
    expect(verify(intercom, delivery(oracle(secret, body)), []).status).toBe('no-secret');
  });

  it('trims secrets; sign() replaces X-Hub-Signature', () => {
    expect(verify(intercom, delivery(oracle(secret, body)), [`${secret}  `]).status).toBe('valid');
    expect(intercom.sign(delivery('sha1=old'), `\t${secret}`, NOW, null)).toEqual([
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Intercom-Webhooks-Bot'],
      ['X-Hub-Signature', oracle(secret, body)],
    ]);
  });

  it('is detected by its User-Agent (not by a GitHub-style header alone), keyed by the notification id', () => {
    const req = delivery(oracle(secret, body));
    expect(intercom.detect(new HeaderBag([['X-Hub-Signature', oracle(secret, body)]]))).toBe(false);
    expect(intercom.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'notif_ccd8a4d2-c9b5-4b7a-a2c0-3d5c8f0c9a11',
      source: 'body.id',
    });
  });
});
