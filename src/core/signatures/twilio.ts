import { createHash } from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import { MAX_FORM_FIELDS, readFormFields } from '../../shared/form';
import { deliveryIdHeaders } from '../../shared/providers';
import { headerKey } from './common';
import { fromBase64, hmac, safeEqual, type HmacAlgorithm } from './crypto';
import { defineScheme } from './define';
import { HeaderBag, replaceHeaders } from './headers';
import type { SignatureInput, VerifyResult } from './types';
import { decide } from './verdict';

/**
 * Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 keyed with the account's Auth Token over the
 * full URL Twilio called followed by the POST form parameters sorted by name, each as
 * name+value (a repeated name contributes its distinct values in sorted order). For non-form
 * (JSON) bodies Twilio adds `bodySHA256=<hex SHA-256 of the body>` to the URL's query and signs
 * the URL alone, so the body is bound through that parameter. Like twilio-node, the URL is
 * tried as received, without its port and with the default port. When a Webhooks Rule applies,
 * Twilio signs with the rule's shared key and announces the hash in
 * `X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256`.
 */

const HEADER = 'X-Twilio-Signature';
const SETTINGS = 'X-Twilio-Webhooks-Signature-Settings';
const WEAKNESS = 'no timestamp, so a captured delivery can be replayed';

export const twilio = defineScheme('twilio', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has('x-twilio-signature'),
  verify(req, h, ctx) {
    const header = h.get(HEADER);
    const alg = algorithmOf(h);
    let signatures: Buffer[] | null = null;
    let malformed: string | undefined;
    if (header !== undefined) {
      const sig = fromBase64(header.trim());
      if (typeof alg === 'object') malformed = alg.malformed;
      else if (sig && sig.length === (alg === 'sha1' ? 20 : 32)) signatures = [sig];
      else {
        const what = alg === 'sha1' ? 'HMAC-SHA1 (28 characters)' : 'HMAC-SHA256 (44 characters)';
        malformed = `expected the base64 of an ${what}, got ${JSON.stringify(header.slice(0, 60))}`;
      }
      signatures ??= [];
    }
    const signed = signedParts(req, h);
    if (signed.tooManyFields && signatures !== null && malformed === undefined) {
      return {
        status: 'invalid',
        reason: `Not checked: the form has more than ${MAX_FORM_FIELDS.toLocaleString('en-US')} fields, and Hookscope reads at most that many (Twilio sends a few dozen), so this delivery was not sent by Twilio as it is.`,
      };
    }
    const v = decide(
      ctx,
      { header: HEADER, signatures, malformed },
      (secret) =>
        urlVariants(req.url).map((url) =>
          hmac(typeof alg === 'string' ? alg : 'sha1', secret, url, signed.params),
        ),
      safeEqual,
      WEAKNESS,
    );
    if (signatures === null || malformed !== undefined) return v;
    return explain(v, req, signed);
  },
  sign(req, secret) {
    const key = secret.trim();
    if (!key)
      throw new HookscopeError(
        'bad_input',
        'Twilio needs the Auth Token (or the Webhooks Rule shared key)',
      );
    const h = new HeaderBag(req.headers);
    const alg = algorithmOf(h);
    if (typeof alg === 'object')
      throw new HookscopeError('bad_input', `${SETTINGS}: ${alg.malformed}`);
    const signed = signedParts(req, h);
    if (signed.tooManyFields) {
      throw new HookscopeError(
        'bad_input',
        `the form has more than ${MAX_FORM_FIELDS.toLocaleString('en-US')} fields: Hookscope reads at most that many, so it cannot sign it for Twilio`,
      );
    }
    if (signed.bodyHash !== null) {
      const actual = sha256Hex(req.body);
      if (signed.bodyHash.toLowerCase() !== actual) {
        throw new HookscopeError(
          'bad_input',
          `Twilio binds this body through the bodySHA256 query parameter of the signed URL, and the body no longer matches it. Re-signing only replaces headers: change the query to bodySHA256=${actual} as well.`,
        );
      }
    }
    const sig = hmac(alg, key, req.url, signed.params).toString('base64');
    return replaceHeaders(req.headers, [HEADER], [[HEADER, sig]]);
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('twilio')),
});

/** The hash Twilio used: SHA-1 unless a Webhooks Rule announces another. */
function algorithmOf(h: HeaderBag): HmacAlgorithm | { malformed: string } {
  const settings = h.get(SETTINGS);
  if (settings === undefined) return 'sha1';
  const m = /(?:^|[,;\s])algorithm=([^,;\s]*)/i.exec(settings);
  const name = (m?.[1] ?? 'HMAC_SHA1').toUpperCase();
  if (name === 'HMAC_SHA1') return 'sha1';
  if (name === 'HMAC_SHA256') return 'sha256';
  return {
    malformed: `${SETTINGS} names an unsupported algorithm ${JSON.stringify(name.slice(0, 40))} (expected HMAC_SHA1 or HMAC_SHA256)`,
  };
}

interface SignedParts {
  /** What follows the URL in the signed string (the sorted form parameters). */
  params: string;
  /** The bodySHA256 the URL carries, or null when it has none. */
  bodyHash: string | null;
  /** Whether the signature covers the body at all (form parameters or bodySHA256). */
  bodyCovered: boolean;
  /** The form has more fields than are read: the signature cannot be checked. */
  tooManyFields?: true;
}

/** What Twilio signed besides the URL. */
function signedParts(req: SignatureInput, h: HeaderBag): SignedParts {
  const q = req.url.indexOf('?');
  const query = q === -1 ? '' : req.url.slice(q + 1).split('#')[0]!;
  const bodyHash = query.includes('bodySHA256')
    ? (new URLSearchParams(query).get('bodySHA256') ?? '')
    : null;
  if (bodyHash !== null) return { params: '', bodyHash, bodyCovered: true };
  if (!/application\/x-www-form-urlencoded/i.test(h.get('content-type') ?? '')) {
    return { params: '', bodyHash: null, bodyCovered: req.body.length === 0 };
  }
  const form = readFormFields(req.body.toString('utf8'));
  if (form.more) return { params: '', bodyHash: null, bodyCovered: true, tooManyFields: true };
  const byName = new Map<string, string[]>();
  for (const [name, value] of form.fields) {
    const list = byName.get(name);
    if (list) list.push(value);
    else byName.set(name, [value]);
  }
  let params = '';
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...new Set(byName.get(name))].sort()) params += name + value;
  }
  return { params, bodyHash: null, bodyCovered: true };
}

/** The URL as received, without its port, and with the scheme's default port (as twilio-node). */
function urlVariants(url: string): string[] {
  const out = new Set([url]);
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (m) {
    const [prefix, scheme, authority] = m as unknown as [string, string, string];
    const at = authority.lastIndexOf('@');
    const userInfo = authority.slice(0, at + 1);
    const hostPort = authority.slice(at + 1);
    const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
    const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    const rest = url.slice(prefix.length);
    out.add(scheme + userInfo + host + rest);
    if (colon === -1) {
      const port = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
      out.add(scheme + userInfo + host + port + rest);
    }
  }
  return [...out];
}

/** Adds what only Twilio's scheme can tell: the body check via bodySHA256, and the URL used. */
function explain(v: VerifyResult, req: SignatureInput, signed: SignedParts): VerifyResult {
  const url = JSON.stringify(req.url.slice(0, 300));
  const { bodyHash } = signed;
  if (bodyHash === null) {
    if (v.status === 'valid' && !signed.bodyCovered) {
      return {
        ...v,
        reason: `${v.reason} Note: the body is neither form parameters nor bound by a bodySHA256 in the URL, so this signature does not cover it.`,
      };
    }
    if (v.status !== 'invalid') return v;
    return {
      ...v,
      reason: `${v.reason} Twilio signs the full URL it called plus the sorted form parameters; Hookscope checked ${url}, which must be exactly the URL configured at Twilio.`,
    };
  }
  const actual = sha256Hex(req.body);
  const bodyOk = bodyHash.toLowerCase() === actual;
  const sent = JSON.stringify(bodyHash.slice(0, 70));
  if (v.status === 'valid') {
    if (bodyOk) return { ...v, reason: `${v.reason} The body matches the signed bodySHA256.` };
    return {
      status: 'invalid',
      reason: `The signature over the URL is genuine, but the body was changed after Twilio signed it: its SHA-256 is ${actual}, while the signed URL carries bodySHA256=${sent}.`,
    };
  }
  if (v.status !== 'invalid') return v;
  const body = bodyOk
    ? 'The body does match the bodySHA256 in the URL, so the URL or the secret is what differs.'
    : `The body does not match the bodySHA256 in the URL either (its SHA-256 is ${actual}).`;
  return {
    ...v,
    reason: `${v.reason} Twilio signs the full URL it called (here with bodySHA256 in the query); Hookscope checked ${url}. ${body}`,
  };
}

function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
