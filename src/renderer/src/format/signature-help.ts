import type { SignatureStatus } from '../../../shared/model';
import { providerName } from './provider-names';

/** Plain-words meaning of a signature verdict and what to do about it. */
export interface SignatureHelp {
  /** Short verdict, e.g. "invalid", "too old". */
  label: string;
  title: string;
  meaning: string;
  action: string | null;
  tone: 'good' | 'bad' | 'warn' | 'muted';
}

/**
 * The one name of each verdict, the same on the list's pill, the Signature filter and the
 * detail's card (the filter and the card's title add what it means in brackets).
 */
export const VERDICT_WORDS: Record<SignatureStatus, string> = {
  valid: 'signed',
  invalid: 'invalid signature',
  stale: 'stale signature',
  future: 'signature from the future',
  missing: 'signature missing',
  'no-secret': 'not verified',
  none: 'not signed',
};

const QUALIFIER: Record<SignatureStatus, string> = {
  valid: ' (valid)',
  invalid: '',
  stale: ' (too old)',
  future: ' (clock skew)',
  missing: '',
  'no-secret': ' (no secret)',
  none: ' (no provider)',
};

/** "Stale signature (too old)": the verdict's name as the filter and the card's title say it. */
export function verdictTitle(status: SignatureStatus): string {
  const w = VERDICT_WORDS[status];
  return `${w.charAt(0).toUpperCase()}${w.slice(1)}${QUALIFIER[status]}`;
}

const display = (p: string | null): string => (p ? providerName(p) : 'the provider');

/** Explains a verdict for the Overview tab. */
export function signatureHelp(status: SignatureStatus, provider: string | null): SignatureHelp {
  const who = display(provider);
  switch (status) {
    case 'valid':
      return {
        label: VERDICT_WORDS['valid'],
        title: verdictTitle('valid'),
        meaning: `A configured secret verifies it: this delivery comes from ${who} and its body was not changed on the way.`,
        action: null,
        tone: 'good',
      };
    case 'invalid':
      return {
        label: VERDICT_WORDS['invalid'],
        title: verdictTitle('invalid'),
        meaning: 'The delivery carries a signature, but it does not verify.',
        action:
          `Check that the endpoint's secret is the webhook signing secret from ${who}'s dashboard ` +
          '(not an API key), that it was not rotated, and that nothing between the sender and ' +
          'Hookscope rewrites the body (proxies that re-encode JSON break signatures).',
        tone: 'bad',
      };
    case 'stale':
      return {
        label: VERDICT_WORDS['stale'],
        title: verdictTitle('stale'),
        meaning: 'The signature verifies, but its timestamp is older than the allowed tolerance.',
        action:
          'A resent or replayed delivery is expected to look like this. Otherwise check the ' +
          "clocks of both machines, or raise the endpoint's tolerance.",
        tone: 'warn',
      };
    case 'future':
      return {
        label: VERDICT_WORDS['future'],
        title: verdictTitle('future'),
        meaning:
          "The signature verifies, but its timestamp is ahead of this machine's clock by more " +
          'than the allowed tolerance: one of the two clocks is off.',
        action:
          'Sync the clocks (NTP) of the sender and this machine. Hookscope applies the tolerance ' +
          "both ways; some providers' own SDKs (Stripe's) accept future timestamps.",
        tone: 'warn',
      };
    case 'missing':
      return {
        label: VERDICT_WORDS['missing'],
        title: verdictTitle('missing'),
        meaning: `${who} signs its deliveries, but this one has no signature.`,
        action:
          'Make sure the request really comes from the provider: test tools and hand-written ' +
          'curl calls do not sign. A spoofed request looks exactly like this.',
        tone: 'bad',
      };
    case 'no-secret':
      return {
        label: VERDICT_WORDS['no-secret'],
        title: verdictTitle('no-secret'),
        meaning: `The delivery is signed (${who}), but the endpoint has no secret to check it with.`,
        action: 'Add the signing secret to the endpoint (Endpoints → Edit → Secrets) to verify it.',
        tone: 'muted',
      };
    case 'none':
      return {
        label: VERDICT_WORDS['none'],
        title: verdictTitle('none'),
        meaning: 'No signature scheme was recognised and the endpoint names no provider.',
        action: 'If this sender signs its webhooks, pick its provider on the endpoint.',
        tone: 'muted',
      };
  }
}

/** Short label for list pills; null when there is nothing worth a pill. */
export function signaturePill(
  status: SignatureStatus,
): { label: string; tone: SignatureHelp['tone'] } | null {
  if (status === 'none') return null;
  return { label: VERDICT_WORDS[status], tone: signatureHelp(status, null).tone };
}
