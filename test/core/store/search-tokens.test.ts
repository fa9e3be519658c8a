/**
 * The JavaScript tokens (search-tokens.ts, PostgreSQL's search) against FTS5's own, read back
 * from a real FTS5 table with the log's tokenizer: search means the same on both backends.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { searchTokens } from '../../../src/core/store/search-tokens';
import { SEARCH_DELIVERIES } from '../search-cases';

const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE t USING fts5 (x, tokenize='unicode61 remove_diacritics 2');
  CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`);
const insert = db.prepare('INSERT INTO t (rowid, x) VALUES (1, ?)');
const terms = db.prepare('SELECT term FROM v ORDER BY offset');
afterAll(() => db.close());

function fts5Tokens(text: string): string[] {
  db.exec('DELETE FROM t');
  insert.run(text);
  return (terms.all() as { term: string }[]).map((r) => r.term);
}

describe('search tokens agree with FTS5 (unicode61 remove_diacritics 2)', () => {
  it('on words of many scripts, diacritics, marks, ligatures and symbols', () => {
    const samples = [
      'Café crème, naïve',
      'e\u0301x x\u0300\u0301y',
      'ø ł æ ß ǅ İstanbul ﬁne Ǆemal ǈ ǲ Ꜳ Ω',
      'हिन्दी 日本語テキスト ΣΊΣΥΦΟΣ ά ὰ ᾶ й ё Ї',
      'Ⅻ ① ² Ⓐ ⓐ ｆｕｌｌ a\u200db 😀smile',
      'ŉ Ǻ ẞ ḉ ǖ Ð đ ħ ệ Ỹ ǰ ǹ ȁ ȷ',
      'evt_bulk_5 payment_intent.succeeded bulkmark-12 mode=test Reykjavík',
      ...SEARCH_DELIVERIES.map((d) => `${d.path ?? ''} ${d.body.toString('utf8').slice(0, 200)}`),
    ];
    for (const s of samples) expect(searchTokens(s), s).toEqual(fts5Tokens(s));
  });

  it('on random text (property)', () => {
    const alphabet = fc.constantFrom(
      ...'aZé É0 9_-.:"\'*()ÿĀǕǖΣσςЙйıǅſK\u0301\u0308\u094dि日本ßİ①Ⅻ😀\u200d\t\n,'.split(''),
      '😀',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        expect(searchTokens(s)).toEqual(fts5Tokens(s));
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});
