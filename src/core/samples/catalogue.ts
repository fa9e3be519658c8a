import { randomBytes } from 'node:crypto';
import type { ProviderId } from '../../shared/model';

/** One sample delivery: built fresh each time (new ids, current timestamps). */
export interface Sample {
  id: string;
  provider: ProviderId;
  title: string;
  /** Headers the provider sends besides its signature (which is added when signing). */
  headers: [string, string][];
  body: (now: number) => string;
}

const hex = (n: number): string => randomBytes(n).toString('hex');
const sec = (now: number): number => Math.floor(now / 1000);
const OPENAI_UA: [string, string] = [
  'User-Agent',
  'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)',
];
const JSON_CT: [string, string] = ['Content-Type', 'application/json'];

/** OpenAI's envelope: `{id, object: "event", created_at, type, data: {id}}`. */
const openai = (type: string, jobPrefix: string, title: string): Sample => ({
  id: `openai.${type}`,
  provider: 'openai',
  title,
  headers: [JSON_CT, OPENAI_UA],
  body: (now) =>
    JSON.stringify({
      id: `evt_${hex(16)}`,
      object: 'event',
      created_at: sec(now),
      type,
      data: { id: `${jobPrefix}${hex(12)}` },
    }),
});

const stripe = (type: string, object: Record<string, unknown>, title: string): Sample => ({
  id: `stripe.${type}`,
  provider: 'stripe',
  title,
  headers: [JSON_CT, ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)']],
  body: (now) =>
    JSON.stringify({
      id: `evt_${hex(12)}`,
      object: 'event',
      api_version: '2025-09-30.clover',
      created: sec(now),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: `req_${hex(7)}`, idempotency_key: hex(16) },
      type,
    }),
});

const repo = {
  id: 186853002,
  name: 'hookscope-demo',
  full_name: 'octo-org/hookscope-demo',
  private: false,
  html_url: 'https://github.com/octo-org/hookscope-demo',
  default_branch: 'main',
  owner: { login: 'octo-org', id: 6811672, type: 'Organization' },
};
const sender = { login: 'octocat', id: 583231, type: 'User' };

/** The catalogue `sendSample` draws from. */
export const SAMPLES: Sample[] = [
  openai('batch.completed', 'batch_', 'OpenAI batch completed'),
  openai('batch.failed', 'batch_', 'OpenAI batch failed'),
  openai('response.completed', 'resp_', 'OpenAI background response completed'),
  openai('fine_tuning.job.succeeded', 'ftjob-', 'OpenAI fine-tuning job succeeded'),
  openai('eval.run.succeeded', 'evalrun_', 'OpenAI eval run succeeded'),
  stripe(
    'payment_intent.succeeded',
    {
      id: 'pi_3Qdemo',
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      status: 'succeeded',
    },
    'Stripe payment intent succeeded',
  ),
  stripe(
    'checkout.session.completed',
    {
      id: 'cs_test_demo',
      object: 'checkout.session',
      mode: 'payment',
      payment_status: 'paid',
      amount_total: 2000,
    },
    'Stripe checkout session completed',
  ),
  {
    id: 'github.push',
    provider: 'github',
    title: 'GitHub push',
    headers: [
      JSON_CT,
      ['User-Agent', 'GitHub-Hookshot/a1b2c3d'],
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', ''],
    ],
    body: (now) => {
      const after = hex(20);
      const commit = {
        id: after,
        tree_id: hex(20),
        distinct: true,
        message: 'Handle batch.completed webhooks',
        timestamp: new Date(now).toISOString(),
        url: `${repo.html_url}/commit/${after}`,
        author: { name: 'Octo Cat', email: 'octocat@github.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
        added: ['src/webhooks.ts'],
        removed: [],
        modified: [],
      };
      const before = hex(20);
      return JSON.stringify({
        ref: 'refs/heads/main',
        before,
        after,
        repository: repo,
        pusher: { name: 'octocat', email: 'octocat@github.com' },
        sender,
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `${repo.html_url}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
        commits: [commit],
        head_commit: commit,
      });
    },
  },
  {
    id: 'github.pull_request.opened',
    provider: 'github',
    title: 'GitHub pull request opened',
    headers: [
      JSON_CT,
      ['User-Agent', 'GitHub-Hookshot/a1b2c3d'],
      ['X-GitHub-Event', 'pull_request'],
      ['X-GitHub-Delivery', ''],
    ],
    body: () =>
      JSON.stringify({
        action: 'opened',
        number: 42,
        pull_request: {
          id: 279147437,
          number: 42,
          state: 'open',
          title: 'Verify webhook signatures',
          user: sender,
          html_url: `${repo.html_url}/pull/42`,
          head: { ref: 'verify-signatures', sha: hex(20) },
          base: { ref: 'main', sha: hex(20) },
        },
        repository: repo,
        sender,
      }),
  },
  {
    id: 'shopify.orders/create',
    provider: 'shopify',
    title: 'Shopify order created',
    headers: [
      JSON_CT,
      ['X-Shopify-Topic', 'orders/create'],
      ['X-Shopify-Shop-Domain', 'hookscope-demo.myshopify.com'],
      ['X-Shopify-API-Version', '2025-10'],
      ['X-Shopify-Webhook-Id', ''],
      ['X-Shopify-Event-Id', ''],
    ],
    body: (now) =>
      JSON.stringify({
        id: 820982911946154500,
        email: 'jon@example.com',
        created_at: new Date(now).toISOString(),
        total_price: '199.00',
        currency: 'USD',
        line_items: [
          { id: 866550311766439000, title: 'Webhook Mug', quantity: 1, price: '199.00' },
        ],
      }),
  },
  {
    id: 'slack.event_callback',
    provider: 'slack',
    title: 'Slack app mention',
    headers: [JSON_CT, ['User-Agent', 'Slackbot 1.0 (+https://api.slack.com/robots)']],
    body: (now) =>
      JSON.stringify({
        token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
        team_id: 'T061EG9R6',
        api_app_id: 'A0PNCHHK2',
        event: {
          type: 'app_mention',
          user: 'U061F7AUR',
          text: '<@U0LAN0Z89> is the batch done?',
          ts: `${sec(now)}.000100`,
          channel: 'C0LAN2Q65',
        },
        type: 'event_callback',
        event_id: `Ev${hex(5).toUpperCase()}`,
        event_time: sec(now),
      }),
  },
];
