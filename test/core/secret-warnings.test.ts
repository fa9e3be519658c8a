import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEngine, type TestEngine } from '../helpers/engine';

const OPENAI_SECRET = 'whsec_' + Buffer.from('openai-endpoint-secret-32-bytes!').toString('base64');
const DISCORD_PUBLIC_KEY = 'e'.repeat(64);

let t: TestEngine;
beforeEach(async () => {
  t = await startEngine();
});
afterEach(() => t.stop());

describe('saveEndpoint warns about secrets not of the provider’s form', () => {
  it('Stripe: an API key instead of the whsec_ signing secret, without quoting it', async () => {
    const saved = await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/stripe',
      provider: 'stripe',
      secrets: ['sk_live_123'],
    });
    expect(saved.secretCount).toBe(1);
    expect(saved.warnings).toHaveLength(1);
    expect(saved.warnings[0]).toMatch(
      /^The secret does not look like a signing secret for Stripe: /,
    );
    expect(saved.warnings[0]).toContain('it is a Stripe API key, which does not sign webhooks');
    expect(saved.warnings[0]).toContain('Expected whsec_…');
    expect(saved.warnings[0]).not.toContain('sk_live_123');
    const good = await t.client.saveEndpoint({
      id: saved.id,
      name: 'Stripe',
      path: '/stripe',
      secrets: ['whsec_test_secret'],
    });
    expect(good.warnings).toEqual([]);
  });

  it('OpenAI and the Standard Webhooks family: whsec_ followed by base64', async () => {
    const saved = await t.client.saveEndpoint({
      name: 'OpenAI',
      path: '/openai',
      provider: 'openai',
      secrets: [OPENAI_SECRET, 'not a secret!', 'sk-proj-abc123', 'whsec_!!'],
    });
    expect(saved.warnings).toEqual([
      'Secret #2 does not look like a signing secret for OpenAI: it is neither whsec_<base64> nor base64. Expected whsec_ followed by base64, as OpenAI shows it when the webhook is created. Deliveries will not verify with it.',
      'Secret #3 does not look like a signing secret for OpenAI: it looks like an API key (sk-…), not the webhook signing secret. Expected whsec_ followed by base64, as OpenAI shows it when the webhook is created. Deliveries will not verify with it.',
      'Secret #4 does not look like a signing secret for OpenAI: it is not base64 after whsec_. Expected whsec_ followed by base64, as OpenAI shows it when the webhook is created. Deliveries will not verify with it.',
    ]);
  });

  it('checks the stored secrets again when only the provider changes', async () => {
    const saved = await t.client.saveEndpoint({
      name: 'Any',
      path: '/any',
      secrets: ['plain-shared-secret'],
    });
    expect(saved.warnings).toEqual([]); // auto: any form may be right
    const discord = await t.client.saveEndpoint({
      id: saved.id,
      name: 'Any',
      path: '/any',
      provider: 'discord',
    });
    expect(discord.warnings[0]).toContain("Expected the application's public key");
    const ok = await t.client.saveEndpoint({
      id: saved.id,
      name: 'Any',
      path: '/any',
      secrets: [DISCORD_PUBLIC_KEY],
    });
    expect(ok.warnings).toEqual([]);
  });

  it('says nothing for providers whose secrets may be any string (GitHub)', async () => {
    const saved = await t.client.saveEndpoint({
      name: 'GitHub',
      path: '/github',
      provider: 'github',
      secrets: ["It's a Secret to Everybody"],
    });
    expect(saved.warnings).toEqual([]);
  });
});
