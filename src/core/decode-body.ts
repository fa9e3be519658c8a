import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  brotliDecompressSync,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createInflateRaw,
  gunzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';
import { bodyText } from './store/event-rows';

/** Decoding stops with an error past this size (a zip bomb must not exhaust memory). */
export const MAX_DECODED = 64 * 1024 * 1024;
/** More stacked encodings than this are refused (each layer may expand up to MAX_DECODED). */
export const MAX_CODINGS = 4;

/** zlib's error for output past maxOutputLength. */
const tooLarge = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';

const decoders: Record<string, (b: Buffer, max: number) => Buffer> = {
  gzip: (b, max) => gunzipSync(b, { maxOutputLength: max }),
  'x-gzip': (b, max) => gunzipSync(b, { maxOutputLength: max }),
  br: (b, max) => brotliDecompressSync(b, { maxOutputLength: max }),
  // "deflate" is meant to be zlib-wrapped, but some senders send raw deflate.
  deflate: (b, max) => {
    try {
      return inflateSync(b, { maxOutputLength: max });
    } catch (err) {
      if (tooLarge(err)) throw err;
      return inflateRawSync(b, { maxOutputLength: max });
    }
  },
};

/** The Content-Encodings of a body in the order applied (identity left out). */
function codingsOf(headers: [string, string][]): { codings: string[]; encoding: string | null } {
  const header = headers
    .filter(([n]) => n.toLowerCase() === 'content-encoding')
    .map(([, v]) => v)
    .join(',');
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  return { codings, encoding: codings.join(', ') || null };
}

/** A body with its Content-Encoding(s) undone, or why not. */
export type DecodedBytes =
  { encoding: string | null; bytes: Buffer } | { encoding: string | null; error: string };

/**
 * Undoes the Content-Encoding(s) of a body, last applied first, each layer's output stopped
 * at `maxOutput` bytes. Unknown encodings, corrupt data, more than MAX_CODINGS encodings and
 * output past `maxOutput` give `error`; it never throws.
 */
export function decodeBytes(
  headers: [string, string][],
  body: Buffer,
  maxOutput = MAX_DECODED,
): DecodedBytes {
  const { codings, encoding } = codingsOf(headers);
  let out = body;
  try {
    if (codings.length > MAX_CODINGS) {
      throw new Error(`${codings.length} stacked Content-Encodings (at most ${MAX_CODINGS})`);
    }
    for (const c of [...codings].reverse()) {
      // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
      const decode = Object.hasOwn(decoders, c) ? decoders[c] : undefined;
      if (!decode) throw new Error(`unsupported Content-Encoding "${c}"`);
      out = decode(out, maxOutput);
    }
  } catch (err) {
    return {
      encoding,
      error: tooLarge(err)
        ? `could not decode: the decoded body is larger than ${maxOutput / 1024 / 1024} MB`
        : `could not decode: ${(err as Error).message}`,
    };
  }
  return { encoding, bytes: out };
}

export interface DecodedBody {
  encoding: string | null;
  base64: string;
  size: number;
  text?: string;
  error?: string;
  /** Set when only the start of the decoded body is given: says how much, in words. */
  shown?: string;
}

/** Decoded bodies are shown up to this many times their stored size (past DISPLAY_MIN). */
export const DISPLAY_EXPANSION = 64;
/** Shown whatever the stored size, when the body decodes to that much. */
export const DISPLAY_MIN = 1024 * 1024;
/** The most of a decoded body shown. */
export const DISPLAY_MAX = 4 * 1024 * 1024;

/**
 * How much of an encoded body is decoded for display: DISPLAY_EXPANSION times its stored size,
 * at least DISPLAY_MIN, at most DISPLAY_MAX. A 106-byte brotli body decodes to 154 MB: decoding
 * it all (and sending it as base64 and text) held the engine 13 s.
 */
export function displayDecodeLimit(stored: number): number {
  return Math.min(DISPLAY_MAX, Math.max(DISPLAY_MIN, DISPLAY_EXPANSION * stored));
}

/**
 * Undoes the Content-Encoding(s) of a body synchronously, under the same cap as display
 * (`displayDecodeLimit`, 64× the stored size, 1–4 MB) and the same budget: every layer's
 * output counts, 2 × `limit` in all, and the decoded body is at most `limit`. What search
 * indexes and matches (on the engine's thread, inside its transactions): a body that decodes
 * past the cap is not searched, saying so, where display shows its start. Never throws.
 */
export function decodeBounded(
  headers: [string, string][],
  body: Buffer,
  limit = displayDecodeLimit(body.length),
): DecodedBytes {
  const { codings, encoding } = codingsOf(headers);
  if (codings.length > MAX_CODINGS) {
    const error = `could not decode: ${codings.length} stacked Content-Encodings (at most ${MAX_CODINGS})`;
    return { encoding, error };
  }
  let out = body;
  let left = 2 * limit;
  const order = [...codings].reverse();
  try {
    for (const [i, c] of order.entries()) {
      const decode = Object.hasOwn(decoders, c) ? decoders[c] : undefined;
      if (!decode) throw new Error(`unsupported Content-Encoding "${c}"`);
      const last = i === order.length - 1;
      // zlib refuses a maxOutputLength of 0: a spent budget is too large at once.
      const max = Math.max(1, last ? Math.min(limit, left) : left);
      out = decode(out, max);
      left -= out.length;
    }
  } catch (err) {
    return {
      encoding,
      error: tooLarge(err)
        ? `could not decode: the decoded body is larger than ${mb(limit)} (${DISPLAY_EXPANSION}× its stored size, 1–4 MB)`
        : `could not decode: ${(err as Error).message}`,
    };
  }
  return { encoding, bytes: out };
}

/** Ends the decoding once enough is decoded (not an error for the user). */
class Enough extends Error {}

/** "deflate" is meant to be zlib-wrapped; some senders send raw deflate: told by its header. */
class AutoInflate extends Transform {
  private inner: Transform | null = null;
  private head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.inner) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return cb();
      const [a, b] = [this.head[0]!, this.head[1]!];
      const zlib = (a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0;
      this.inner = zlib ? createInflate() : createInflateRaw();
      this.inner.on('data', (d: Buffer) => this.push(d));
      this.inner.on('error', (err) => this.destroy(err));
      chunk = this.head;
    }
    if (this.inner.write(chunk)) cb();
    else this.inner.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    const inner = this.inner ?? createInflateRaw();
    if (!this.inner) {
      inner.on('data', (d: Buffer) => this.push(d));
      inner.on('error', (err) => cb(err));
      inner.write(this.head);
    }
    inner.once('end', () => cb());
    inner.end();
  }
}

const streams: Record<string, () => Transform> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  br: () => createBrotliDecompress(),
  deflate: () => new AutoInflate(),
};

/** Counts every layer's output against one budget. */
function counter(budget: { left: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      budget.left -= chunk.length;
      if (budget.left < 0) cb(new Enough());
      else cb(null, chunk);
    },
  });
}

/** A body decoded for display: the whole of it, or its first `limit` bytes (`cut`). */
export type DecodedSlice =
  | { encoding: string | null; bytes: Buffer; cut: boolean }
  | { encoding: string | null; error: string };

/**
 * Undoes the Content-Encoding(s) of a body for display, with bounded work: streamed through
 * zlib in chunks (off the engine's thread, in zlib's pool), stopped once `limit` bytes are
 * decoded or every layer together produced 2 × `limit` (stacked layers of stored blocks
 * expand without end). Gives the start of the decoded body when stopped. Never throws.
 */
export async function decodeForDisplay(
  headers: [string, string][],
  body: Buffer,
  limit = displayDecodeLimit(body.length),
): Promise<DecodedSlice> {
  const { codings, encoding } = codingsOf(headers);
  if (codings.length === 0) return { encoding, bytes: body, cut: false };
  if (codings.length > MAX_CODINGS) {
    const error = `could not decode: ${codings.length} stacked Content-Encodings (at most ${MAX_CODINGS})`;
    return { encoding, error };
  }
  const stages: Transform[] = [];
  const budget = { left: 2 * limit };
  for (const c of [...codings].reverse()) {
    const make = Object.hasOwn(streams, c) ? streams[c] : undefined;
    if (!make) return { encoding, error: `could not decode: unsupported Content-Encoding "${c}"` };
    stages.push(make(), counter(budget));
  }
  const out: Buffer[] = [];
  let size = 0;
  const collect = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      size += chunk.length;
      cb(size >= limit ? new Enough() : null);
    },
  });
  try {
    await pipeline([Readable.from([body]), ...stages, collect]);
  } catch (err) {
    if (!(err instanceof Enough)) {
      return { encoding, error: `could not decode: ${(err as Error).message}` };
    }
    const bytes = Buffer.concat(out);
    return { encoding, bytes: bytes.subarray(0, Math.min(limit, bytes.length)), cut: true };
  }
  return { encoding, bytes: Buffer.concat(out), cut: false };
}

/** The bytes up to the last whole UTF-8 character, when a cut split one. */
function wholeUtf8(bytes: Buffer): Buffer {
  if (bodyText(bytes) !== undefined) return bytes;
  for (let k = 1; k <= 3 && k < bytes.length; k++) {
    const head = bytes.subarray(0, bytes.length - k);
    if (bodyText(head) !== undefined) return head;
  }
  return bytes;
}

const mb = (n: number): string =>
  n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;

/**
 * Undoes the Content-Encoding(s) of a stored body for display (decodeForDisplay): the whole
 * body, or its first part with `shown` saying so. The stored bytes are never changed. Never
 * throws: what cannot be decoded comes back as stored, with `error`.
 */
export async function decodeBody(headers: [string, string][], body: Buffer): Promise<DecodedBody> {
  const d = await decodeForDisplay(headers, body);
  if ('error' in d) {
    return {
      encoding: d.encoding,
      base64: body.toString('base64'),
      size: body.length,
      error: d.error,
    };
  }
  const bytes = d.cut ? wholeUtf8(d.bytes) : d.bytes;
  const text = bodyText(bytes);
  return {
    encoding: d.encoding,
    base64: bytes.toString('base64'),
    size: bytes.length,
    ...(text !== undefined ? { text } : {}),
    ...(d.cut
      ? {
          shown: `decoded: first ${mb(bytes.length)} shown; the body decodes to more, which Hookscope does not decode for display`,
        }
      : {}),
  };
}
