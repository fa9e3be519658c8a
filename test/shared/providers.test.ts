import { describe, expect, it } from 'vitest';
import { schemeList, schemes } from '../../src/core/signatures/registry';
import { providerIds } from '../../src/shared/model';
import { detectionOrder, providerName, providers } from '../../src/shared/providers';

describe('the provider catalogue', () => {
  it('is where providerIds and the scheme registry come from', () => {
    expect(providerIds).toEqual(providers.map((p) => p.id));
    expect(Object.keys(schemes).sort()).toEqual([...providerIds].sort());
    for (const p of providers) {
      expect(schemes[p.id].id).toBe(p.id);
      expect(schemes[p.id].name).toBe(p.name);
      expect(providerName(p.id)).toBe(p.name);
    }
  });

  it('gives every provider its own place in the detection order, which the registry follows', () => {
    const orders = providers.map((p) => p.detectOrder);
    expect(new Set(orders).size).toBe(orders.length);
    expect(schemeList.map((s) => s.id)).toEqual(detectionOrder.map((p) => p.id));
    expect(schemeList.at(-1)!.id).toBe('standard-webhooks');
  });
});
