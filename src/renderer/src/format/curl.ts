import { bytesToBase64 } from './base64';

export interface CurlRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body: Uint8Array;
  /** The body as text when it is valid UTF-8. */
  bodyText?: string | undefined;
}

/** Headers curl computes itself or that would not make sense against another host. */
const SKIP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);
/** Headers curl adds on its own unless told not to (so an absent one is suppressed). */
const CURL_DEFAULTS = ['User-Agent', 'Accept'];

const escapeChar = (ch: string): string => {
  if (ch === '\\') return '\\\\';
  if (ch === "'") return "\\'";
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
};

/**
 * Quotes a string for POSIX shells (bash, zsh): plain single quotes when that is exact,
 * else ANSI-C `$'...'` with escapes for quotes, backslashes and control characters, so a
 * paste into a terminal reproduces it byte for byte. Throws on NUL, which no shell string
 * can hold.
 */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new Error('a shell string cannot hold NUL');
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (!/[\x00-\x1f\x7f'!]/.test(s)) return `'${s}'`;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return "$'" + s.replace(/[\\'\x00-\x1f\x7f!]/g, escapeChar) + "'";
}

/**
 * A curl command that sends the request again: same method, URL, headers in received order
 * (curl's own defaults suppressed when the original lacked them) and the exact body bytes.
 * Text bodies go in `--data-raw` (no `@file` meaning, no newline stripping); binary bodies or
 * bodies with NUL are piped in from base64.
 */
export function toCurl(req: CurlRequest): string {
  const parts: string[] = ['curl --globoff --path-as-is'];
  const method = req.method.toUpperCase();
  const hasBody = req.body.length > 0;
  if (method === 'HEAD') parts.push('--head');
  else if (method !== 'GET' || hasBody) parts.push(`-X ${shellQuote(method)}`);
  // A URL that starts with `-` would be read as an option (a stored public URL is data).
  parts.push(req.url.startsWith('-') ? `--url ${shellQuote(req.url)}` : shellQuote(req.url));
  const present = new Set(req.headers.map(([n]) => n.toLowerCase()));
  for (const [name, value] of req.headers) {
    if (SKIP.has(name.toLowerCase())) continue;
    parts.push(`-H ${shellQuote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  const suppress = [...CURL_DEFAULTS];
  if (hasBody) suppress.push('Content-Type', 'Expect');
  for (const name of suppress) {
    if (!present.has(name.toLowerCase())) parts.push(`-H ${shellQuote(`${name}:`)}`);
  }
  let prefix = '';
  if (hasBody) {
    if (req.bodyText !== undefined && !req.bodyText.includes('\0')) {
      parts.push(`--data-raw ${shellQuote(req.bodyText)}`);
    } else {
      prefix = `printf '%s' '${bytesToBase64(req.body)}' | base64 -d | `;
      parts.push('--data-binary @-');
    }
  }
  return prefix + parts.join(' \\\n  ');
}
