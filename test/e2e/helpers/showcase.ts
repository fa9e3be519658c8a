import type { HookscopeServer } from './serve';
import {
  createProviderEndpoints,
  githubDelivery,
  openaiDelivery,
  sendWebhook,
  stripeDelivery,
} from './webhooks';

const repo = {
  id: 708123456,
  name: 'checkout-service',
  full_name: 'acme/checkout-service',
  private: true,
  owner: { login: 'acme', id: 9123 },
  html_url: 'https://github.com/acme/checkout-service',
};
const sender = { login: 'jdoe', id: 48211 };
const commit = {
  id: '9f2c1e7b4d0a6c3e8f1b2a7d5c9e0f4a1b3c6d8e',
  tree_id: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  distinct: true,
  message: 'Retry webhook handler on 5xx from the ledger',
  timestamp: '2026-11-27T09:12:44+01:00',
  url: 'https://github.com/acme/checkout-service/commit/9f2c1e7',
  author: { name: 'Jane Doe', email: 'jane@acme.dev' },
  committer: { name: 'Jane Doe', email: 'jane@acme.dev' },
  added: [],
  removed: [],
  modified: ['src/webhooks/stripe.ts'],
};

/**
 * A realistic morning of deliveries (oldest first): GitHub pushes and a pull request,
 * Stripe payments (one resent: a duplicate; one signed with the wrong secret), and OpenAI
 * batch and response events, all on endpoints with signing secrets.
 */
export async function sendShowcase(server: HookscopeServer): Promise<void> {
  await createProviderEndpoints(server);
  const pi = {
    id: 'pi_3QfR8sLkdIwHu7ix0a1B2c3D',
    object: 'payment_intent',
    amount: 4999,
    currency: 'eur',
    status: 'succeeded',
    customer: 'cus_QhT5uVwXyZ0aBc',
    metadata: { order_id: 'ORD-2026-081542' },
  };
  const paid = stripeDelivery('payment_intent.succeeded', pi, { id: 'evt_3QfR8sLkdIwHu7ix1xYz' });
  const deliveries: [string, { body: string; headers: Record<string, string> }][] = [
    [
      '/github/acme',
      githubDelivery('push', {
        ref: 'refs/heads/main',
        before: '0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788776',
        after: commit.id,
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: 'https://github.com/acme/checkout-service/compare/0d1c2b3a4f5e...9f2c1e7b4d0a',
        commits: [commit],
        head_commit: commit,
        pusher: { name: 'jdoe', email: 'jane@acme.dev' },
        repository: repo,
        sender,
      }),
    ],
    ['/openai', openaiDelivery('batch.completed', 'batch_67a9f2c41e8c8190b5d0e4a1')],
    ['/stripe', paid],
    [
      '/stripe',
      stripeDelivery(
        'invoice.payment_failed',
        { id: 'in_1QfRA2LkdIwHu7ixQw3E', object: 'invoice', amount_due: 2900, attempt_count: 2 },
        { secret: 'whsec_rotated_last_week' },
      ),
    ],
    ['/openai', openaiDelivery('response.completed', 'resp_68b1c0d2e3f4a5b6c7d8e9f0')],
    [
      '/github/acme',
      githubDelivery('pull_request', {
        action: 'opened',
        number: 482,
        pull_request: {
          id: 2145567890,
          number: 482,
          title: 'Verify Stripe signatures before parsing',
          state: 'open',
          html_url: 'https://github.com/acme/checkout-service/pull/482',
          user: sender,
          head: { ref: 'verify-signatures', sha: commit.id },
          base: { ref: 'main', sha: '0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788776' },
        },
        repository: repo,
        sender,
      }),
    ],
    ['/stripe', paid],
    ['/openai', openaiDelivery('batch.failed', 'batch_67a9f3d07c2c8190a4e6f1b2')],
    [
      '/stripe',
      stripeDelivery('charge.refunded', {
        id: 'ch_3QfRC1LkdIwHu7ix0LmN',
        object: 'charge',
        amount: 1299,
        amount_refunded: 1299,
        currency: 'usd',
        refunded: true,
      }),
    ],
    ['/openai', openaiDelivery('batch.completed', 'batch_67a9f3d07c2c8190a4e6f1b2')],
  ];
  for (const [path, d] of deliveries) await sendWebhook(server, path, d.body, d.headers);
}
