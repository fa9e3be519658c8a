import type { ProviderId } from '../../shared/model';

/** How long a provider waits for the 2xx before it counts a delivery as failed. */
export interface DeliveryTimeout {
  ms: number;
  /** False when the provider publishes no figure and Hookscope assumes one. */
  documented: boolean;
  /** Where the figure comes from, in a few words (shown in the latency probe). */
  source: string;
}

/** Used where a provider publishes no figure: the common 10 s (GitHub, GitLab). */
const ASSUMED: DeliveryTimeout = {
  ms: 10_000,
  documented: false,
  source: 'not published; Hookscope assumes 10 s',
};

const doc = (ms: number, source: string): DeliveryTimeout => ({ ms, documented: true, source });
const SVIX = doc(15_000, 'Svix docs: a 2xx within 15 s');

/**
 * Each provider's delivery timeout, from its own documentation where it publishes one
 * (looked up in 2026):
 * - GitHub: docs.github.com, "Best practices for using webhooks" (respond within 10 s).
 * - GitLab: docs.gitlab.com, GitLab.com settings, webhook timeout 10 s.
 * - Shopify: shopify.dev, HTTPS webhook delivery (1 s to connect, 5 s in total).
 * - Slack: api.slack.com Events API (HTTP 200 within 3 s, else `http_timeout` and a retry).
 * - Zoom: developers.zoom.us, "Resolving webhook delays" (200 or 204 within 3 s).
 * - Paddle: developer.paddle.com, "Handle webhook delivery" (HTTP 200 within 5 s).
 * - Svix (and the Standard Webhooks senders built on it: Clerk, Resend): docs.svix.com,
 *   a 2xx "within a reasonable time frame (15s)".
 * - Discord: discord.com/developers, interactions must be answered within 3 s.
 * - Twilio: twilio.com/docs/usage/webhooks, 15 s unless overridden in the URL.
 * - OpenAI: platform.openai.com/docs/guides/webhooks says "within a few seconds" without a
 *   number; Hookscope uses 5 s.
 * - Stripe publishes no number (its log shows "Timed out"; third-party tables quote 10–30 s);
 *   Hookscope assumes 10 s. Others that publish nothing get the same assumption.
 */
const TIMEOUTS: Partial<Record<ProviderId, DeliveryTimeout>> = {
  github: doc(10_000, 'GitHub docs: a 2xx within 10 s'),
  gitlab: doc(10_000, 'GitLab docs: webhook timeout 10 s'),
  shopify: doc(5_000, 'Shopify docs: 5 s in total'),
  slack: doc(3_000, 'Slack Events API: HTTP 200 within 3 s'),
  zoom: doc(3_000, 'Zoom docs: 200 or 204 within 3 s'),
  paddle: doc(5_000, 'Paddle docs: HTTP 200 within 5 s'),
  svix: SVIX,
  clerk: SVIX,
  resend: SVIX,
  'standard-webhooks': { ...SVIX, documented: false, source: 'Svix default: 15 s' },
  discord: doc(3_000, 'Discord docs: interactions within 3 s'),
  twilio: doc(15_000, 'Twilio docs: 15 s'),
  openai: { ms: 5_000, documented: false, source: 'OpenAI docs: "within a few seconds"; 5 s' },
  stripe: {
    ms: 10_000,
    documented: false,
    source: 'Stripe publishes no number; Hookscope assumes 10 s',
  },
};

/** Longest per-request timeout the check-up uses by default, whatever the provider allows. */
export const MAX_DEFAULT_TIMEOUT_MS = 30_000;

/** The provider's delivery timeout (documented, or the stated assumption). */
export function deliveryTimeout(provider: ProviderId): DeliveryTimeout {
  return TIMEOUTS[provider] ?? ASSUMED;
}
