/**
 * What a search means, independent of the backend that runs it (FTS5 here; a PostgreSQL
 * backend can map the same terms to tsquery phrases).
 *
 * Text is split into tokens: runs of letters and digits, case-folded, diacritics removed
 * (FTS5's `unicode61 remove_diacritics 2`). A query is a list of terms, all required:
 * - a word matches a whole token; a word holding punctuation (`a-b`, `a.b`, `evt_bulk_5`)
 *   is a phrase of its tokens;
 * - `"a b"` matches those tokens adjacent and in that order;
 * - a trailing `*` (`pre*`, `"a pre"*`) makes the last token a prefix;
 * - `path:`, `header:` (or `headers:`) and `body:` before a term limit it to that field.
 * Operators (AND, OR, NOT, NEAR, parentheses) are plain words. A term without letters or
 * digits is ignored, so a query of only punctuation (`(`, `*`, `""`) filters nothing: the UI
 * says "nothing to search for" under the box instead of seeming to match everything.
 */

import { parseSearch, type SearchField, type SearchTerm } from '../../shared/search';

// The parser is shared with the UI, which says "nothing to search for" for a query without
// terms (`(`, `*`, `""`): both read a query the same way.
export { parseSearch, type SearchField, type SearchTerm };

/**
 * The FTS5 MATCH expression for the terms (null when there are none). Every term is one
 * quoted FTS5 string: FTS5 tokenizes it with the table's tokenizer, so punctuation inside
 * makes a phrase, and nothing the user typed can act as an FTS5 operator.
 */
export function toFtsMatch(terms: SearchTerm[]): string | null {
  if (terms.length === 0) return null;
  return terms
    .map((t) => {
      const phrase = `"${t.text.replace(/"/g, '""')}"${t.prefix ? ' *' : ''}`;
      return t.field ? `{${t.field}} : ${phrase}` : phrase;
    })
    .join(' AND ');
}
