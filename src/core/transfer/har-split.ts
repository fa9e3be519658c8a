/** Where a HAR log's entries are in its text. */
export interface HarSpans {
  /** The `log.entries` array: the index of its `[` and of its `]`. */
  array: [number, number];
  /** Each entry: start and end index (end exclusive). */
  entries: [number, number][];
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Finds the entries of a HAR log without parsing it, in one pass (strings skipped with
 * indexOf), so that a big import can parse them one at a time and yield between them instead
 * of holding the thread for one `JSON.parse` of the whole file. null when the text has no
 * `log.entries` array where a HAR log has it, or an element is missing between commas: the
 * caller then parses the whole text, which says what is wrong. Other syntax errors are found
 * when the pieces (the entries, and the text around the array) are parsed. With duplicate
 * keys, the last `log.entries` wins, as in JSON.parse.
 */
export function harEntrySpans(text: string): HarSpans | null {
  const stack: number[] = [];
  const keys: string[] = [];
  let expectKey = false;
  let found: HarSpans | null = null;
  let inEntries = false;
  let entries: [number, number][] = [];
  let start = -1;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    const depth = stack.length;
    if (inEntries && depth === 3 && start === -1 && c !== 0x2c && c !== 0x5d) start = i;
    if (c === 0x22) {
      const from = i;
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) return found;
        let k = q - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        i = q;
        if ((q - 1 - k) % 2 === 0) break;
      }
      if (expectKey && stack[depth - 1] === 0x7b) {
        if (depth <= 2) keys[depth - 1] = text.slice(from + 1, i);
        expectKey = false;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (c === 0x5b && depth === 2 && stack[0] === 0x7b && stack[1] === 0x7b) {
        inEntries = keys[0] === 'log' && keys[1] === 'entries';
        if (inEntries) {
          open = i;
          entries = [];
        }
      }
      stack.push(c);
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      if (inEntries && depth === 3) {
        if (start !== -1) entries.push([start, i]);
        else if (entries.length > 0) return null;
        found = { array: [open, i], entries };
        inEntries = false;
        start = -1;
      }
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      if (inEntries && depth === 3) {
        if (start === -1) return null;
        entries.push([start, i]);
        start = -1;
      }
      expectKey = stack[depth - 1] === 0x7b;
    }
  }
  return found;
}
