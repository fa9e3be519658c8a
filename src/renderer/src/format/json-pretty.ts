const MAX_INDENT_LEVELS = 64;

/**
 * Re-indents valid JSON text by 2 spaces without parsing it, so numbers, escapes and key
 * order stay exactly as sent. Indentation stops growing past 64 levels so a 5,000-deep
 * document does not turn into megabytes of spaces. Linear time, no recursion.
 */
export function prettyJson(text: string): string {
  const out: string[] = [];
  const indents: string[] = [];
  const indent = (d: number): string => {
    const k = Math.min(d, MAX_INDENT_LEVELS);
    return (indents[k] ??= '\n' + '  '.repeat(k));
  };
  let depth = 0;
  let i = 0;
  const n = text.length;
  let chunkStart = -1; // start of a run of literal characters (number, true, ...)
  const flushRun = (): void => {
    if (chunkStart >= 0) out.push(text.slice(chunkStart, i));
    chunkStart = -1;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      flushRun();
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      flushRun();
      i++;
      continue;
    }
    if (c === '{' || c === '[') {
      flushRun();
      let j = i + 1;
      while (j < n && /\s/.test(text[j]!)) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out.push(c === '{' ? '{}' : '[]');
        i = j + 1;
        continue;
      }
      depth++;
      out.push(c, indent(depth));
    } else if (c === '}' || c === ']') {
      flushRun();
      depth = Math.max(0, depth - 1);
      out.push(indent(depth), c);
    } else if (c === ',') {
      flushRun();
      out.push(',', indent(depth));
    } else if (c === ':') {
      flushRun();
      out.push(': ');
    } else if (chunkStart < 0) {
      chunkStart = i;
    }
    i++;
  }
  flushRun();
  return out.join('');
}
