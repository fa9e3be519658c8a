import type { TunnelFailure } from './types';

export const AUTHTOKEN_PAGE = 'https://dashboard.ngrok.com/get-started/your-authtoken';

/** The failure when no authtoken was found anywhere. */
export const NO_AUTHTOKEN: TunnelFailure = {
  message: 'no ngrok authtoken',
  hint:
    `get one at ${AUTHTOKEN_PAGE} (a free account is enough), then paste it in the tunnel ` +
    'settings or set NGROK_AUTHTOKEN',
  retryable: false,
};

const AUTH_CODES = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_300']);
const AUTH_MISSING_CODES = new Set(['ERR_NGROK_4018', 'ERR_NGROK_302', 'ERR_NGROK_304']);
const WEBHOOK_CODES = new Set([
  'ERR_NGROK_364',
  'ERR_NGROK_1630',
  'ERR_NGROK_7027',
  'ERR_NGROK_7030',
  'ERR_NGROK_9016',
  'ERR_NGROK_15007',
]);
const BASIC_AUTH_CODES = new Set(['ERR_NGROK_360', 'ERR_NGROK_4011', 'ERR_NGROK_15008']);
const DOMAIN_CODES = new Set([
  'ERR_NGROK_313',
  'ERR_NGROK_320',
  'ERR_NGROK_401',
  'ERR_NGROK_7117',
  'ERR_NGROK_7118',
]);
/** Messages of a connection that never got to ngrok (DNS, TCP, TLS, proxy, timeout). */
const NETWORK =
  /failed to (establish tcp connection|dial)|dns|lookup|timed? ?out|connection (refused|reset|closed)|network|unreachable|tls|handshake|eof|broken pipe/i;

/**
 * Turns an error from the ngrok SDK into a TunnelFailure: a short message (ngrok's own words,
 * its error code moved to `errorCode`), what to do, and whether retrying may help. Every
 * string in `secrets` (the authtoken, basic auth password, webhook secret) is blanked out of
 * the message first: ngrok quotes a malformed authtoken back in its error text.
 */
export function describeNgrokError(err: unknown, secrets: string[]): TunnelFailure {
  const raw =
    err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown ngrok error';
  const given = (err as { errorCode?: unknown } | null)?.errorCode;
  const errorCode =
    typeof given === 'string' && given ? given : (/ERR_NGROK_\d+/.exec(raw)?.[0] ?? undefined);
  const message = redact(clean(raw), secrets);
  const withCode = (f: Omit<TunnelFailure, 'errorCode'>): TunnelFailure =>
    errorCode ? { ...f, errorCode } : f;

  if (errorCode && AUTH_CODES.has(errorCode)) {
    return withCode({
      message: `ngrok refused the authtoken: ${message}`,
      hint: `copy your current authtoken from ${AUTHTOKEN_PAGE} and paste it in the tunnel settings`,
      retryable: false,
    });
  }
  if (errorCode && AUTH_MISSING_CODES.has(errorCode)) {
    return withCode({ ...NO_AUTHTOKEN, message: `ngrok needs an authtoken: ${message}` });
  }
  if (errorCode === 'ERR_NGROK_108') {
    return withCode({
      message: `ngrok allows no more agent sessions on this account: ${message}`,
      hint:
        'stop the other ngrok agent or Hookscope using this account, or see ' +
        'https://dashboard.ngrok.com/agents',
      retryable: false,
    });
  }
  if (errorCode === 'ERR_NGROK_334') {
    return withCode({
      message: `this URL is already online elsewhere: ${message}`,
      hint: 'stop the other agent serving this domain, or choose another domain',
      retryable: false,
    });
  }
  if ((errorCode && DOMAIN_CODES.has(errorCode)) || /\bdomain\b/i.test(raw)) {
    return withCode({
      message: `ngrok refused the domain: ${message}`,
      hint:
        'use a domain reserved in your ngrok account (https://dashboard.ngrok.com/domains), ' +
        'or clear the domain for a random URL',
      retryable: false,
    });
  }
  if ((errorCode && WEBHOOK_CODES.has(errorCode)) || /webhook/i.test(raw)) {
    return withCode({
      message: `ngrok refused the webhook verification: ${message}`,
      hint: 'check the provider and secret in the tunnel settings, or turn edge verification off',
      retryable: false,
    });
  }
  if ((errorCode && BASIC_AUTH_CODES.has(errorCode)) || /basic auth/i.test(raw)) {
    return withCode({
      message: `ngrok refused the basic auth setting: ${message}`,
      hint: 'use user:password with a password of 8 to 128 characters, or turn basic auth off',
      retryable: false,
    });
  }
  if (/oauth/i.test(raw)) {
    return withCode({
      message: `ngrok refused the OAuth setting: ${message}`,
      hint: 'check the OAuth provider, emails and domains, or turn OAuth off',
      retryable: false,
    });
  }
  if (/cidr|ip restriction/i.test(raw)) {
    return withCode({
      message: `ngrok refused the IP restriction: ${message}`,
      hint: 'check the allowed and denied ranges in the tunnel settings',
      retryable: false,
    });
  }
  if (errorCode === 'ERR_NGROK_120' || errorCode === 'ERR_NGROK_121') {
    return withCode({
      message: `ngrok no longer accepts this SDK version: ${message}`,
      hint: 'update Hookscope',
      retryable: false,
    });
  }
  if (errorCode) {
    return withCode({
      message: `ngrok error: ${message}`,
      hint: `see https://ngrok.com/docs/errors/${errorCode.toLowerCase()}/`,
      retryable: false,
    });
  }
  if (NETWORK.test(raw)) {
    return {
      message: `could not reach the ngrok service (${message})`,
      hint:
        'check the internet connection, proxy or firewall: ngrok needs outbound TLS to ' +
        'connect.ngrok-agent.com:443. Deliveries to the local receiver keep working',
      retryable: true,
    };
  }
  return {
    message: `ngrok error: ${message}`,
    hint: 'try again; if it persists, stop and start the tunnel',
    retryable: true,
  };
}

/** Drops ngrok's trailing code markers and squeezes whitespace. */
function clean(message: string): string {
  return message
    .replace(/,?\s*error_code:\s*ERR_NGROK_\d+/g, '')
    .replace(/\s*\bERR_NGROK_\d+\b\s*$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Replaces every occurrence of each secret with `[redacted]`. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}
