import { createHash } from 'node:crypto';
import { quote, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import type { SignatureInput } from './types';
import { decide } from './verdict';

const V3 = 'X-HubSpot-Signature-v3';
const TS = 'X-HubSpot-Request-Timestamp';
const LEGACY = 'X-HubSpot-Signature';
const VERSION = 'X-HubSpot-Signature-Version';
const LEGACY_WEAKNESS =
  'a v1/v2 signature is a plain SHA-256 of the secret and the request (not an HMAC) and carries no timestamp, so a captured request can be replayed';

/** The characters HubSpot's v3 instructions say to decode in the request URI. */
const DECODE = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * The URI forms a v3 (or v2) signature may cover: the URL as received, and the same with the
 * listed percent-escapes decoded, as HubSpot's validation guide describes.
 */
export function hubspotUris(url: string): string[] {
  const decoded = url.replace(DECODE, (e) => decodeURIComponent(e));
  return decoded === url ? [url] : [url, decoded];
}

function legacyHash(version: string, secret: string, req: SignatureInput, uri: string): Buffer {
  const h = createHash('sha256').update(secret);
  if (version === 'v2') h.update(req.method).update(uri);
  return h.update(req.body).digest();
}

function legacyVersions(h: HeaderBag): string[] {
  const v = h.get(VERSION)?.trim().toLowerCase();
  return v === 'v1' || v === 'v2' ? [v] : ['v1', 'v2'];
}

/**
 * HubSpot: `X-HubSpot-Signature-v3` = base64 HMAC-SHA256 of method + URI + body + timestamp,
 * `X-HubSpot-Request-Timestamp` in ms, rejected after five minutes. The URI is the public URL the
 * request was sent to. Older `X-HubSpot-Signature` (v1: SHA-256 of secret + body; v2: of secret +
 * method + URI + body, per `X-HubSpot-Signature-Version`) is checked only when v3 is absent.
 */
export const hubspot = defineScheme('hubspot', {
  defaultToleranceSec: 300,
  weakness: null,
  detect: (h) => h.has('x-hubspot-signature-v3') || h.has('x-hubspot-signature'),
  verify(req, h, ctx) {
    const uris = hubspotUris(req.url);
    if (!h.has(V3) && h.has(LEGACY)) {
      const versions = legacyVersions(h);
      return decide(
        ctx,
        {
          header: LEGACY,
          ...readSignatures(h.all(LEGACY), {
            prefix: '',
            encoding: 'hex',
            bytes: 32,
            digest: 'SHA-256',
          }),
        },
        (secret) => versions.flatMap((v) => uris.map((u) => legacyHash(v, secret, req, u))),
        safeEqual,
        LEGACY_WEAKNESS,
      );
    }
    const read = readSignatures(h.all(V3), {
      prefix: '',
      encoding: 'base64',
      bytes: 32,
      digest: 'HMAC-SHA256',
    });
    const ts = h.get(TS)?.trim();
    const tsOk = ts !== undefined && /^\d{1,16}$/.test(ts);
    let malformed = read.malformed;
    if (read.signatures !== null && malformed === undefined && !tsOk) {
      malformed = `the ${TS} header it signs must be Unix milliseconds, got ${ts === undefined ? 'nothing' : quote(ts)}`;
    }
    return decide(
      ctx,
      {
        header: V3,
        ...read,
        malformed,
        timestampMs: tsOk ? Number(ts) : undefined,
        missingHint: "HubSpot signs app requests with the app's client secret.",
      },
      (secret) => uris.map((u) => hmac('sha256', secret, req.method, u, req.body, ts!)),
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const key = secret.trim();
    const ts = String(now);
    const set: [string, string][] = [
      [TS, ts],
      [V3, hmac('sha256', key, req.method, req.url, req.body, ts).toString('base64')],
    ];
    const names = [V3, TS];
    if (req.headers.some(([n]) => n.toLowerCase() === LEGACY.toLowerCase())) {
      // Keep the older signature the request carried, recomputed for this URL and body.
      const v = req.headers.find(([n]) => n.toLowerCase() === VERSION.toLowerCase())?.[1];
      const version = v?.trim().toLowerCase() === 'v2' ? 'v2' : 'v1';
      names.push(LEGACY);
      set.push([LEGACY, legacyHash(version, key, req, req.url).toString('hex')]);
    }
    return replaceHeaders(req.headers, names, set);
  },
  idempotencyKey(_req, _h, json) {
    // Webhook batches are arrays of events, each with its eventId.
    const id = (e: unknown) => {
      const v = (e as { eventId?: unknown } | null)?.eventId;
      return typeof v === 'number' || (typeof v === 'string' && v) ? String(v) : null;
    };
    if (Array.isArray(json)) {
      const ids = json.map(id);
      if (ids.length > 0 && ids.every((x) => x !== null)) {
        return { key: ids.join(','), source: 'body[].eventId' };
      }
      return null;
    }
    const single = json && typeof json === 'object' ? id(json) : null;
    return single ? { key: single, source: 'body.eventId' } : null;
  },
});
