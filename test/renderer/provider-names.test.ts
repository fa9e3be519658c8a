import { describe, expect, it } from 'vitest';
import { providerName } from '../../src/renderer/src/format/provider-names';
import { providers } from '../../src/shared/providers';

describe('provider names in the UI', () => {
  it('come from the provider catalogue, with auto and unknown ids spelled out', () => {
    for (const p of providers) expect(providerName(p.id)).toBe(p.name);
    expect(providerName('lemonsqueezy')).toBe('Lemon Squeezy');
    expect(providerName('auto')).toBe('detect from headers');
    expect(providerName('unknown-provider')).toBe('unknown-provider');
  });
});
