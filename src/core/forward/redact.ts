import {
  brotliDecompressSync,
  constants,
  gunzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';
import type { SendResult } from './send';

/** What a secret is replaced with in anything a target answered or a sender sent. */
export const REDACTED = '[secret]';

/** The shortest start of a secret that is still taken out where an answer was cut off. */
const MIN_TAIL = 4;
/** The shortest encoded form (base64 at an offset, hex) looked for: shorter ones match by chance. */
const MIN_DERIVED = 6;
/** Most bytes a compressed answer is decoded to, over all its codings, to look for secrets. */
export const MAX_DECODED_FOR_REDACTION = 4 * 1024 * 1024;
/** Bytes of a decoded answer kept when it held a secret (what is kept of any answer). */
const KEPT_DECODED = 64 * 1024;

/** Base64 (standard and URL alphabets) of `bytes` as it appears inside a longer base64 text. */
function base64Forms(bytes: Buffer): string[] {
  // Whole (with its padding) first, then the characters that hold only its bits at each offset.
  const forms: string[] = [bytes.toString('base64'), bytes.toString('base64url')];
  for (let shift = 0; shift < 3; shift++) {
    const enc = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters wholly inside `bytes`: the first after the shift's bits, up to the last full one.
    const start = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6);
    const part = enc.slice(start, end);
    forms.push(part, part.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms.filter((f) => f.length >= MIN_DERIVED);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Secrets shorter than this are taken out only as whole tokens (not next to a letter or
 * digit): a 3-character secret would otherwise mask those letters in every other word.
 */
export const SHORT_SECRET = 8;
/** Around a short secret's forms: no letter or digit right before or after. */
const wholeToken = (alternatives: string): string =>
  `(?<![A-Za-z0-9])(?:${alternatives})(?![A-Za-z0-9])`;

/**
 * Takes every configured secret out of what a target answered before it is stored or returned,
 * and out of the headers and query a sender sent before they are shown: a handler that echoes
 * its request must not put a GitLab token or any other endpoint secret into the log, an answer
 * or a push, and the token GitLab sends is shown as `[secret]`. One mechanism for check-up
 * answers, forward and replay attempts, and received deliveries.
 *
 * A secret is found as set or trimmed, URL-encoded, JSON-escaped, in base64 or base64url (also
 * inside a longer base64 text, e.g. `Basic` credentials) and in hex, in any letter case; in an
 * answer's body also after its Content-Encoding (gzip, deflate, br; decoded up to 4 MB).
 */
export class Redactor {
  /** Each secret as it may come back, longest first, as written. */
  private readonly forms: string[];
  private readonly bytes: Buffer[];
  /** Every form, case-insensitively; null when there is no secret. */
  private readonly pattern: RegExp | null;
  /** The same over bytes read as latin1 (a form's UTF-8 bytes, one character each). */
  private readonly bytePattern: RegExp | null;

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    /** Forms of secrets under SHORT_SECRET characters: matched only as whole tokens. */
    const short = new Set<string>();
    for (const s of secrets) {
      for (const v of [s, s.trim()]) {
        if (!v) continue;
        const into = v.trim().length < SHORT_SECRET ? short : forms;
        into.add(v);
        into.add(encodeURIComponent(v));
        into.add(JSON.stringify(v).slice(1, -1));
        const raw = Buffer.from(v);
        for (const b of base64Forms(raw)) into.add(b);
        const hex = raw.toString('hex');
        if (hex.length >= MIN_DERIVED) into.add(hex);
      }
    }
    for (const f of forms) short.delete(f); // a long secret's form is taken out anywhere
    const byLength = (list: Set<string>): string[] => [...list].sort((a, b) => b.length - a.length);
    const [long, whole] = [byLength(forms), byLength(short)];
    this.forms = byLength(new Set([...long, ...whole]));
    // The cut-off check looks for the start of long secrets only (a short one's start is
    // a few letters that any word may end with).
    this.bytes = long.map((f) => Buffer.from(f));
    const anyOf = (list: string[][]): RegExp | null => {
      const [anywhere, tokens] = list.map((l) => l.map(escapeRegExp).join('|'));
      const parts = [...(anywhere ? [anywhere] : []), ...(tokens ? [wholeToken(tokens)] : [])];
      return parts.length > 0 ? new RegExp(parts.join('|'), 'gi') : null;
    };
    const latin1 = (l: string[]): string[] => l.map((f) => Buffer.from(f).toString('latin1'));
    this.pattern = anyOf([long, whole]);
    this.bytePattern = anyOf([latin1(long), latin1(whole)]);
  }

  /** True when there is no secret to take out. */
  get empty(): boolean {
    return this.pattern === null;
  }

  /** `text` with every secret replaced by `[secret]`. */
  text(text: string): string {
    return this.pattern ? text.replace(this.pattern, REDACTED) : text;
  }

  /**
   * A URL's query string with every secret replaced, however it is spelled: as set (or any
   * form `text` finds), or percent-encoded in any way that decodes to it (every byte as %XX,
   * any case of hex digits, `+` for a space). The span of the query that spells the secret
   * becomes `[secret]`; the rest stays as sent.
   */
  query(query: string): string {
    if (!this.bytePattern || query === '') return query;
    let out = this.text(query);
    if (!out.includes('%') && !out.includes('+')) return out;
    for (const plusIsSpace of [true, false]) out = this.maskDecoded(out, plusIsSpace);
    return out;
  }

  /**
   * A request path (`/gitlab/<token>/hook`, `;token=…`) with every secret replaced however it is
   * spelled, percent-encoded too, as in `query`.
   */
  path(path: string): string {
    return this.query(path);
  }

  /** A URL (a public URL with its query): its path and query masked as in `path` and `query`. */
  url(url: string): string {
    const q = url.indexOf('?');
    if (q < 0) return this.path(url);
    return this.path(url.slice(0, q + 1)) + this.query(url.slice(q + 1));
  }

  /** `raw` with the raw span of each secret found in its percent-decoded bytes replaced. */
  private maskDecoded(raw: string, plusIsSpace: boolean): string {
    const { bytes, from, to } = percentDecode(raw, plusIsSpace);
    const spans: [number, number][] = [];
    for (const m of bytes.matchAll(this.bytePattern!)) {
      const start = from[m.index]!;
      const end = to[m.index + m[0].length - 1]!;
      const last = spans.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else spans.push([start, end]);
    }
    if (spans.length === 0) return raw;
    let out = '';
    let at = 0;
    for (const [start, end] of spans) {
      out += raw.slice(at, start) + REDACTED;
      at = end;
    }
    return out + raw.slice(at);
  }

  /** Header pairs with every secret in their values (and names) replaced. */
  headers(headers: [string, string][]): [string, string][] {
    if (!this.pattern) return headers;
    return headers.map(([n, v]) => [this.text(n), this.text(v)]);
  }

  /**
   * `body` with every secret replaced (bytes kept as they are elsewhere); when the body was cut
   * off (`truncated`), a start of a secret at its very end (at least 4 bytes) goes too.
   */
  body(body: Buffer, truncated: boolean): Buffer {
    if (!this.bytePattern) return body;
    // latin1 maps each byte to one character and back: the bytes around a secret stay exact.
    const text = body.toString('latin1');
    const replaced = text.replace(this.bytePattern, REDACTED);
    let out = replaced === text ? body : Buffer.from(replaced, 'latin1');
    if (!truncated) return out;
    const tail = out
      .subarray(Math.max(0, out.length - 4096))
      .toString('latin1')
      .toLowerCase();
    for (const f of this.bytes) {
      const lower = f.toString('latin1').toLowerCase();
      for (let n = Math.min(f.length - 1, tail.length); n >= MIN_TAIL; n--) {
        if (tail.endsWith(lower.slice(0, n))) {
          out = Buffer.concat([out.subarray(0, out.length - n), Buffer.from(REDACTED)]);
          return out;
        }
      }
    }
    return out;
  }

  /**
   * A target's answer with every secret taken out of its headers, body and error. A body with
   * a Content-Encoding is decoded to look inside: when it holds a secret, the decoded body is
   * kept with the secret taken out (its Content-Encoding removed and a note header saying so);
   * one that cannot be decoded within 4 MB is not kept, saying why.
   */
  result(r: SendResult): SendResult {
    if (!this.pattern) return r;
    const redacted: SendResult = {
      ...r,
      error: r.error === null ? null : this.text(r.error),
      headers: this.headers(r.headers),
      body: this.body(r.body, r.truncated),
    };
    return this.decodedBody(redacted, r.body);
  }

  private decodedBody(r: SendResult, original: Buffer): SendResult {
    const codings = contentCodings(r.headers);
    if (codings.length === 0 || original.length === 0) return r;
    const decoded = decodeBounded(original, codings);
    if (decoded === 'unknown') return r;
    const coding = codings.join(', ');
    const rest = r.headers.filter(([n]) => n.toLowerCase() !== 'content-encoding');
    if (decoded === 'too-large') {
      return {
        ...r,
        headers: [
          ...rest,
          [
            'X-Hookscope-Note',
            `body not kept: decoded (${coding}) it is more than ${MAX_DECODED_FOR_REDACTION / 1024 / 1024} MB, too large to check for secrets`,
          ],
        ],
        body: Buffer.alloc(0),
        truncated: true,
      };
    }
    const cleaned = this.body(decoded, r.truncated);
    if (cleaned === decoded) return r;
    const cut = cleaned.length > KEPT_DECODED;
    return {
      ...r,
      headers: [...rest, ['X-Hookscope-Note', `body decoded from ${coding} to take out a secret`]],
      body: cut ? cleaned.subarray(0, KEPT_DECODED) : cleaned,
      truncated: r.truncated || cut,
    };
  }
}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * The bytes a query string (or part of one) stands for, as a latin1 string (one character a
 * byte), with where each byte was spelled in `raw`: from `from[i]` up to `to[i]`. `%XX` is one
 * byte; a `%` not followed by two hex digits stays itself; other characters are their UTF-8.
 */
function percentDecode(
  raw: string,
  plusIsSpace: boolean,
): { bytes: string; from: number[]; to: number[] } {
  let bytes = '';
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < raw.length;) {
    const c = raw[i]!;
    if (c === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      bytes += String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
      from.push(i);
      to.push(i + 3);
      i += 3;
      continue;
    }
    const cp = raw.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const encoded =
      c === '+' && plusIsSpace ? ' ' : Buffer.from(raw.slice(i, i + len)).toString('latin1');
    for (const b of encoded) {
      bytes += b;
      from.push(i);
      to.push(i + len);
    }
    i += len;
  }
  return { bytes, from, to };
}

/** The Content-Encoding codings of an answer, in the order applied; [] for none or identity. */
function contentCodings(headers: [string, string][]): string[] {
  return headers
    .filter(([n]) => n.toLowerCase() === 'content-encoding')
    .flatMap(([, v]) => v.split(','))
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * The body decoded through `codings` (last applied first), at most 4 MB in all; a stream cut
 * off (an answer kept to its first 64 KB) gives what it holds. 'unknown' for a coding that is
 * not gzip, deflate or br, or bytes that are not one; 'too-large' past 4 MB.
 */
function decodeBounded(body: Buffer, codings: string[]): Buffer | 'unknown' | 'too-large' {
  let bytes = body;
  for (const coding of [...codings].reverse()) {
    const opts = { maxOutputLength: MAX_DECODED_FOR_REDACTION };
    const flush = { ...opts, finishFlush: constants.Z_SYNC_FLUSH };
    try {
      if (coding === 'gzip' || coding === 'x-gzip') bytes = gunzipSync(bytes, flush);
      else if (coding === 'deflate') {
        try {
          bytes = inflateSync(bytes, flush);
        } catch (err) {
          if (err instanceof RangeError) throw err;
          bytes = inflateRawSync(bytes, flush);
        }
      } else if (coding === 'br') {
        bytes = brotliDecompressSync(bytes, {
          ...opts,
          finishFlush: constants.BROTLI_OPERATION_FLUSH,
        });
      } else return 'unknown';
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        return 'too-large';
      return 'unknown';
    }
  }
  return bytes;
}
