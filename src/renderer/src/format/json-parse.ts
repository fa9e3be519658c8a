/**
 * A JSON value as written: numbers keep their literal text (no precision loss on big ids),
 * object keys keep their order and duplicates (JSON.parse reorders integer-like keys and
 * keeps the last duplicate only), so the tree shows exactly what was sent.
 */
export type JsonNode =
  | { t: 'object'; entries: [string, JsonNode][] }
  | { t: 'array'; items: JsonNode[] }
  | { t: 'string'; v: string }
  | { t: 'number'; raw: string }
  | { t: 'literal'; raw: 'true' | 'false' | 'null' };

export type JsonParseResult =
  { ok: true; value: JsonNode; nodes: number } | { ok: false; error: string; offset: number };

type Container = Extract<JsonNode, { t: 'object' } | { t: 'array' }>;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Parses JSON text without recursion (depth is limited by memory only) into JsonNodes.
 * Never throws: invalid JSON gives `{ ok: false, error, offset }`.
 */
export function parseJson(text: string): JsonParseResult {
  let i = 0;
  let nodes = 0;
  const n = text.length;
  const stack: { node: Container; key: string }[] = [];
  let root: JsonNode | undefined;
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, i);
  };
  const ws = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    }
  };
  const attach = (node: JsonNode): void => {
    nodes++;
    const top = stack[stack.length - 1];
    if (!top) root = node;
    else if (top.node.t === 'array') top.node.items.push(node);
    else top.node.entries.push([top.key, node]);
  };
  const readString = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) fail('control character in string');
      if (c !== 92) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1] ?? '';
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        const s = ESCAPES[e];
        if (s === undefined) fail('bad escape');
        out += s;
        i += 2;
      }
      start = i;
    }
    out += text.slice(start, i);
    i++; // closing quote
    return out;
  };
  const readKey = (top: { key: string }): void => {
    ws();
    if (text.charCodeAt(i) !== 34) fail('expected a quoted key');
    top.key = readString();
    ws();
    if (text.charCodeAt(i) !== 58) fail('expected ":"');
    i++;
  };

  try {
    let expectValue = true;
    for (;;) {
      ws();
      if (expectValue) {
        const c = text.charCodeAt(i);
        if (c === 123 || c === 91) {
          i++;
          const node: Container =
            c === 123 ? { t: 'object', entries: [] } : { t: 'array', items: [] };
          attach(node);
          const frame = { node, key: '' };
          stack.push(frame);
          ws();
          if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) {
            i++;
            stack.pop();
            expectValue = false;
          } else if (c === 123) readKey(frame);
          continue;
        }
        if (c === 34) attach({ t: 'string', v: readString() });
        else if (text.startsWith('true', i) || text.startsWith('null', i)) {
          attach({ t: 'literal', raw: text.slice(i, i + 4) as 'true' | 'null' });
          i += 4;
        } else if (text.startsWith('false', i)) {
          attach({ t: 'literal', raw: 'false' });
          i += 5;
        } else {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (!m) fail(i >= n ? 'unexpected end of input' : 'unexpected character');
          attach({ t: 'number', raw: m![0] });
          i += m![0].length;
        }
        expectValue = false;
        continue;
      }
      const top = stack[stack.length - 1];
      if (!top) {
        if (i < n) fail('unexpected text after the value');
        return { ok: true, value: root!, nodes };
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        if (top.node.t === 'object') readKey(top);
        expectValue = true;
      } else if (c === (top.node.t === 'object' ? 125 : 93)) {
        i++;
        stack.pop();
      } else {
        fail(top.node.t === 'object' ? 'expected "," or "}"' : 'expected "," or "]"');
      }
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      return { ok: false, error: err.message, offset: err.offset };
    throw err;
  }
}

/** Children of an object or array as [label, node] pairs (array labels are indexes). */
export function childrenOf(node: JsonNode): [string, JsonNode][] {
  if (node.t === 'object') return node.entries;
  if (node.t === 'array') return node.items.map((v, i) => [String(i), v]);
  return [];
}

/** Number of direct children (0 for scalars). */
export function childCount(node: JsonNode): number {
  return node.t === 'object' ? node.entries.length : node.t === 'array' ? node.items.length : 0;
}
