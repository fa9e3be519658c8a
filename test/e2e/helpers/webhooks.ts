import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect } from '@playwright/test';
import type { HookscopeServer } from './serve';

/** POSTs a webhook with Node's fetch and checks the receiver acknowledged it as stored. */
export async function sendWebhook(
  server: HookscopeServer,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(`${server.receiverUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  expect(res.status, `receiver answer for ${path}`).toBe(200);
  await res.arrayBuffer();
}

/**
 * POSTs with node:http, which puts `path` in the request line byte for byte (fetch would
 * percent-encode characters such as `<` and `>`).
 */
export function sendRaw(
  server: HookscopeServer,
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'text/html' },
): Promise<number> {
  const url = new URL(server.receiverUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const STRIPE_SECRET = 'whsec_e2eStripeSigningSecret0123456789';
const GITHUB_SECRET = 'gh-e2e-webhook-secret';
const OPENAI_KEY = Buffer.from('openai-e2e-signing-key-32-bytes!').toString('base64');
const OPENAI_SECRET = `whsec_${OPENAI_KEY}`;

const now = (): number => Math.floor(Date.now() / 1000);
const hex = (key: string, data: string): string =>
  createHmac('sha256', key).update(data).digest('hex');

/** Creates Stripe, GitHub and OpenAI endpoints with signing secrets. */
export async function createProviderEndpoints(server: HookscopeServer): Promise<void> {
  for (const [name, path, provider, secret] of [
    ['Stripe', '/stripe', 'stripe', STRIPE_SECRET],
    ['GitHub', '/github', 'github', GITHUB_SECRET],
    ['OpenAI', '/openai', 'openai', OPENAI_SECRET],
  ] as const) {
    const res = await server.api('saveEndpoint', { name, path, provider, secrets: [secret] });
    expect(res.status, `saveEndpoint ${path}`).toBe(200);
  }
}

/** A Stripe delivery signed like Stripe does (`t=...,v1=...`); `secret` may be wrong on purpose. */
export function stripeDelivery(
  type: string,
  object: Record<string, unknown>,
  opts: { id?: string; secret?: string; t?: number } = {},
): { body: string; headers: Record<string, string> } {
  const t = opts.t ?? now();
  const body = JSON.stringify(
    {
      id: opts.id ?? `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      object: 'event',
      api_version: '2024-06-20',
      created: t,
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: `req_${randomUUID().slice(0, 14)}`, idempotency_key: randomUUID() },
      type,
    },
    null,
    2,
  );
  const sig = hex(opts.secret ?? STRIPE_SECRET, `${t}.${body}`);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': `t=${t},v1=${sig}`,
    },
  };
}

/** A GitHub delivery with X-Hub-Signature-256. */
export function githubDelivery(
  event: string,
  payload: Record<string, unknown>,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/7d3f2a1',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '512340987',
      'x-hub-signature-256': `sha256=${hex(GITHUB_SECRET, body)}`,
    },
  };
}

/** An OpenAI delivery (Standard Webhooks signature) about job `jobId`. */
export function openaiDelivery(
  type: string,
  jobId: string,
): { body: string; headers: Record<string, string> } {
  const id = `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const t = now();
  const body = JSON.stringify({ id, object: 'event', created_at: t, type, data: { id: jobId } });
  const msgId = `wh_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const sig = createHmac('sha256', Buffer.from(OPENAI_KEY, 'base64'))
    .update(`${msgId}.${t}.${body}`)
    .digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)',
      'webhook-id': msgId,
      'webhook-timestamp': String(t),
      'webhook-signature': `v1,${sig}`,
    },
  };
}
