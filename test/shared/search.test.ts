import { describe, expect, it } from 'vitest';
import { nothingToSearch, parseSearch } from '../../src/shared/search';
import { parseSearch as engineParse } from '../../src/core/store/search-query';

describe('a query with nothing to search for (issue 14 #9)', () => {
  it('is said for punctuation only, a bare star or empty quotes, never for words', () => {
    for (const q of ['(', '*', '""', ' ( ) ', 'path:(', '"" *']) {
      expect(parseSearch(q)).toEqual([]);
      expect(nothingToSearch(q)).toMatch(/^Nothing to search for in ".*": search matches words/);
    }
    for (const q of ['', '   ', 'refund', '(refund)', 'evt_*', '"order paid"', 'body:x']) {
      expect(nothingToSearch(q)).toBeNull();
    }
  });

  it('uses the engine’s own parser', () => {
    expect(engineParse).toBe(parseSearch);
  });
});
