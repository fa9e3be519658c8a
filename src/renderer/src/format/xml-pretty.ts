const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>|[^<]+/g;

/**
 * Indents XML by 2 spaces per element, as text (nothing is parsed into a DOM, so nothing
 * in it can run). An element holding only text stays on one line. Malformed input is
 * indented as well as it goes; text is never altered except for trimming whitespace
 * between tags.
 */
export function prettyXml(text: string): string {
  const tokens = text.match(TOKEN) ?? [];
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
