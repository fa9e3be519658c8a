import { describe, expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import { paddle } from '../../../src/core/signatures/paddle';
import { resolveScheme } from '../../../src/core/signatures/registry';
import { header, withHeader } from './verdict-suite';
import { input, NOW, verify } from './helpers';
import { sdk, secret, other, body, signed } from './sign/paddle';

describe('Paddle', () => {
  it('defaults to the 5 s tolerance of the Paddle SDKs', () => {
    expect(paddle.defaultToleranceSec).toBe(5);
    expect(verify(paddle, signed(NOW - 5_000), [secret]).status).toBe('valid');
    const v = verify(paddle, signed(NOW - 6_000), [secret]);
    expect(v).toMatchObject({ status: 'stale', reason: expect.stringContaining('6 s old') });
  });

  it('detects Paddle-Signature', () => {
    const h = new HeaderBag(signed(NOW).headers);
    expect(paddle.detect(h)).toBe(true);
    expect(resolveScheme('auto', h)?.id).toBe('paddle');
  });

  it('the docs recipe used above is what the official SDK accepts', async () => {
    const now = Date.now();
    const req = signed(now);
    const sig = header(req, 'paddle-signature');
    expect(await sdk.webhooks.isSignatureValid(body, secret, sig)).toBe(true);
    expect(await sdk.webhooks.isSignatureValid(body, other, sig)).toBe(false);
    expect(verify(paddle, req, [secret], { now }).status).toBe('valid');
  });

  it('sign() output passes the SDK (isSignatureValid and unmarshal)', async () => {
    const now = Date.now();
    const out = paddle.sign(
      input({
        body,
        headers: [
          ['Paddle-Signature', 'ts=1;h1=00'],
          ['X-Other', '1'],
        ],
      }),
      `\t${secret} `,
      now,
      null,
    );
    expect(out.map(([n]) => n)).toEqual(['X-Other', 'Paddle-Signature']);
    const sig = Object.fromEntries(out)['Paddle-Signature']!;
    expect(sig).toMatch(/^ts=\d+;h1=[0-9a-f]{64}$/);
    expect(await sdk.webhooks.isSignatureValid(body, secret, sig)).toBe(true);
    expect(await sdk.webhooks.isSignatureValid(body + ' ', secret, sig)).toBe(false);
    // unmarshal() also builds the typed event; an event type the SDK does not model keeps the
    // fixture small (transaction.completed would need a full transaction).
    const generic = body.replace('transaction.completed', 'hookscope.test');
    const resigned = Object.fromEntries(
      paddle.sign(input({ body: generic }), secret, Date.now(), null),
    )['Paddle-Signature']!;
    const event = await sdk.webhooks.unmarshal(generic, secret, resigned);
    expect(event.eventId).toBe('evt_01hv8x2acma2gz4mv6z7yhmx4f');
  });

  it('malformed: missing ts, missing h1, non-hex h1', () => {
    const base = signed(NOW);
    const cases: [string, string][] = [
      [`h1=${'a'.repeat(64)}`, 'no ts=<timestamp>'],
      [`ts=${NOW / 1000}`, 'no h1=<signature>'],
      [`ts=${NOW / 1000};h1=xyz`, 'h1= must be 64 hex digits'],
    ];
    for (const [value, reason] of cases) {
      const v = verify(paddle, withHeader(base, 'Paddle-Signature', value), [secret]);
      expect(v).toMatchObject({ status: 'invalid', reason: expect.stringContaining(reason) });
    }
  });

  it('uses body.event_id as the idempotency key', () => {
    const req = signed(NOW);
    expect(paddle.idempotencyKey(req, new HeaderBag(req.headers), JSON.parse(body))).toEqual({
      key: 'evt_01hv8x2acma2gz4mv6z7yhmx4f',
      source: 'body.event_id',
    });
    expect(paddle.idempotencyKey(req, new HeaderBag(req.headers), { id: 1 })).toBeNull();
  });
});
