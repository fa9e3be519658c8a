import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';

/**
 * Reference receivers for the check-up: real HTTP servers on 127.0.0.1, port 0. A correct one
 * verifies with the provider's official SDK, dedupes by delivery id (recorded on arrival) and
 * answers fast; the broken ones each get one thing wrong.
 */

/** Returns the delivery id when the request verifies; throws when it does not. */
type Verify = (body: Buffer, headers: IncomingHttpHeaders) => Promise<string> | string;

export interface Behaviour {
  verify: Verify;
  /** Status for a delivery id seen before (a correct receiver: 200). */
  duplicateStatus?: number;
  /** Wait before answering a NEW verified delivery ("heavy processing"). */
  delayMs?: number;
  /** Answer verified deliveries with a 302 to this location. */
  redirectTo?: string;
  /** Answer new verified deliveries with this status (a handler failing after verifying). */
  newStatus?: number;
}

export interface Receiver {
  url: string;
  /** Requests received so far. */
  received: () => number;
  close: () => Promise<void>;
}

export const STRIPE_SECRET = 'whsec_checkup_c0rrect_s3cret_for_tests';
export const OPENAI_SECRET = `whsec_${Buffer.from('openai checkup secret 32 bytes!!').toString('base64')}`;
export const SVIX_SECRET = `whsec_${Buffer.from('svix checkup secret of 32 bytes!').toString('base64')}`;
export const GITHUB_SECRET = 'github checkup secret';

const stripe = new Stripe('sk_test_hookscope');
const openai = new OpenAI({ apiKey: 'sk-test', webhookSecret: OPENAI_SECRET });
const one = (h: string | string[] | undefined): string => (Array.isArray(h) ? h[0]! : (h ?? ''));

/** stripe-node's constructEvent (default 300 s tolerance, or the one given). */
export const stripeVerify =
  (tolerance?: number): Verify =>
  (body, headers) =>
    stripe.webhooks.constructEvent(body, one(headers['stripe-signature']), STRIPE_SECRET, tolerance)
      .id;

/** openai-node's webhooks.unwrap; the id is the webhook-id header. */
export const openaiVerify: Verify = async (body, headers) => {
  await openai.webhooks.unwrap(body.toString('utf8'), headers as Record<string, string>);
  return one(headers['webhook-id']);
};

/** The svix library's Webhook.verify. */
export const svixVerify: Verify = (body, headers) => {
  new SvixWebhook(SVIX_SECRET).verify(body.toString('utf8'), headers as Record<string, string>);
  return one(headers['svix-id']);
};

/** @octokit/webhooks-methods verify; the id is X-GitHub-Delivery. */
export const githubVerify: Verify = async (body, headers) => {
  const ok = await octokitVerify(
    GITHUB_SECRET,
    body.toString('utf8'),
    one(headers['x-hub-signature-256']),
  );
  if (!ok) throw new Error('bad signature');
  return one(headers['x-github-delivery']);
};

/** No verification at all: any JSON body's `id` is taken as is. */
export const noVerify: Verify = (body) =>
  String((JSON.parse(body.toString('utf8')) as { id?: unknown }).id);

/** Starts a receiver with this behaviour. */
export async function startReceiver(b: Behaviour): Promise<Receiver> {
  const seen = new Set<string>();
  let received = 0;
  const server = createServer((req, res) => {
    received += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let id: string;
        try {
          id = await b.verify(body, req.headers);
        } catch {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          return res.end('{"error":"invalid signature"}');
        }
        if (seen.has(id)) {
          res.writeHead(b.duplicateStatus ?? 200, { 'Content-Type': 'application/json' });
          return res.end('{"duplicate":true}');
        }
        seen.add(id);
        if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
        if (b.redirectTo) {
          res.writeHead(302, { Location: b.redirectTo });
          return res.end();
        }
        res.writeHead(b.newStatus ?? 200, { 'Content-Type': 'application/json' });
        res.end(b.newStatus ? '{"error":"internal"}' : '{"received":true}');
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received: () => received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Receivers started by a test file, all closed by `closeAll` (call it in afterEach). */
export function receiverPool(): { start: typeof startReceiver; closeAll: () => Promise<void> } {
  const open: Receiver[] = [];
  return {
    start: async (b) => {
      const r = await startReceiver(b);
      open.push(r);
      return r;
    },
    closeAll: async () => {
      await Promise.all(open.splice(0).map((r) => r.close()));
    },
  };
}
