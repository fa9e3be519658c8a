import type { Client } from './dispatch';
import type { EventDetail, EventView } from './model';
import { MAX_BODY_PART_BYTES } from './values';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) CODES[ALPHABET.charCodeAt(i)] = i;

/** Node's Buffer when there is one (the CLI): native base64, faster still. */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(s: string, enc: 'base64'): Uint8Array;
      from(b: Uint8Array): Uint8Array & { toString(enc: 'base64'): string };
    };
  }
).Buffer;

/** Decodes base64 to bytes; linear and fast in browsers and Node alike (atob is not). */
export function fromBase64(b64: string): Uint8Array {
  if (NodeBuffer && /^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return NodeBuffer.from(b64, 'base64');
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61) end--; // '='
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < end; i++) {
    const c = b64.charCodeAt(i);
    const v = c < 128 ? CODES[c]! : -1;
    if (v < 0) throw new Error(`not base64 at character ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return at === out.length ? out : out.subarray(0, at);
}

const CHARS = new Uint8Array(64);
for (let i = 0; i < 64; i++) CHARS[i] = ALPHABET.charCodeAt(i);
const ascii = new TextDecoder();

/** Encodes bytes as base64: written as ASCII bytes, decoded to a string once. */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes).toString('base64');
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CHARS[n >> 18]!;
    out[o++] = CHARS[(n >> 12) & 63]!;
    out[o++] = CHARS[(n >> 6) & 63]!;
    out[o++] = CHARS[n & 63]!;
  }
  if (i < bytes.length) {
    const two = i + 1 < bytes.length;
    const n = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
    out[o++] = CHARS[n >> 18]!;
    out[o++] = CHARS[(n >> 12) & 63]!;
    out[o++] = two ? CHARS[(n >> 6) & 63]! : 61;
    out[o] = 61;
  }
  return ascii.decode(out);
}

const encoder = new TextEncoder();

/** The bytes a body part holds (its text is the exact UTF-8 of them). */
export function partBytes(part: { text?: string | undefined; base64?: string | undefined }) {
  return part.text !== undefined ? encoder.encode(part.text) : fromBase64(part.base64 ?? '');
}

/**
 * The whole body of a getEvent answer: what it carries plus the rest, fetched with
 * getEventBody a part at a time. `text` is there when the body is UTF-8.
 */
export async function wholeBody(
  client: Pick<Client, 'getEventBody'>,
  e: Pick<EventView, 'id' | 'body'>,
  /** Told the bytes arrived so far after each part. */
  onPart?: (loaded: number) => void,
): Promise<{ bytes: Uint8Array; text?: string }> {
  const { body } = e;
  const parts: Uint8Array[] = [partBytes(body)];
  const texts: string[] | null = body.text !== undefined ? [body.text] : null;
  let offset = body.length;
  while (offset < body.size) {
    const part = await client.getEventBody({ id: e.id, offset, length: MAX_BODY_PART_BYTES });
    if (part.length === 0) throw new Error(`the body of ${e.id} ended early, at byte ${offset}`);
    parts.push(partBytes(part));
    if (texts && part.text !== undefined) texts.push(part.text);
    offset += part.length;
    onPart?.(offset);
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return texts && texts.length === parts.length ? { bytes, text: texts.join('') } : { bytes };
}

/** A getEvent answer with its whole body, as the engine holds it (base64, and text when UTF-8). */
export async function wholeDetail(
  client: Pick<Client, 'getEventBody'>,
  e: EventView,
): Promise<EventDetail> {
  const { bytes, text } = await wholeBody(client, e);
  return {
    ...e,
    body: { base64: toBase64(bytes), size: bytes.length, ...(text !== undefined ? { text } : {}) },
  };
}
