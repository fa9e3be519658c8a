/**
 * Search's tokens computed in JavaScript, as SQLite's FTS5 tokenizer (`unicode61
 * remove_diacritics 2`, migration 8) makes them, for a backend without FTS5 (PostgreSQL): the
 * same words give the same matches (search-query.ts says what a query means;
 * test/core/store/search-tokens.test.ts checks the tokens against FTS5's own).
 *
 * - A token is a run of letters, digits and private-use characters (\p{L} \p{N} \p{Co});
 *   combining diacritics (U+0300–U+036F) inside it are dropped, other marks separate.
 * - Each character is case-folded on its own (`ς` → `σ`), and a Latin letter with
 *   diacritics becomes its base letter (`é` → `e`, `ǖ` → `u`); other scripts keep theirs
 *   (`й`, `ά`), as FTS5 does.
 */

const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}\u0300-\u036f]/u;
const DIACRITIC = /[\u0300-\u036f]/u;

/** FTS5's folds that lower-casing does not make. */
const FOLDS: Record<string, string> = { ς: 'σ', ſ: 's' };

/** One character folded as FTS5 folds it (see above). */
function fold(ch: string): string {
  // Lower case is FTS5's fold (`ß`, `ı` stay), but for these (found by the property test).
  const lower = FOLDS[ch] ?? ch.toLowerCase();
  const d = lower.normalize('NFD');
  const base = d.codePointAt(0)!;
  if (d.length > 1 && base < 0x250 && DIACRITIC.test(d.slice(1))) {
    const rest = [...d.slice(1)];
    if (rest.every((c) => DIACRITIC.test(c))) return String.fromCodePoint(base);
  }
  return lower;
}

/** The tokens of a text, in order. */
export function searchTokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (!TOKEN_CHAR.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    if (DIACRITIC.test(ch)) continue; // a combining diacritic: part of the token, dropped
    cur += fold(ch);
  }
  if (cur) out.push(cur);
  return out;
}

/** A field as stored for matching: its tokens between single spaces, with one at each end. */
export function tokenString(text: string): string {
  const t = searchTokens(text);
  return t.length === 0 ? ' ' : ` ${t.join(' ')} `;
}
