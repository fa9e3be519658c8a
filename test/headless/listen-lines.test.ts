import { describe, expect, it } from 'vitest';
import { deliveryLine } from '../../src/headless/listen';
import { summary } from '../renderer/fixtures';

describe('hookscope listen lines', () => {
  it('names a future timestamp "from the future (clock skew)" and an old one "too old"', () => {
    const future = deliveryLine(
      summary(1, { signature: { status: 'future', provider: 'stripe' } }),
    );
    expect(future).toContain('signature from the future (clock skew) (stripe)');
    const old = deliveryLine(summary(2, { signature: { status: 'stale', provider: 'stripe' } }));
    expect(old).toContain('signature too old (stripe)');
  });
});
