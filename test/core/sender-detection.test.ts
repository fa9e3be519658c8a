import { wholeDetail } from '../../src/shared/event-body';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDetail } from '../../src/shared/model';
import { startEngine, type TestEngine } from '../helpers/engine';
import { stripeChargeEvent } from '../helpers/stripe';

const fixture = (p: string): string =>
  readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

/** POSTs to the default (auto) endpoint and returns the stored event. */
async function post(body: string, headers: Record<string, string>): Promise<EventDetail> {
  const res = await fetch(`${t.receiverUrl}/hooks`, { method: 'POST', body, headers });
  await res.text();
  const { items } = await t.client.listEvents({ limit: 1 });
  return wholeDetail(t.client, await t.client.getEvent({ id: items[0]!.id }));
}

const STRIPE_EVENT = stripeChargeEvent('evt_unsigned');

describe('auto endpoint: a delivery that names its provider by other headers but is not signed', () => {
  // Each provider's own non-signature headers, as it documents them, and no signature.
  const cases: [string, string, Record<string, string>, string][] = [
    [
      'openai',
      fixture('openai/batch.completed.json'),
      { 'user-agent': 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)' },
      'User-Agent "OpenAI/1.0',
    ],
    [
      'stripe',
      STRIPE_EVENT,
      { 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      'User-Agent "Stripe/1.0',
    ],
    [
      'github',
      fixture('github/push.payload.json'),
      { 'x-github-event': 'push' },
      'X-GitHub-Event header',
    ],
    [
      'github',
      fixture('github/ping.payload.json'),
      { 'user-agent': 'GitHub-Hookshot/044aadd' },
      'User-Agent "GitHub-Hookshot/',
    ],
    ['shopify', '{"id":1}', { 'x-shopify-topic': 'orders/create' }, 'X-Shopify-Topic header'],
    [
      'slack',
      '{"type":"event_callback"}',
      { 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' },
      'User-Agent "Slackbot',
    ],
    [
      'linear',
      '{"action":"create","type":"Issue"}',
      { 'linear-event': 'Issue' },
      'Linear-Event header',
    ],
    [
      'zoom',
      '{"event":"meeting.started"}',
      { 'user-agent': 'Zoom Marketplace/1.0a' },
      'User-Agent "Zoom Marketplace/1.0a"',
    ],
    [
      'twilio',
      'CallSid=CA1',
      { 'i-twilio-idempotency-token': 'tok-1' },
      'I-Twilio-Idempotency-Token header',
    ],
    [
      'svix',
      '{"type":"user.created","data":{}}',
      { 'svix-id': 'msg_1', 'svix-timestamp': '1' },
      'svix-id header',
    ],
    [
      'standard-webhooks',
      '{"type":"thing.happened","timestamp":"2026-01-01T00:00:00Z","data":{}}',
      { 'webhook-id': 'msg_2', 'webhook-timestamp': '1' },
      'webhook-id header',
    ],
  ];

  for (const [provider, body, headers, by] of cases) {
    it(`${provider} by its ${by}: that provider's delivery with the signature missing`, async () => {
      const e = await post(body, headers);
      expect(e.signature.status).toBe('missing');
      expect(e.signature.provider).toBe(provider);
      expect(e.signature.reason).toContain(`(by its ${by}`);
      expect(e.signature.reason).toMatch(/^Sent as .* but no /);
    });
  }

  it('checks the provider’s schema for it', async () => {
    const openai = await post(fixture('openai/batch.completed.json'), {
      'user-agent': 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)',
    });
    expect(openai.schema).toEqual({ status: 'valid', name: 'OpenAI batch.completed' });
    expect(openai.eventType).toBe('batch.completed');
    const github = await post(fixture('github/push.payload.json'), { 'x-github-event': 'push' });
    expect(github.schema).toMatchObject({ status: 'valid', name: 'GitHub push' });
    const stripe = await post('{"id":"evt_x","object":"event"}', {
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    });
    expect(stripe.schema.status).toBe('invalid');
  });

  it('a signature header still wins over another provider’s User-Agent', async () => {
    const e = await post('{}', {
      'user-agent': 'Stripe/1.0',
      'x-hub-signature-256': 'sha256=00',
      'x-github-event': 'ping',
    });
    expect(e.signature.provider).toBe('github');
  });

  it('with no provider known, the body’s type or event field still names the event type', async () => {
    const typed = await post('{"type":"order.created","id":7}', { 'user-agent': 'curl/8.5.0' });
    expect(typed.signature).toMatchObject({ status: 'none', provider: null });
    expect(typed.eventType).toBe('order.created');
    const evented = await post('{"event":"invoice.paid"}', {});
    expect(evented.eventType).toBe('invoice.paid');
    const { items } = await t.client.listEvents({ limit: 1 });
    expect(items[0]!.eventType).toBe('invoice.paid');
  });
});
