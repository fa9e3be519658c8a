import { SEARCH_BODY_BYTES } from '../../shared/search';
import { decodeBounded } from '../decode-body';

/** What search reads of one event: path with query, headers, the body's text. */
export interface SearchFields {
  path: string;
  headers: string;
  body: string;
  /** How much of the body search covers: all of its text, the first SEARCH_BODY_BYTES, none. */
  coverage: 'all' | 'first' | 'none';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]/u;

/** Bytes to read of a body that is not encoded: the searched part and the next character. */
export const BODY_READ_BYTES = SEARCH_BODY_BYTES + 4;

/** True when the headers give a Content-Encoding other than identity. */
export function isEncoded(headers: [string, string][]): boolean {
  return headers.some(
    ([n, v]) => n.toLowerCase() === 'content-encoding' && v.trim().toLowerCase() !== 'identity',
  );
}

/**
 * The first SEARCH_BODY_BYTES of `bytes` as text, or null when they are not UTF-8. A cut
 * through a character or a word drops that partial character or word, so a token is never
 * indexed as a piece of a longer one.
 */
function textPrefix(bytes: Buffer): { text: string; cut: boolean } | null {
  if (bytes.length <= SEARCH_BODY_BYTES) {
    try {
      return { text: utf8.decode(bytes), cut: false };
    } catch {
      return null;
    }
  }
  let end = SEARCH_BODY_BYTES;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to a character start
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(0, end));
  } catch {
    return null;
  }
  const next = lenient.decode(bytes.subarray(end, end + 4));
  if (WORD_CHAR.test(next)) text = withoutLastWord(text);
  return { text, cut: true };
}

/**
 * `text` without the word characters it ends with, scanned back one character at a time. A
 * regex such as `/[\p{L}\p{N}\p{M}]+$/` would retry from every position of a long word
 * followed by a space: quadratic, minutes for the 1 MB a body is read to.
 */
function withoutLastWord(text: string): string {
  let end = text.length;
  while (end > 0) {
    const low = text.charCodeAt(end - 1);
    const pair = low >= 0xdc00 && low <= 0xdfff && end > 1 ? 2 : 1;
    if (!WORD_CHAR.test(text.slice(end - pair, end))) break;
    end -= pair;
  }
  return text.slice(0, end);
}

function decodeUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The searchable fields of an event. `body` is the stored body, or (when it is not encoded)
 * at least its first BODY_READ_BYTES: no more is read. Encoded bodies are
 * decoded (decodeBounded: the display's cap, every layer counted) and searched as their decoded text; bodies that
 * are not text (or cannot be decoded within the limit) are not searched.
 */
export function searchFields(
  e: { path: string; query: string; headers: [string, string][] },
  body: Buffer,
  bodySize: number,
  /** The headers as received, for the Content-Encoding (`e.headers` may be masked). */
  received: [string, string][] = e.headers,
): SearchFields {
  const path = decodeUri(e.query ? `${e.path}?${e.query}` : e.path);
  const headers = e.headers.map(([n, v]) => `${n}: ${v}`).join('\n');
  let bytes: Buffer | null = body;
  let size = bodySize;
  if (isEncoded(received)) {
    const d = decodeBounded(received, body);
    bytes = 'bytes' in d ? d.bytes : null;
    size = 'bytes' in d ? d.bytes.length : body.length;
  }
  const text = bytes && bytes.length > 0 ? textPrefix(bytes) : null;
  if (!text) return { path, headers, body: '', coverage: size === 0 ? 'all' : 'none' };
  return { path, headers, body: text.text, coverage: text.cut ? 'first' : 'all' };
}
