import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { bodyText } from './store/event-rows';

/** Decoded bodies larger than this are cut off (a zip bomb must not exhaust memory). */
const MAX_DECODED = 64 * 1024 * 1024;

const decoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gunzipSync(b, { maxOutputLength: MAX_DECODED }),
  'x-gzip': (b) => gunzipSync(b, { maxOutputLength: MAX_DECODED }),
  br: (b) => brotliDecompressSync(b, { maxOutputLength: MAX_DECODED }),
  // "deflate" is meant to be zlib-wrapped, but some senders send raw deflate.
  deflate: (b) => {
    try {
      return inflateSync(b, { maxOutputLength: MAX_DECODED });
    } catch {
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
 * stored bytes are never changed. Unknown encodings and corrupt data give `error`.
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
    for (const c of [...codings].reverse()) {
      const decode = decoders[c];
      if (!decode) throw new Error(`unsupported Content-Encoding "${c}"`);
      out = decode(out);
    }
  } catch (err) {
    return {
      encoding: codings.join(', ') || null,
      base64: body.toString('base64'),
      size: body.length,
      error: `could not decode: ${(err as Error).message}`,
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
