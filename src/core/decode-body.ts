import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
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
  const header = headers
    .filter(([n]) => n.toLowerCase() === 'content-encoding')
    .map(([, v]) => v)
    .join(',');
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  const encoding = codings.join(', ') || null;
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
}

/**
 * Undoes the Content-Encoding(s) of a stored body for display (decodeBytes, up to
 * MAX_DECODED). The stored bytes are never changed. Never throws: what cannot be decoded
 * comes back as stored, with `error`.
 */
export function decodeBody(headers: [string, string][], body: Buffer): DecodedBody {
  const d = decodeBytes(headers, body);
  if ('error' in d) {
    return {
      encoding: d.encoding,
      base64: body.toString('base64'),
      size: body.length,
      error: d.error,
    };
  }
  const text = bodyText(d.bytes);
  return {
    encoding: d.encoding,
    base64: d.bytes.toString('base64'),
    size: d.bytes.length,
    ...(text !== undefined ? { text } : {}),
  };
}
