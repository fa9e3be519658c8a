/** Search covers the first this many bytes of a body's text (decoded when gzip, deflate, br). */
export const SEARCH_BODY_BYTES = 1024 * 1024;

/** How a search is read, in one line: the search box's hint (the README says the same). */
export const SEARCH_HINT =
  'words match whole words · "quoted phrase" · pre* for a prefix · path: header: body: to pick a field';

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

/** Splits a query into terms (see core/store/search-query.ts); never throws, whatever the text. */
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

/** The words of a query that has none to search for (only punctuation, `*`, `""`): what to say. */
export function nothingToSearch(text: string): string | null {
  if (text.trim() === '' || parseSearch(text).length > 0) return null;
  return `Nothing to search for in ${JSON.stringify(text.trim())}: search matches words (letters and digits), so this filters nothing.`;
}
