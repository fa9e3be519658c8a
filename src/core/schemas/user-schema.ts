import Ajv, {
  type AnySchema,
  type AnySchemaObject,
  type ErrorObject,
  type FuncKeywordDefinition,
  type Options,
  type ValidateFunction,
} from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import type AjvCore from 'ajv/dist/core.js';
import { createRequire } from 'node:module';
import { ajvIssue, metaSchemaIssues } from './ajv-issue';
import { linearPatternProblem, linearRegExpEngine } from './linear-regex';
import {
  countValues,
  issue,
  jsonType,
  limitIssues,
  isObject,
  MAX_CHECKED_VALUES,
  tooManyValuesIssue,
  USER_SCHEMA_NAME,
  type SchemaResult,
} from './issues';
import { schemaSizeProblem } from './schema-limits';

type Draft = '2020-12' | '2019-09' | 'draft-07' | 'draft-06';

/** `$schema` URIs (without scheme and trailing `#`) of the drafts ajv can run here. */
const drafts: Record<string, Draft> = {
  'json-schema.org/draft/2020-12/schema': '2020-12',
  'json-schema.org/draft/2019-09/schema': '2019-09',
  'json-schema.org/draft-07/schema': 'draft-07',
  'json-schema.org/draft-06/schema': 'draft-06',
};

const options: Options = {
  strict: false,
  allErrors: true,
  // `format` is an annotation unless a format plugin is loaded (none is); say nothing about it.
  validateFormats: false,
  logger: false,
  // `required` must not be satisfied by Object.prototype members such as `toString`.
  ownProperties: true,
};

function newInstance(draft: Draft, opts: Options): AjvCore {
  switch (draft) {
    case '2020-12':
      return new Ajv2020(opts);
    case '2019-09':
      return new Ajv2019(opts);
    case 'draft-07':
      return new Ajv(opts);
    case 'draft-06': {
      const ajv = new Ajv(opts);
      const load = createRequire(import.meta.url);
      ajv.addMetaSchema(load('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
      return ajv;
    }
  }
}

/** A JSON value as text with object keys sorted: equal texts for deep-equal values. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A keyword's data check, with the errors ajv reads after a failure. */
type DataCheck = ((data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

/**
 * `uniqueItems` in linear time. ajv compares object and array items pairwise, so a body of
 * 50,000 objects against `uniqueItems: true` held the receiver for about a minute.
 */
const uniqueItems: FuncKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  compile: (unique: boolean) => {
    if (!unique) return () => true;
    const check: DataCheck = (data) => {
      const seen = new Map<string, number>();
      let dup: { i: number; j: number } | null = null;
      (data as unknown[]).forEach((item, i) => {
        const key = canonical(item);
        const j = seen.get(key);
        if (j !== undefined) dup = { i, j };
        seen.set(key, i);
      });
      check.errors = [];
      if (dup === null) return true;
      const { i, j } = dup;
      const message = `must NOT have duplicate items (items ## ${j} and ${i} are identical)`;
      check.errors = [{ keyword: 'uniqueItems', message, params: { i, j } }];
      return false;
    };
    return check;
  },
};

/**
 * An instance that compiles user schemas, with the linear `uniqueItems` and every `pattern`
 * and `patternProperties` regex on RE2 (linear-regex.ts).
 */
function userInstance(draft: Draft, opts: Options): AjvCore {
  const ajv = newInstance(draft, { ...opts, code: { ...opts.code, regExp: linearRegExpEngine } });
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(uniqueItems);
  return ajv;
}

// One long-lived instance per draft only validates schemas against the meta-schema (compiling
// a meta-schema takes ~50 ms). Each user schema is compiled in an instance of its own (~2 ms,
// once per distinct schema): ajv registers every `$id` it compiles, so a shared instance would
// make schemas of different endpoints, or two versions of one, clash.
const metaValidators = new Map<Draft, AjvCore>();

/** Compiles the default draft's meta-schema now (a worker does it before it takes jobs). */
export function warmUp(): void {
  metaValidator('2020-12');
}

function metaValidator(draft: Draft): AjvCore {
  let ajv = metaValidators.get(draft);
  if (!ajv) {
    ajv = newInstance(draft, options);
    metaValidators.set(draft, ajv);
  }
  return ajv;
}

/** `first` stops at the first error (fast); `all` lists every error, for small bodies. */
type Compiled =
  { ok: true; first: ValidateFunction; all: ValidateFunction } | { ok: false; error: string };

/** The draft a schema asks for, or an error for a `$schema` ajv cannot run here. */
function draftOf(schema: unknown): { draft: Draft | null } | { error: string } {
  if (!isObject(schema) || !('$schema' in schema)) return { draft: null };
  const uri = schema.$schema;
  if (typeof uri !== 'string') return { error: '$schema must be a string' };
  const key = uri.replace(/^https?:\/\//, '').replace(/#$/, '');
  const draft = drafts[key];
  if (draft) return { draft };
  const known = 'draft 2020-12, 2019-09, draft-07 or draft-06';
  if (/draft-0[0-4]\b/.test(key)) return { error: `${uri} is not supported; use ${known}` };
  return { error: `unknown $schema ${JSON.stringify(uri)}; use ${known}` };
}

const TOO_LARGE_HINT =
  'it needs more stack than a check may use; give objects fewer properties (a few thousand at most) or move parts into $defs';

/** Compiles under one draft; `meta` tells that the schema broke that draft's rules. */
function compileWith(draft: Draft, schema: AnySchema): Compiled & { meta?: true } {
  try {
    const meta = metaValidator(draft);
    if (meta.validateSchema(schema) !== true) {
      const why = metaSchemaIssues(meta.errors ?? [], schema).join('; ');
      return { ok: false, meta: true, error: `not a valid JSON Schema (${draft}): ${why}` };
    }
    const compile = (allErrors: boolean) =>
      userInstance(draft, { ...options, allErrors, validateSchema: false }).compile(schema);
    const first = compile(false);
    if ('$async' in first && first.$async) {
      return { ok: false, error: '$async schemas are not supported' };
    }
    return { ok: true, first: first as ValidateFunction, all: compile(true) as ValidateFunction };
  } catch (err) {
    if (err instanceof RangeError) {
      // ajv generates code recursively: thousands of properties in one object overflow it.
      return { ok: false, error: `schema too large to compile (${draft}): ${TOO_LARGE_HINT}` };
    }
    // Unresolvable $ref, bad `pattern` regex, `$id` used twice, ...
    return { ok: false, error: `cannot compile (${draft}): ${(err as Error).message}` };
  }
}

/** Keywords whose values are data, not schemas: a `pattern` key inside them is not a regex. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * Why a `pattern` / `patternProperties` regex of the schema cannot be used, or null. Patterns
 * run on RE2 (linear time whatever the pattern), which has no lookaround or backreferences:
 * such a pattern is refused when the schema is saved, naming it.
 */
function patternProblem(schema: unknown): string | null {
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!isObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (DATA_KEYWORDS.has(key)) continue;
      const problem =
        key === 'pattern' && typeof value === 'string'
          ? linearPatternProblem(value)
          : key === 'patternProperties' && isObject(value)
            ? (Object.keys(value)
                .map(linearPatternProblem)
                .find((p) => p !== null) ?? null)
            : null;
      if (problem !== null) return problem;
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  return null;
}

function compileFresh(schema: unknown): Compiled {
  if (typeof schema !== 'boolean' && !isObject(schema)) {
    return {
      ok: false,
      error: `a JSON Schema is an object or a boolean, got ${jsonType(schema)}`,
    };
  }
  const badPattern = patternProblem(schema);
  if (badPattern !== null) return { ok: false, error: badPattern };
  const d = draftOf(schema);
  if ('error' in d) return { ok: false, error: d.error };
  if (d.draft) return compileWith(d.draft, schema);
  // No $schema: 2020-12, else draft-07 (older schemas use tuple `items` and `definitions`).
  const latest = compileWith('2020-12', schema);
  if (latest.ok || !latest.meta) return latest;
  const older = compileWith('draft-07', schema);
  return older.ok ? older : latest;
}

const MAX_CACHED = 100;
const byObject = new WeakMap<object, Compiled>();
/** By JSON text, least recently used first. */
const byText = new Map<string, Compiled>();

/** The compiled schema of a schema's JSON text, from the cache when compiled before. */
function compiledText(text: string): Compiled {
  let c = byText.get(text);
  if (c) {
    byText.delete(text);
  } else {
    // Compile a private copy: the caller's object may change later, the validator may not.
    const schema = JSON.parse(text) as unknown;
    const tooBig = schemaSizeProblem(schema);
    c = tooBig !== null ? { ok: false, error: tooBig } : compileFresh(schema);
    if (byText.size >= MAX_CACHED) byText.delete(byText.keys().next().value as string);
  }
  byText.set(text, c);
  return c;
}

/**
 * The compiled schema, from the cache when this object (or an equal one) was compiled before.
 * Schema objects are treated as immutable: mutate one and pass a new object.
 */
function compiled(schema: unknown): Compiled {
  const isRef = typeof schema === 'object' && schema !== null;
  if (isRef) {
    const hit = byObject.get(schema);
    if (hit) return hit;
  }
  // Before JSON.stringify, which overflows the stack on a 100,000-deep schema.
  const tooBig = schemaSizeProblem(schema);
  const text = tooBig === null ? JSON.stringify(schema) : undefined;
  const c: Compiled =
    tooBig !== null
      ? { ok: false, error: tooBig }
      : text === undefined
        ? { ok: false, error: 'a JSON Schema is an object or a boolean' }
        : compiledText(text);
  if (isRef) byObject.set(schema, c);
  return c;
}

/** A compile outcome as callers see it. */
export type CompileOutcome = { ok: true } | { ok: false; error: string };

/**
 * Checks that `jsonSchema` is a JSON Schema this build can run: draft 2020-12 (the default
 * without `$schema`, falling back to draft-07), 2019-09, draft-07 or draft-06, within the size
 * limits of schema-limits.ts. `format` is not checked. Never throws; the compiled validator is
 * cached for checkUserSchema. Takes the schema or its JSON text.
 */
export function compileUserSchema(jsonSchema: unknown, asText = false): CompileOutcome {
  const c = asText ? compiledText(jsonSchema as string) : compiled(jsonSchema);
  return c.ok ? { ok: true } : { ok: false, error: c.error };
}

/** Bodies with more values than this get only the first issue (ajv stops there). */
const ALL_ERRORS_MAX_VALUES = 10_000;

/**
 * Validates a parsed body against an endpoint's JSON Schema (an object, or its JSON text with
 * `asText`). Bodies with more than MAX_CHECKED_VALUES values are not checked. A schema that
 * does not compile, or a body too deep for a recursive schema, gives 'none' with the reason as
 * the only issue. When the body fails, `onFirstIssue` gets the verdict with the first issue
 * before every issue is listed (listing them all can take exponential time: the caller stops
 * it with a deadline and keeps the first). Never throws.
 */
export function checkUserSchema(
  schema: unknown,
  json: unknown,
  opts: { asText?: boolean; onFirstIssue?: (r: SchemaResult) => void } = {},
): SchemaResult {
  const name = USER_SCHEMA_NAME;
  const size = countValues(json, MAX_CHECKED_VALUES);
  if (size > MAX_CHECKED_VALUES) {
    return { status: 'none', name, issues: [tooManyValuesIssue] };
  }
  const c = opts.asText ? compiledText(schema as string) : compiled(schema);
  if (!c.ok) return { status: 'none', name, issues: [issue('(schema)', c.error)] };
  try {
    if (c.first(json)) return { status: 'valid', name };
    const first = limitIssues(c.first.errors ?? [], (e) => ajvIssue(e, json));
    if (size > ALL_ERRORS_MAX_VALUES) {
      first.push('... (stopped at the first issue: the body is large)');
      return { status: 'invalid', name, issues: first };
    }
    opts.onFirstIssue?.({ status: 'invalid', name, issues: first });
    c.all(json);
    return {
      status: 'invalid',
      name,
      issues: limitIssues(c.all.errors ?? [], (e) => ajvIssue(e, json)),
    };
  } catch (err) {
    const why =
      err instanceof RangeError ? 'the body is nested too deeply' : (err as Error).message;
    return { status: 'none', name, issues: [issue('(root)', `could not be checked: ${why}`)] };
  }
}
