import { diff_match_patch } from '@dmsnell/diff-match-patch';
import { create } from 'jsondiffpatch';
import { format as toJsonPatch } from 'jsondiffpatch/formatters/jsonpatch';
import type { EventDetail } from '../../shared/model';
import { nestedDeeperThan } from '../json-body';

/** A change inside a JSON body, as a JSON Pointer with the values on both sides. */
export interface JsonChange {
  op: 'add' | 'remove' | 'replace';
  path: string;
  before?: unknown;
  after?: unknown;
}

/** How two stored events differ: request line, headers by name, and the body. */
export interface EventDiff {
  request: { field: 'method' | 'path' | 'query'; before: string; after: string }[];
  headers: {
    added: [string, string][];
    removed: [string, string][];
    changed: { name: string; before: string; after: string }[];
  };
  body:
    | { kind: 'same' }
    | { kind: 'json'; changes: JsonChange[] }
    | { kind: 'text'; chunks: { op: -1 | 0 | 1; text: string }[] }
    | { kind: 'binary'; beforeSize: number; afterSize: number };
}

// Array items are matched by their id when they have one (events, line items), else by place.
const jsonDiff = create({
  objectHash: (o: object, i?: number) => {
    const id = (o as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : `$$index:${i ?? 0}`;
  },
  arrays: { detectMove: false },
});

/** The value at a JSON Pointer, or undefined. */
function at(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function headerMap(h: [string, string][]): Map<string, { name: string; value: string }> {
  const m = new Map<string, { name: string; value: string }>();
  for (const [n, v] of h) {
    const k = n.toLowerCase();
    const prev = m.get(k);
    m.set(k, prev ? { name: prev.name, value: `${prev.value}, ${v}` } : { name: n, value: v });
  }
  return m;
}

/**
 * Bounds of a structural diff; bodies past them are diffed as text (diff-match-patch, under
 * its deadline). jsondiffpatch matches array items by LCS, in time and memory that grow with
 * the product of two arrays' lengths (two arrays of 8,000 items: 10 s and 600 MB on the
 * engine's thread; 100,000: out of memory), and recurses once per level.
 */
const MAX_DIFF_DEPTH = 100;
const MAX_DIFF_VALUES = 10_000;
const MAX_DIFF_ITEMS = 256;

/** True when a parsed body is within MAX_DIFF_VALUES values and MAX_DIFF_ITEMS per array. */
function small(json: unknown): boolean {
  const stack = [json];
  let values = 1;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    if (Array.isArray(v) && v.length > MAX_DIFF_ITEMS) return false;
    values += children.length;
    if (values > MAX_DIFF_VALUES) return false;
    stack.push(...children);
  }
  return true;
}

/** The body as JSON for a structural diff, or not ok: not JSON, or past the bounds above. */
function parse(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined || !/^\s*[[{]/.test(text)) return { ok: false };
  // Checked before JSON.parse, which spends seconds on a few MB of `[[[[`.
  if (nestedDeeperThan(text, MAX_DIFF_DEPTH)) return { ok: false };
  try {
    const value = JSON.parse(text) as unknown;
    return small(value) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/**
 * Compares two events: JSON bodies structurally (jsondiffpatch, reported as JSON Pointer
 * changes with both values) within the bounds above, other text bodies character by character
 * with semantic cleanup (diff-match-patch), binary bodies by size; headers by
 * case-insensitive name.
 */
export function diffEvents(a: EventDetail, b: EventDetail): EventDiff {
  const request: EventDiff['request'] = [];
  for (const field of ['method', 'path', 'query'] as const) {
    if (a[field] !== b[field]) request.push({ field, before: a[field], after: b[field] });
  }
  const ha = headerMap(a.headers);
  const hb = headerMap(b.headers);
  const headers: EventDiff['headers'] = { added: [], removed: [], changed: [] };
  for (const [k, v] of hb) {
    const old = ha.get(k);
    if (!old) headers.added.push([v.name, v.value]);
    else if (old.value !== v.value)
      headers.changed.push({ name: v.name, before: old.value, after: v.value });
  }
  for (const [k, v] of ha) if (!hb.has(k)) headers.removed.push([v.name, v.value]);

  let body: EventDiff['body'];
  if (a.body.base64 === b.body.base64) body = { kind: 'same' };
  else {
    const ja = parse(a.body.text);
    const jb = parse(b.body.text);
    if (ja.ok && jb.ok) {
      const delta = jsonDiff.diff(ja.value, jb.value);
      const ops = delta ? toJsonPatch(delta) : [];
      body = {
        kind: 'json',
        changes: ops.map((op) => ({
          op: op.op as JsonChange['op'],
          path: op.path,
          ...(op.op !== 'add' ? { before: at(ja.value, op.path) } : {}),
          ...(op.op !== 'remove' ? { after: (op as { value?: unknown }).value } : {}),
        })),
      };
    } else if (a.body.text !== undefined && b.body.text !== undefined) {
      const dmp = new diff_match_patch();
      dmp.Diff_Timeout = 0.5;
      const chunks = dmp.diff_main(a.body.text, b.body.text);
      dmp.diff_cleanupSemantic(chunks);
      body = { kind: 'text', chunks: chunks.map((c) => ({ op: c[0] as -1 | 0 | 1, text: c[1] })) };
    } else body = { kind: 'binary', beforeSize: a.body.size, afterSize: b.body.size };
  }
  return { request, headers, body };
}
