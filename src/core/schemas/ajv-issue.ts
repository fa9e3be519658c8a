import type { ErrorObject } from 'ajv';
import { formatPath, issue, jsonType, preview, isObject } from './issues';

type Segment = string | { index: number };

/** The path segments of a JSON pointer, telling array indices from keys by walking `data`. */
export function pointerSegments(
  pointer: string,
  data: unknown,
): { path: Segment[]; value: unknown } {
  const path: Segment[] = [];
  let value = data;
  if (!pointer) return { path, value };
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(key)) {
      path.push({ index: Number(key) });
      value = value[Number(key)];
    } else {
      path.push(key);
      value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    }
  }
  return { path, value };
}

const typeList = (t: unknown): string =>
  (Array.isArray(t) ? t.map(String) : String(t).split(',')).join(' or ');

/** One ajv error as `path: message`, in the same words as the zod checks. */
export function ajvIssue(e: ErrorObject, data: unknown): string {
  const { path, value } = pointerSegments(e.instancePath, data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return issue(formatPath([...path, String(p.missingProperty)]), 'required');
    case 'additionalProperties':
      return issue(formatPath([...path, String(p.additionalProperty)]), 'unexpected property');
    case 'unevaluatedProperties':
      return issue(formatPath([...path, String(p.unevaluatedProperty)]), 'unexpected property');
    case 'type':
      return issue(formatPath(path), `expected ${typeList(p.type)}, received ${jsonType(value)}`);
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      const list = allowed.map((v) => JSON.stringify(v) ?? String(v)).join(' or ');
      return issue(formatPath(path), `expected ${list}, received ${preview(value)}`);
    }
    case 'const':
      return issue(
        formatPath(path),
        `expected ${JSON.stringify(p.allowedValue) ?? 'a constant'}, received ${preview(value)}`,
      );
    default:
      return issue(formatPath(path), e.message ?? `fails "${e.keyword}"`);
  }
}

/** A JSON type as a person names what is expected. */
const KIND: Record<string, string> = {
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  null: 'null',
  number: 'a number',
  object: 'an object',
  string: 'text',
};

/** What one meta-schema error expected: "one of: array, boolean, …", "a list", "at least 0". */
function expectation(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      return `one of: ${allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
    }
    case 'type':
      return (Array.isArray(p.type) ? p.type.map(String) : String(p.type).split(','))
        .map((t) => KIND[t] ?? t)
        .join(' or ');
    case 'const':
      return JSON.stringify(p.allowedValue) ?? 'a constant';
    case 'minimum':
    case 'exclusiveMinimum':
      return `a number of at least ${String(p.limit)}`;
    case 'format':
      return `a valid ${String(p.format)}`;
    case 'minItems':
      return `a list of at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return 'a list without repeated items';
    default:
      return `valid for "${e.keyword}" (${e.message ?? 'fails'})`;
  }
}

/**
 * The errors of a schema checked against its draft's meta-schema, in plain words with the JSON
 * pointer of the part that is wrong: `/properties/amount/type must be one of: array, boolean,
 * integer, null, number, object, string, or a list (got "money")`. The alternatives of an
 * `anyOf` (ajv reports each branch apart, then "must match a schema in anyOf") are said as one.
 * At most `max`, then how many more.
 */
export function metaSchemaIssues(
  errors: readonly ErrorObject[],
  schema: unknown,
  max = 3,
): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath);
    if (list) list.push(e);
    else byPath.set(e.instancePath, [e]);
  }
  const out: string[] = [];
  for (const [pointer, list] of byPath) {
    const where = pointer === '' ? 'the schema' : pointer;
    const got = ` (got ${preview(pointerSegments(pointer, schema).value)})`;
    const union = list.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const own = list.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
    if (union || own.length > 1) {
      const alts = [...new Set(own.map(expectation))];
      const said = alts.length > 1 ? `${alts.slice(0, -1).join(', ')}, or ${alts.at(-1)}` : alts[0];
      out.push(`${where} must be ${said ?? 'of another form'}${got}`);
      continue;
    }
    for (const e of own) {
      const p = e.params as Record<string, unknown>;
      if (e.keyword === 'required') {
        out.push(`${where} needs "${String(p.missingProperty)}"`);
      } else if (e.keyword === 'additionalProperties') {
        out.push(`${where} has an unknown keyword "${String(p.additionalProperty)}"`);
      } else {
        out.push(`${where} must be ${expectation(e)}${got}`);
      }
    }
  }
  const unique = [...new Set(out)];
  if (unique.length <= max) return unique;
  return [...unique.slice(0, max), `and ${unique.length - max} more`];
}
