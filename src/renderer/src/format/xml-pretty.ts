/**
 * Splits XML into comments, CDATA sections, tags and text runs, in linear time (a regex with
 * lazy scans is quadratic on a body full of unterminated `<`). Every character of the input
 * is in exactly one token: from an unterminated `<` on, the rest is one text token.
 */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  // Once a terminator is not found from some position, it is not found from any later one.
  const missing = new Set<string>();
  const find = (needle: string, from: number): number => {
    if (missing.has(needle)) return -1;
    const at = text.indexOf(needle, from);
    if (at === -1) missing.add(needle);
    return at;
  };
  let i = 0;
  while (i < text.length) {
    let end = -1;
    if (text[i] !== '<') {
      end = text.indexOf('<', i);
      if (end === -1) end = text.length;
    } else {
      if (text.startsWith('<!--', i)) {
        const close = find('-->', i + 4);
        if (close !== -1) end = close + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const close = find(']]>', i + 9);
        if (close !== -1) end = close + 3;
      }
      if (end === -1) {
        const close = find('>', i + 1);
        end = close === -1 ? text.length : close + 1;
      }
    }
    tokens.push(text.slice(i, end));
    i = end;
  }
  return tokens;
}

/**
 * Indents XML by 2 spaces per element, as text (nothing is parsed into a DOM, so nothing
 * in it can run). An element holding only text stays on one line. Malformed input is
 * indented as well as it goes; text is never altered except for trimming whitespace
 * between tags.
 */
export function prettyXml(text: string): string {
  const tokens = tokenize(text);
  const lines: string[] = [];
  let depth = 0;
  const pad = (): string => '  '.repeat(Math.min(depth, 64));
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!t.startsWith('<')) {
      const trimmed = t.trim();
      if (trimmed) lines.push(pad() + trimmed);
      continue;
    }
    const closing = t.startsWith('</');
    const opening = !closing && !/^<[!?]/.test(t) && !t.endsWith('/>');
    if (closing) depth = Math.max(0, depth - 1);
    const text1 = tokens[k + 1];
    const close1 = tokens[k + 2];
    if (opening && text1 !== undefined && !text1.startsWith('<') && close1?.startsWith('</')) {
      lines.push(pad() + t + text1.trim() + close1);
      k += 2;
      continue;
    }
    if (opening && tokens[k + 1]?.startsWith('</')) {
      lines.push(pad() + t + tokens[k + 1]);
      k += 1;
      continue;
    }
    lines.push(pad() + t);
    if (opening) depth++;
  }
  return lines.join('\n');
}
