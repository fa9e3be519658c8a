import { HookscopeError } from '../../shared/errors';
import { MAX_FORM_FIELDS, readFormFields } from '../../shared/form';
import { parseJson } from '../json-body';
import { isRecord } from './common';
import { fromHex, hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import type { HeaderBag } from './headers';
import type { SignatureInput } from './types';
import { decide } from './verdict';

/**
 * Mailgun signs inside the body, not in a header: JSON webhooks carry
 * `"signature": { "timestamp", "token", "signature" }` (plus `parent-signature`, made with the
 * primary account's key, for subaccount domains); legacy webhooks and routes post `timestamp`,
 * `token` and `signature` form fields (urlencoded or multipart). The signature is the hex
 * HMAC-SHA256 of `${timestamp}${token}` keyed with the HTTP webhook signing key. It does NOT
 * cover the event data. Mailgun sends no header that reliably identifies it, so `auto` never
 * picks it: set the provider on the endpoint. Mailgun documents no tolerance; Hookscope uses
 * 300 s.
 */

const LABEL = 'Mailgun body signature';
const WEAKNESS =
  'the signature covers only the timestamp and token, not the event data, so the body can be changed without breaking it';
/** Larger bodies (e.g. routed mail with attachments) are not searched for the fields. */
const MAX_BODY = 32 * 1024 * 1024;

interface Fields {
  timestamp?: string | undefined;
  token?: string | undefined;
  signature?: string | undefined;
  parent?: string | undefined;
  /** Where the fields were found, for idempotency sources. */
  where: 'json' | 'form';
  /** The form has more fields than were read (the first MAX_FORM_FIELDS). */
  cut?: true;
}

export const mailgun = defineScheme('mailgun', {
  defaultToleranceSec: 300,
  weakness: WEAKNESS,
  detect: () => false,
  verify(req, h, ctx) {
    const f = readFields(req, h, undefined);
    if (!f || f.signature === undefined) {
      const cut = f?.cut
        ? ` Only the first ${MAX_FORM_FIELDS.toLocaleString('en-US')} fields of this form were searched: it has more.`
        : '';
      return {
        status: 'missing',
        reason: `No Mailgun signature in the body (a JSON "signature" object with timestamp, token and signature, or timestamp/token/signature form fields): this delivery is unsigned or was not sent by Mailgun.${cut}`,
      };
    }
    const signatures: Buffer[] = [];
    let malformed: string | undefined;
    for (const [name, value] of [
      ['signature', f.signature],
      ['parent-signature', f.parent],
    ] as const) {
      if (value === undefined) continue;
      const sig = fromHex(value.trim());
      if (sig && sig.length === 32) signatures.push(sig);
      else malformed ??= `${name} must be 64 hex digits, got ${JSON.stringify(value.slice(0, 70))}`;
    }
    const okTs = f.timestamp !== undefined && /^\d{1,12}$/.test(f.timestamp);
    if (f.timestamp === undefined) malformed ??= 'the timestamp it signs is missing';
    else if (!okTs)
      malformed ??= `timestamp must be Unix seconds, got ${JSON.stringify(f.timestamp.slice(0, 40))}`;
    if (f.token === undefined) malformed ??= 'the token it signs is missing';
    return decide(
      ctx,
      {
        header: LABEL,
        signatures,
        malformed,
        timestampMs: okTs ? Number(f.timestamp) * 1000 : undefined,
        carrier: LABEL,
        covers: 'the timestamp or token',
      },
      (secret) => hmac('sha256', secret, `${f.timestamp ?? ''}${f.token ?? ''}`),
      safeEqual,
      WEAKNESS,
    );
  },
  sign() {
    throw new HookscopeError(
      'bad_input',
      "Mailgun puts its signature in the body (timestamp, token, signature), so re-signing would rewrite the body, and Hookscope's re-signing only replaces headers. Replay the delivery as it is: the signature covers only timestamp and token, so an edited event body still verifies (until the timestamp is older than the tolerance).",
    );
  },
  idempotencyKey(req, h, json) {
    const f = readFields(req, h, json);
    if (!f?.token) return null;
    return {
      key: f.token,
      source: f.where === 'json' ? 'body.signature.token' : 'token form field',
    };
  },
});

/** Finds the signature fields in a JSON, urlencoded or multipart body; null when there are none. */
function readFields(req: SignatureInput, h: HeaderBag, json: unknown): Fields | null {
  if (req.body.length === 0 || req.body.length > MAX_BODY) return null;
  const type = (h.get('content-type') ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = readFormFields(req.body.toString('utf8'));
    const p = new Map<string, string>();
    for (const [name, value] of form.fields) if (!p.has(name)) p.set(name, value);
    const f = fieldsOf((name) => p.get(name), 'form');
    if (form.more) return { ...(f ?? { where: 'form' }), cut: true };
    return f;
  }
  if (type.includes('multipart/form-data')) return multipart(req.body, h.get('content-type') ?? '');
  const data = json ?? parseJson(req.body);
  if (!isRecord(data) || !isRecord(data.signature)) return null;
  const sig = data.signature;
  return fieldsOf((name) => text(sig[name]), 'json');
}

function fieldsOf(
  get: (name: string) => string | undefined,
  where: Fields['where'],
): Fields | null {
  const f: Fields = {
    timestamp: get('timestamp'),
    token: get('token'),
    signature: get('signature'),
    parent: get('parent-signature'),
    where,
  };
  return f.signature === undefined && f.token === undefined ? null : f;
}

/** The `timestamp`, `token`, `signature` and `parent-signature` parts of a multipart body. */
function multipart(body: Buffer, contentType: string): Fields | null {
  const m = /boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return null;
  const wanted = new Set(['timestamp', 'token', 'signature', 'parent-signature']);
  const found = new Map<string, string>();
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1 && found.size < wanted.size) {
    const start = at + delimiter.length;
    const next = body.indexOf(delimiter, start);
    const part = body.subarray(start, next === -1 ? body.length : next);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const name = dispositionName(part.subarray(0, split).toString('latin1'));
      if (name !== undefined && wanted.has(name) && !found.has(name)) {
        let value = part.subarray(split + 4);
        if (value.subarray(-2).toString('latin1') === '\r\n') value = value.subarray(0, -2);
        found.set(name, value.toString('utf8'));
      }
    }
    at = next;
  }
  return fieldsOf((name) => found.get(name), 'form');
}

/**
 * The `name="..."` parameter of a part's Content-Disposition header, or undefined. Scans with
 * indexOf only: the regex it replaces (`content-disposition:[^\r\n]*?\bname="..."`) retried
 * its lazy scan from every "content-disposition:" on a line, quadratic on a 1 MB header.
 */
function dispositionName(head: string): string | undefined {
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') {
      continue;
    }
    const lower = line.toLowerCase();
    for (let at = lower.indexOf('name="', colon); at !== -1; at = lower.indexOf('name="', at + 1)) {
      // `filename="..."` is another parameter.
      if (/\w/.test(lower[at - 1] ?? '')) continue;
      const end = line.indexOf('"', at + 6);
      return end === -1 ? undefined : line.slice(at + 6, end);
    }
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
