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
 * digits is ignored, so a query of only punctuation matches everything.
 */

/** The searchable fields: path with its query string, headers (names and values), body text. */
export type SearchField = 'path' | 'headers' | 'body';

export interface SearchTerm {
  field: SearchField | null;
  /** The text as typed (without quotes, field prefix and trailing `*`). */
  text: string;
  prefix: boolean;
}

const FIELDS: Record<string, SearchField> = {
  path: 'path',
  header: 'headers',
  headers: 'headers',
  body: 'body',
};

/** Letters and digits: a term without any has no token (FTS5's token characters). */
const HAS_TOKEN = /[\p{L}\p{N}\p{Co}]/u;

/** Splits a query into terms; never throws, whatever the text. */
export function parseSearch(text: string): SearchTerm[] {
  // Control characters separate words anyway; NUL would end FTS5's reading of the query.
  // eslint-disable-next-line no-control-regex
  const input = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const terms: SearchTerm[] = [];
  // field prefix, then a quoted phrase (closing quote optional) or a run of non-space.
  const re = /(?:([A-Za-z]+):(?=\S))?(?:"([^"]*)"?(\*?)|(\S+))/gy;
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i]!)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(input)!; // always matches at a non-space
    i = re.lastIndex;
    const field = m[1] !== undefined ? FIELDS[m[1].toLowerCase()] : undefined;
    let text: string;
    let prefix: boolean;
    if (m[2] !== undefined) {
      text = m[2];
      prefix = m[3] === '*';
    } else {
      text = m[4]!;
      prefix = text.endsWith('*');
      // Quotes inside a word are punctuation like any other.
      text = text.replace(/\*+$/, '').replace(/"/g, ' ');
    }
    if (m[1] !== undefined && field === undefined) text = `${m[1]}:${text}`; // not a field
    if (!HAS_TOKEN.test(text)) continue;
    terms.push({ field: field ?? null, text, prefix });
  }
  return terms;
}

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
