import { z } from 'zod';
import { NOT_JSON } from '../json-body';
import type { Inspection } from '../types';

/** What a schema check reports: `Inspection['schema']`. */
export type SchemaResult = Inspection['schema'];

/**
 * Bodies with more JSON values than this are not checked (about 1-2 MB of typical JSON; a
 * GitHub push with its maximum of 2048 commits stays well below).
 */
export const MAX_CHECKED_VALUES = 100_000;

/** The one issue of a body not checked for its size. */
export const tooManyValuesIssue = `(root): not checked: the body holds more than ${MAX_CHECKED_VALUES} values`;

/** The display name of an endpoint's own schema in results. */
export const USER_SCHEMA_NAME = 'endpoint JSON Schema';

/**
 * An endpoint schema's verdict on a body not read as JSON (json-body.ts says why): nothing to
 * check when it is simply not JSON, else `none` saying why (too large, too deep).
 */
export function unreadVerdict(why: string): SchemaResult {
  if (why === NOT_JSON) return { status: 'none' };
  return {
    status: 'none',
    name: USER_SCHEMA_NAME,
    issues: [issue('(root)', `not checked: the body is ${why}`)],
  };
}

/** Most issues one check reports; the last slot says how many more were found. */
export const MAX_ISSUES = 20;
/** Longest single issue text; longer ones are cut (a value can be a whole payload). */
const MAX_ISSUE_CHARS = 500;

/**
 * The JSON type name of a value, as both zod and our ajv messages use it: `string`, `number`,
 * `boolean`, `null`, `array`, `object` (and `undefined` for absent).
 */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A readable path such as `data.sip_headers[0].name` or `headers["content-type"]`;
 * `(root)` for the value itself.
 */
export function formatPath(path: readonly (PropertyKey | { index: number })[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'object') out += `[${seg.index}]`;
    else if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'symbol') out += `[${String(seg)}]`;
    else if (IDENTIFIER.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

/** A short preview of a value for a message: `"abc"`, `42`, `an object`, ... */
export function preview(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return `an ${typeof value}`;
}

/** `path: message`, cut to a sane length. */
export function issue(path: string, message: string): string {
  const text = `${path}: ${message}`;
  return text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS - 3)}...` : text;
}

/**
 * At most MAX_ISSUES distinct messages for `items`; when some are left out, the last slot
 * counts them. Formats lazily: a hostile body can fail a schema a million times and only the
 * first few messages are ever shown.
 */
export function limitIssues<T>(items: readonly T[], format: (item: T) => string): string[] {
  const seen = new Set<string>();
  let used = 0;
  while (used < items.length && seen.size < MAX_ISSUES) seen.add(format(items[used++] as T));
  const out = [...seen];
  if (used === items.length) return out;
  const kept = out.slice(0, MAX_ISSUES - 1);
  kept.push(`... and ${items.length - used + out.length - kept.length} more issues`);
  return kept;
}

/** The value at a zod issue path in the checked body (undefined when absent). */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v = json;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isObject(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) v = v[seg];
    else return undefined;
  }
  return v;
}

const typeNames: Record<string, string> = { record: 'object', int: 'integer' };

/**
 * The message of one zod issue, without zod's "Invalid input: " boilerplate. `input` is the
 * value at the issue's path: zod's `reportInput` would make every parse ~6x slower.
 */
function zodMessage(i: z.core.$ZodIssue, input: unknown): string {
  switch (i.code) {
    case 'invalid_type': {
      // zod's "record" is a JSON object to the reader; "int" an integer.
      const expected = typeNames[i.expected] ?? i.expected;
      if (input === undefined) return `required, expected ${expected}`;
      return `expected ${expected}, received ${jsonType(input)}`;
    }
    case 'invalid_value': {
      const want = i.values.map((v) => JSON.stringify(v) ?? String(v)).join(' or ');
      return `expected ${want}, received ${preview(input)}`;
    }
    case 'invalid_format':
      return `expected ${i.format === 'datetime' ? 'an ISO 8601 date-time' : `a ${i.format}`}, received ${preview(input)}`;
    case 'invalid_union': {
      // All branches failed on the type alone: say "expected a or b".
      const leaves = i.errors.map((branch) => branch[0]);
      if (leaves.length > 0 && leaves.every((l) => l?.code === 'invalid_type' && !l.path.length)) {
        const types = leaves
          .map((l) => (l as { expected: string }).expected)
          .map((t) => typeNames[t] ?? t)
          .join(' or ');
        if (input === undefined) return `required, expected ${types}`;
        return `expected ${types}, received ${jsonType(input)}`;
      }
      return 'matches none of the allowed shapes';
    }
    default:
      return i.message.replace(/^Invalid input: /, '');
  }
}

const zodIssue = (i: z.core.$ZodIssue, json: unknown): string =>
  issue(formatPath(i.path), zodMessage(i, valueAt(json, i.path)));

/**
 * Runs a zod schema and turns the outcome into a result named `name`; `first` are issues found
 * outside zod, listed first (and making the result invalid). Zod stops at the shape it was
 * given (unknown fields are not walked), so deep bodies cost nothing extra.
 */
export function checkWithZod(
  name: string,
  schema: z.ZodType,
  json: unknown,
  first: string[] = [],
): SchemaResult {
  const r = schema.safeParse(json);
  if (r.success && first.length === 0) return { status: 'valid', name };
  const items: (string | z.core.$ZodIssue)[] = [...first, ...(r.error?.issues ?? [])];
  const issues = limitIssues(items, (i) => (typeof i === 'string' ? i : zodIssue(i, json)));
  return { status: 'invalid', name, issues };
}

/**
 * An array whose elements must match `item`, that stops looking after MAX_ISSUES bad elements
 * (z.array reports every one: a million bad elements cost seconds).
 */
export function boundedArray<T extends z.ZodType>(item: T): z.ZodType<z.output<T>[]> {
  const checked = z.array(z.unknown()).superRefine((list, ctx) => {
    let bad = 0;
    for (let i = 0; i < list.length; i++) {
      const r = item.safeParse(list[i]);
      if (r.success) continue;
      for (const iss of r.error.issues) ctx.addIssue({ ...iss, path: [i, ...iss.path] });
      if (++bad === MAX_ISSUES && i < list.length - 1) {
        ctx.addIssue({ code: 'custom', message: `not checked past [${i}]: too many bad elements` });
        return;
      }
    }
  });
  // Typed as what it accepts: the elements passed `item`.
  return checked as unknown as z.ZodType<z.output<T>[]>;
}

/**
 * How many JSON values (objects, arrays, scalars) `json` holds; stops counting as soon as the
 * count passes `limit`. Iterative: any depth is fine.
 */
export function countValues(json: unknown, limit: number): number {
  const stack: unknown[] = [json];
  let count = 1;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    count += children.length;
    if (count > limit) return count;
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push(c);
  }
  return count;
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
