import { describe, expect, it } from 'vitest';
import { schemes } from '../../../src/core/signatures/registry';
import { providers } from '../../../src/shared/providers';
import { signFixtures } from './sign';
import { verdictSuite } from './verdict-suite';

// The verdict behaviours every scheme must have, run over every provider of the catalogue with
// its "sign" fixture (./sign): valid, invalid (changed content, wrong secret), rotation, several
// signatures, stale/future or no timestamp, missing, no-secret, malformed.

describe.each(providers.map((p) => ({ id: p.id, name: p.name })))('$name ($id)', ({ id }) => {
  it('the fixture drives the registered scheme', () => {
    expect(signFixtures[id].scheme).toBe(schemes[id]);
  });
  verdictSuite(signFixtures[id]);
});
