/** Bytes read from each end of a body too large to parse, looking for its top-level fields. */
export const FIELD_SCAN_BYTES = 64 * 1024;

type Scalar = string | number | boolean | null;

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when the quote at `q` is escaped (an odd run of backslashes before it). */
function escaped(b: Uint8Array, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && b[k] === BACKSLASH) k--;
  return (q - 1 - k) % 2 === 1;
}

function scalar(text: string): Scalar | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v === null || ['string', 'number', 'boolean'].includes(typeof v)
      ? (v as Scalar)
      : undefined;
  } catch {
    return undefined;
  }
}

const str = (b: Uint8Array, from: number, to: number): string =>
  Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8');

/**
 * Top-level fields of a JSON object read from its first `window` bytes: scalar members in
 * order until a nested value runs past the window. Returns the fields found.
 */
function fromHead(b: Uint8Array, window: number, out: Map<string, Scalar>): void {
  const end = Math.min(b.length, window);
  let i = 0;
  const ws = (): void => {
    while (i < end && WS.has(b[i]!)) i++;
  };
  const stringEnd = (open: number): number => {
    let q = open;
    for (;;) {
      q = b.indexOf(QUOTE, q + 1);
      if (q === -1 || q >= end) return -1;
      if (!escaped(b, q)) return q;
    }
  };
  ws();
  if (b[i] !== 0x7b) return;
  i++;
  for (;;) {
    ws();
    if (i >= end || b[i] !== QUOTE) return;
    const keyEnd = stringEnd(i);
    if (keyEnd === -1) return;
    const key = scalar(str(b, i, keyEnd + 1));
    i = keyEnd + 1;
    ws();
    if (b[i] !== 0x3a) return;
    i++;
    ws();
    if (i >= end) return;
    const c = b[i]!;
    if (c === QUOTE) {
      const e = stringEnd(i);
      if (e === -1) return;
      const v = scalar(str(b, i, e + 1));
      if (typeof key === 'string' && v !== undefined && !out.has(key)) out.set(key, v);
      i = e + 1;
    } else if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      for (; i < end; i++) {
        const d = b[i]!;
        if (d === QUOTE) {
          const e = stringEnd(i);
          if (e === -1) return;
          i = e;
        } else if (d === 0x7b || d === 0x5b) depth++;
        else if (d === 0x7d || d === 0x5d) {
          if (--depth === 0) break;
        }
      }
      if (i >= end) return;
      i++;
    } else {
      const from = i;
      while (i < end && b[i] !== 0x2c && b[i] !== 0x7d && !WS.has(b[i]!)) i++;
      if (i >= end) return;
      const v = scalar(str(b, from, i));
      if (typeof key === 'string' && v !== undefined && !out.has(key)) out.set(key, v);
    }
    ws();
    if (b[i] !== 0x2c) return;
    i++;
  }
}

/**
 * Top-level fields of a JSON object read backwards from its last `window` bytes (Stripe puts
 * `type` after `data`): scalar members from the end until a nested value starts before the
 * window.
 */
function fromTail(b: Uint8Array, window: number, out: Map<string, Scalar>): void {
  const start = Math.max(0, b.length - window);
  let j = b.length - 1;
  const ws = (): void => {
    while (j >= start && WS.has(b[j]!)) j--;
  };
  /** The opening quote of the string whose closing quote is at `close`. */
  const stringStart = (close: number): number => {
    for (let q = close - 1; q >= start; q--) if (b[q] === QUOTE && !escaped(b, q)) return q;
    return -1;
  };
  ws();
  if (b[j] !== 0x7d) return;
  j--;
  const found: [string, Scalar][] = [];
  for (;;) {
    ws();
    if (j < start) break;
    let value: Scalar | undefined;
    const c = b[j]!;
    if (c === QUOTE) {
      const s = stringStart(j);
      if (s === -1) break;
      value = scalar(str(b, s, j + 1));
      j = s - 1;
    } else if (c === 0x7d || c === 0x5d) {
      let depth = 0;
      for (; j >= start; j--) {
        const d = b[j]!;
        if (d === QUOTE) {
          const s = stringStart(j);
          // A string starting before the window: stop there, keeping what was found.
          j = s === -1 ? start - 1 : s;
          if (s === -1) break;
        } else if (d === 0x7d || d === 0x5d) depth++;
        else if (d === 0x7b || d === 0x5b) {
          if (--depth === 0) break;
        }
      }
      if (j < start) break;
      j--;
    } else {
      const to = j + 1;
      while (j >= start && b[j] !== 0x3a && !WS.has(b[j]!)) j--;
      value = scalar(str(b, j + 1, to));
    }
    ws();
    if (b[j] !== 0x3a) break;
    j--;
    ws();
    if (b[j] !== QUOTE) break;
    const ks = stringStart(j);
    if (ks === -1) break;
    const key = scalar(str(b, ks, j + 1));
    j = ks - 1;
    if (typeof key === 'string' && value !== undefined) found.push([key, value]);
    ws();
    if (b[j] !== 0x2c) break;
    j--;
  }
  // In document order, after the head's (the head's value of a key wins).
  for (const [k, v] of found.reverse()) if (!out.has(k)) out.set(k, v);
}

/**
 * The top-level scalar fields (`type`, `id`, `event`, ...) of a JSON object too large to parse,
 * read from its first and last FIELD_SCAN_BYTES only: bounded work whatever the body's size.
 * Nested values are not read. Null when the body does not start like a JSON object.
 */
export function topLevelFields(
  body: Uint8Array,
  window = FIELD_SCAN_BYTES,
): Record<string, Scalar> | null {
  const out = new Map<string, Scalar>();
  let i = 0;
  while (i < body.length && WS.has(body[i]!)) i++;
  if (body[i] !== 0x7b) return null;
  fromHead(body, window, out);
  fromTail(body, window, out);
  return Object.fromEntries(out);
}
