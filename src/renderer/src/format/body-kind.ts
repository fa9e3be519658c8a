import { readFormFields } from '../../../shared/form';
/** How a body is best shown. */
export type BodyKind = 'empty' | 'json' | 'form' | 'xml' | 'text' | 'binary';

/**
 * Picks the view for a body from its Content-Type and content: JSON by type (`json`, `+json`)
 * or by shape, form-encoded, XML by type or prolog, other UTF-8 as text, the rest as binary.
 * JSON that does not parse falls back to text in the view itself.
 */
export function bodyKind(
  contentType: string | null | undefined,
  text: string | undefined,
  size: number,
): BodyKind {
  if (size === 0) return 'empty';
  if (text === undefined) return 'binary';
  const type = (contentType ?? '').toLowerCase().split(';')[0]!.trim();
  if (type.endsWith('json') || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type.endsWith('/xml') || type.endsWith('+xml')) return 'xml';
  const start = text.slice(0, 100).trimStart();
  if (!type || type === 'text/plain' || type === 'application/octet-stream') {
    if (start.startsWith('{') || start.startsWith('[')) return 'json';
    if (start.startsWith('<?xml')) return 'xml';
  }
  return 'text';
}

/**
 * The first MAX_FORM_FIELDS form fields in order, decoded (`+` as space), duplicates kept
 * (readFormFields says whether there were more).
 */
export function formFields(text: string): [string, string][] {
  return readFormFields(text).fields;
}
