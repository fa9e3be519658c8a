import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { bodyText } from './store/event-rows';

/** Decoding stops with an error past this size (a zip bomb must not exhaust memory). */
export const MAX_DECODED = 64 * 1024 * 1024;
/** More stacked encodings than this are refused (each layer may expand up to MAX_DECODED). */
export const MAX_CODINGS = 4;

/** zlib's error for output past maxOutputLength. */
const tooLarge = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';

const decoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gunzipSync(b, { maxOutputLength: MAX_DECODED }),
  'x-gzip': (b) => gunzipSync(b, { maxOutputLength: MAX_DECODED }),
  br: (b) => brotliDecompressSync(b, { maxOutputLength: MAX_DECODED }),
  // "deflate" is meant to be zlib-wrapped, but some senders send raw deflate.
  deflate: (b) => {
    try {
      return inflateSync(b, { maxOutputLength: MAX_DECODED });
    } catch (err) {
      if (tooLarge(err)) throw err;
      return inflateRawSync(b, { maxOutputLength: MAX_DECODED });
    }
  },
};

export interface DecodedBody {
  encoding: string | null;
  base64: string;
  size: number;
  text?: string;
  error?: string;
}

/**
 * Undoes the Content-Encoding(s) of a stored body for display, last applied first. The
 * stored bytes are never changed. Unknown encodings, corrupt data, more than MAX_CODINGS
 * encodings and output past MAX_DECODED bytes give `error`; it never throws.
 */
export function decodeBody(headers: [string, string][], body: Buffer): DecodedBody {
  const header = headers
    .filter(([n]) => n.toLowerCase() === 'content-encoding')
    .map(([, v]) => v)
    .join(',');
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  let out = body;
  try {
    if (codings.length > MAX_CODINGS) {
      throw new Error(`${codings.length} stacked Content-Encodings (at most ${MAX_CODINGS})`);
    }
    for (const c of [...codings].reverse()) {
      // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
      const decode = Object.hasOwn(decoders, c) ? decoders[c] : undefined;
      if (!decode) throw new Error(`unsupported Content-Encoding "${c}"`);
      out = decode(out);
    }
  } catch (err) {
    return {
      encoding: codings.join(', ') || null,
      base64: body.toString('base64'),
      size: body.length,
      error: tooLarge(err)
        ? `could not decode: the decoded body is larger than ${MAX_DECODED / 1024 / 1024} MB`
        : `could not decode: ${(err as Error).message}`,
    };
  }
  const text = bodyText(out);
  return {
    encoding: codings.join(', ') || null,
    base64: out.toString('base64'),
    size: out.length,
    ...(text !== undefined ? { text } : {}),
  };
}
