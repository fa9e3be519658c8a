/** The most JSON an endpoint's schema may hold. */
export const MAX_SCHEMA_BYTES = 1024 * 1024;
/** The deepest a schema document may nest (objects and arrays, the root being level 1). */
export const MAX_SCHEMA_DEPTH = 100;
/** The most keywords and property names (object keys) a schema may hold, all levels together. */
export const MAX_SCHEMA_KEYWORDS = 10_000;

interface Frame {
  value: object;
  level: number;
  key: string;
  parent: Frame | null;
}

/** The JSON pointer of a frame, its first segments only when it is long. */
function pointerOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | null = frame; f?.parent; f = f.parent) keys.push(f.key);
  const shown = keys
    .reverse()
    .slice(0, 8)
    .map((k) => k.replaceAll('~', '~0').replaceAll('/', '~1'));
  return `/${shown.join('/')}${keys.length > 8 ? '/...' : ''}`;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Why a schema is too big to run, in the user's words, or null. Walks without recursion and
 * stops at the first limit passed, so a 100,000-deep or million-key schema costs no more than
 * the limits; only then is it turned into text to weigh its bytes.
 */
export function schemaSizeProblem(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null) return null;
  const stack: Frame[] = [{ value: schema, level: 1, key: '', parent: null }];
  let keywords = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.level > MAX_SCHEMA_DEPTH) {
      return `schema too deeply nested: more than ${MAX_SCHEMA_DEPTH} levels at ${pointerOf(frame)}`;
    }
    const v = frame.value;
    const push = (key: string, child: unknown): void => {
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, level: frame.level + 1, key, parent: frame });
      }
    };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) push(String(i), v[i]);
      continue;
    }
    const keys = Object.keys(v);
    keywords += keys.length;
    if (keywords > MAX_SCHEMA_KEYWORDS) {
      return `schema too large: more than ${MAX_SCHEMA_KEYWORDS.toLocaleString('en-US')} keywords and property names`;
    }
    for (const k of keys) push(k, (v as Record<string, unknown>)[k]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) {
    return `schema too large: ${mb(bytes)} of JSON, at most ${MAX_SCHEMA_BYTES / 1024 / 1024} MB`;
  }
  return null;
}
