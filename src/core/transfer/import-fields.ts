/**
 * Field checks for imported HAR and NDJSON files: each returns the value as an
 * IncomingDelivery holds it or throws an ImportError naming where and which field is wrong,
 * so a hostile file gives a clear message and never a half-typed delivery.
 */

import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json-body';
import type { StoredResponse } from '../store/response-store';
import type { IncomingDelivery } from '../types';

/** Why a file cannot be imported; its message names the entry or line and the field. */
export class ImportError extends Error {}

/** An HTTP method token (RFC 9110), as the receiver accepts them. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Characters no stored request line or header can hold. */
const LINE_BREAK_OR_NUL = /[\r\n\0]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** uuidv7 keeps 48 bits of milliseconds: 1970 up to the year 10889. */
const MAX_TIME = 2 ** 48 - 1;

type Obj = Record<string, unknown>;
/** A JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string without line breaks or NUL; '' for an absent optional field. */
export function text(v: unknown, where: string, field: string, optional = false): string {
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new ImportError(`${where}: ${field} must be a string`);
  if (LINE_BREAK_OR_NUL.test(v)) {
    throw new ImportError(`${where}: ${field} contains a line break or NUL`);
  }
  return v;
}

/** An HTTP method token. */
export function method(v: unknown, where: string, field: string): string {
  if (typeof v !== 'string' || !METHOD.test(v)) {
    throw new ImportError(`${where}: ${field} must be an HTTP method such as POST`);
  }
  // As the receiver stores them (Node accepts methods in capitals only): `post` is POST, so the
  // method filter finds it.
  return v.toUpperCase();
}

/** Bytes from strict base64 (Buffer.from alone would skip invalid characters silently). */
export function base64(v: unknown, where: string, field: string): Buffer {
  if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 === 1) {
    throw new ImportError(`${where}: ${field} must be base64`);
  }
  return Buffer.from(v, 'base64');
}

/** A header list as received: non-empty names, no line breaks or NUL in names or values. */
export function headerList(pairs: unknown[], where: string, field: string): [string, string][] {
  return pairs.map((p, k) => {
    const [name, value] = p as unknown[];
    const at = `${field}[${k}]`;
    if (typeof name !== 'string' || name === '' || LINE_BREAK_OR_NUL.test(name)) {
      throw new ImportError(`${where}: ${at} needs a header name without line breaks`);
    }
    const v = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    return [name, text(v, where, `${at} value`)];
  });
}

/** ms since the epoch from an ISO date; now when absent or unreadable, an error out of range. */
export function time(v: unknown, where: string, field: string): number {
  const at = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(at)) return Date.now();
  if (at < 0 || at > MAX_TIME) throw new ImportError(`${where}: ${field} is out of range`);
  return at;
}

/** The public URL an event came in on: null, or an http(s) URL. */
export function publicUrl(v: unknown, where: string, field: string): string | null {
  if (v === undefined || v === null) return null;
  const s = text(v, where, field);
  if (!/^https?:\/\//i.test(s) || !URL.canParse(s)) {
    throw new ImportError(`${where}: ${field} must be an http(s) URL`);
  }
  return s;
}

/** null when absent, the value when `ok` accepts it, else an error. */
export function optional<T>(
  v: unknown,
  ok: (v: unknown) => v is T,
  where: string,
  field: string,
): T | null {
  if (v === undefined || v === null || ok(v)) return (v ?? null) as T | null;
  throw new ImportError(`${where}: ${field} has the wrong type`);
}

/** Type guards for optional(). */
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** A list field (absent: empty), else an error. */
export function list(v: unknown, where: string, field: string): unknown[] {
  const l = v ?? [];
  if (!Array.isArray(l)) throw new ImportError(`${where}: ${field} must be a list`);
  return l;
}

/** A field's value in an import and its name there, for the error that names it. */
export type Field<T = unknown> = [value: T, name: string];

/**
 * The delivery an import stores, read alike from HAR and NDJSON: each field with its name in
 * the format, checked in this order (the first wrong one is the one named); the path and
 * query as received, and the body, are read by the format itself (`target`, `body`).
 */
export function delivery(
  where: string,
  f: {
    receivedAt: Field;
    method: Field;
    target: () => { path: string; query: string };
    headers: Field<unknown[]>;
    body: () => Buffer;
    sourceIp: Field;
    viaTunnel: Field;
    publicUrl: Field;
  },
): IncomingDelivery {
  const receivedAt = time(f.receivedAt[0], where, f.receivedAt[1]);
  const m = method(f.method[0], where, f.method[1]);
  const { path, query } = f.target();
  return {
    receivedAt,
    method: m,
    path,
    query,
    headers: headerList(f.headers[0], where, f.headers[1]),
    body: f.body(),
    sourceIp: optional(f.sourceIp[0], isString, where, f.sourceIp[1]),
    viaTunnel: optional(f.viaTunnel[0], isBoolean, where, f.viaTunnel[1]) ?? false,
    publicUrl: publicUrl(f.publicUrl[0], where, f.publicUrl[1]),
  };
}

/** The most a stored response delay can be (as an endpoint's `delayMs`). */
const MAX_DELAY_MS = 120_000;

/** The headers, body and delay a delivery was answered with, as stored (ResponseStore). */
export function storedResponse(
  v: { headers: unknown[]; body: unknown; delayMs: unknown },
  where: string,
  field: string,
): StoredResponse {
  const headers = headerList(v.headers, where, `${field}.headers`);
  if (v.body !== undefined && typeof v.body !== 'string') {
    throw new ImportError(`${where}: ${field} body must be text`);
  }
  const d = v.delayMs;
  const delayMs =
    typeof d === 'number' && Number.isInteger(d) && d > 0 && d <= MAX_DELAY_MS ? d : undefined;
  return {
    headers,
    ...(v.body !== undefined ? { body: v.body } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
  };
}

/** A stored response status, else 200 (HAR files of other tools write 0 or leave it out). */
export const status = (v: unknown): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599 ? v : 200;

/** JSON.parse with the place (`line 3: `) in front of the error; refuses absurd nesting. */
export function parse(json: string, where: string): unknown {
  if (nestedDeeperThan(json, MAX_JSON_DEPTH)) {
    throw new ImportError(`${where}nested more than ${MAX_JSON_DEPTH} levels deep: not an export`);
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new ImportError(`${where}not JSON: ${(err as Error).message}`, { cause: err });
  }
}
