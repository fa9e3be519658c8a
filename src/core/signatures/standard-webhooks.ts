import { randomUUID } from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import type { ProviderId } from '../../shared/model';
import { providerName } from '../../shared/providers';
import { fromBase64, hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/**
 * Standard Webhooks (standardwebhooks.com), also used by OpenAI, Svix (with `svix-` headers),
 * Clerk, Resend and Replicate: HMAC-SHA256 over `${id}.${timestamp}.${body}`, timestamp in
 * seconds, secret `whsec_` + base64, signatures as space-separated `v1,<base64>`.
 */
export function standardWebhooksScheme(o: {
  id: ProviderId;
  /** Header prefix the provider sends: `webhook` (standard) or `svix`. */
  prefix: 'webhook' | 'svix';
  detect: (h: HeaderBag) => boolean;
}): SignatureScheme {
  const idH = `${o.prefix}-id`;
  const tsH = `${o.prefix}-timestamp`;
  const sigH = `${o.prefix}-signature`;
  // Svix also accepts the unbranded standard headers; read whichever the request has.
  const read = (h: HeaderBag, name: string): string | undefined =>
    h.get(name) ?? (o.prefix === 'svix' ? h.get(name.replace(/^svix-/, 'webhook-')) : undefined);

  const name = providerName(o.id);
  return defineScheme(o.id, {
    defaultToleranceSec: 300,
    weakness: null,
    secretForm: {
      expected: `whsec_ followed by base64, as ${name} shows it when the webhook is created`,
      problem: (s) =>
        /^sk[-_]/.test(s)
          ? 'it looks like an API key (sk-…), not the webhook signing secret'
          : decodeSecret(s)
            ? null
            : s.startsWith('whsec_')
              ? 'it is not base64 after whsec_'
              : 'it is neither whsec_<base64> nor base64',
    },
    detect: o.detect,
    verify(req, h, ctx) {
      const header = read(h, sigH);
      const id = read(h, idH);
      const ts = read(h, tsH);
      const signatures: Buffer[] = [];
      let malformed: string | undefined;
      if (header !== undefined) {
        for (const part of header.split(' ').filter(Boolean)) {
          const [version, value] = part.split(',', 2);
          if (version !== 'v1') continue; // v1a (asymmetric) and future versions are skipped
          const sig = value === undefined ? null : fromBase64(value);
          if (!sig) malformed = `"${part.slice(0, 40)}" is not "v1,<base64>"`;
          else signatures.push(sig);
        }
        if (signatures.length === 0 && malformed === undefined) {
          malformed = 'no v1 signature in it (expected "v1,<base64>")';
        }
      }
      if (header !== undefined && malformed === undefined) {
        if (id === undefined) malformed = `the ${idH} header it signs is missing`;
        else if (ts === undefined || !/^\d+$/.test(ts)) {
          malformed = `the ${tsH} header must be Unix seconds, got ${ts === undefined ? 'nothing' : `"${ts}"`}`;
        }
      }
      const timestampMs = ts !== undefined && /^\d+$/.test(ts) ? Number(ts) * 1000 : undefined;
      return decide(
        ctx,
        {
          header: sigH,
          signatures: header === undefined ? null : signatures,
          malformed,
          timestampMs,
          futureNote:
            'The standardwebhooks, Svix and OpenAI libraries reject it too ("timestamp too new").',
        },
        (secret) => {
          const key = decodeSecret(secret);
          if (!key) return 'not a whsec_ base64 secret';
          return hmac('sha256', key, `${id}.${ts}.`, req.body);
        },
        safeEqual,
      );
    },
    sign(req, secret, now) {
      const key = decodeSecret(secret);
      if (!key) throw new HookscopeError('bad_input', `${name} secrets look like whsec_<base64>`);
      const h = new Map(req.headers.map(([n, v]) => [n.toLowerCase(), v]));
      const id = h.get(idH) ?? `msg_${randomUUID().replace(/-/g, '')}`;
      const ts = String(Math.floor(now / 1000));
      const sig = hmac('sha256', key, `${id}.${ts}.`, req.body).toString('base64');
      return replaceHeaders(
        req.headers,
        [idH, tsH, sigH],
        [
          [idH, id],
          [tsH, ts],
          [sigH, `v1,${sig}`],
        ],
      );
    },
    idempotencyKey(_req, h) {
      const id = read(h, idH);
      return id ? { key: id, source: `${idH} header` } : null;
    },
  });
}

/** `whsec_<base64>` (or bare base64) → key bytes; null when not decodable. */
export function decodeSecret(secret: string): Buffer | null {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = fromBase64(b64);
  return key && key.length > 0 ? key : null;
}
