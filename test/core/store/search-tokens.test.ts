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

  it('on every code point of the BMP and a sample of the others, each inside a word', () => {
    // One document per code point, read back in one pass (fts5vocab by document).
    db.exec(`CREATE VIRTUAL TABLE all_t USING fts5 (x, tokenize='unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE all_v USING fts5vocab(all_t, instance);`);
    const add = db.prepare('INSERT INTO all_t (rowid, x) VALUES (?, ?)');
    const points: number[] = [];
    for (let cp = 1; cp < 0x110000; cp += cp < 0x10000 ? 1 : 31) {
      if (cp < 0xd800 || cp > 0xdfff) points.push(cp);
    }
    db.transaction(() => {
      for (const cp of points)
        add.run(cp, `a${String.fromCodePoint(cp)}b x${String.fromCodePoint(cp)}`);
    })();
    const fts = new Map<number, string[]>();
    for (const r of db.prepare('SELECT doc, term FROM all_v ORDER BY doc, offset').iterate()) {
      const { doc, term } = r as { doc: number; term: string };
      fts.set(doc, [...(fts.get(doc) ?? []), term]);
    }
    const wrong: string[] = [];
    for (const cp of points) {
      const text = `a${String.fromCodePoint(cp)}b x${String.fromCodePoint(cp)}`;
      const ours = searchTokens(text);
      const theirs = fts.get(cp) ?? [];
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        wrong.push(`U+${cp.toString(16)}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it('on random text (property)', () => {
    const alphabet = fc.constantFrom(
      ...'aZé É0 9_-.:"\'*()ÿĀǕǖΣσςЙйıǅſKµǡ\u0301\u0308\u0305\u094dि日本ßİ①Ⅻ😀\u200d\t\n,'.split(
        '',
      ),
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
