import type { ErrorObject } from 'ajv';
import { formatPath, issue, jsonType, preview, isObject } from './issues';

type Segment = string | { index: number };

/** The path segments of a JSON pointer, telling array indices from keys by walking `data`. */
function pointerSegments(pointer: string, data: unknown): { path: Segment[]; value: unknown } {
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
