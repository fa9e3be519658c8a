/** Bodies larger than this are not parsed as JSON (keys, event types, schemas). */
export const MAX_JSON_BYTES = 5 * 1024 * 1024;

/**
 * JSON nested deeper than this is not parsed: V8's JSON.parse spends seconds on a few MB of
 * `[[[[...` (one array per byte), on the receiver's thread. Webhook payloads nest a few dozen
 * levels at most.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * True when the JSON text nests arrays and objects more than `max` levels deep somewhere.
 * One pass; strings are skipped with indexOf (a quote preceded by an odd run of backslashes is
 * escaped). Exact for valid JSON, a safe guess for the rest.
 */
export function nestedDeeperThan(text: string | Uint8Array, max: number): boolean {
  const str = typeof text === 'string' ? text : null;
  const bytes =
    typeof text === 'string' ? null : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const code = (i: number): number => (str !== null ? str.charCodeAt(i) : bytes![i]!);
  const quote = (from: number): number =>
    str !== null ? str.indexOf('"', from) : bytes!.indexOf(0x22, from);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = code(i);
    if (c === 0x22) {
      for (;;) {
        const q = quote(i + 1);
        if (q === -1) return false;
        let k = q - 1;
        while (code(k) === 0x5c) k--;
        i = q;
        if ((q - 1 - k) % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** `skipped` of a body that is simply not JSON. */
export const NOT_JSON = 'not JSON';

/** Why a body was not parsed as JSON, in words for a schema verdict; null when it was. */
export type JsonBody = { value: unknown; skipped: null } | { value: undefined; skipped: string };

/**
 * Why a body is not read as JSON, from its first byte and size alone (constant time), or null
 * when it may be: readJsonBody's first checks.
 */
export function unreadJson(body: Uint8Array): string | null {
  const first = body[0];
  if (first !== 0x7b && first !== 0x5b && first !== 0x20 && first !== 0x0a) return NOT_JSON;
  if (body.length > MAX_JSON_BYTES) {
    return `larger than ${MAX_JSON_BYTES / 1024 / 1024} MB, not parsed`;
  }
  return null;
}

/**
 * The body parsed as JSON when it looks like JSON (starts with `{`, `[` or whitespace), is at
 * most MAX_JSON_BYTES and nests at most MAX_JSON_DEPTH levels. Never throws.
 */
export function readJsonBody(body: Uint8Array): JsonBody {
  const none = (skipped: string): JsonBody => ({ value: undefined, skipped });
  const unread = unreadJson(body);
  if (unread !== null) return none(unread);
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
    return none(`nested more than ${MAX_JSON_DEPTH} levels deep, not parsed`);
  }
  try {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    return { value: JSON.parse(text) as unknown, skipped: null };
  } catch {
    return none(NOT_JSON);
  }
}

/** The body parsed as JSON (see readJsonBody), else undefined. */
export function parseJson(body: Uint8Array): unknown {
  return readJsonBody(body).value;
}
