import { z } from 'zod';
import { TUNNEL_REGIONS } from './values';

/** The public tunnel (ngrok): its state, options and saved settings. */

/** Where the ngrok authtoken in use came from (docs/ARCHITECTURE.md §6: it never leaves the engine). */
export const AuthtokenSource = z.enum(['settings', 'env', 'ngrok-config']);
export type AuthtokenSource = z.infer<typeof AuthtokenSource>;

export const TunnelState = z.object({
  state: z.enum(['off', 'connecting', 'online', 'reconnecting', 'error']),
  /** The public URL (online; kept while reconnecting). */
  publicUrl: z.string().optional(),
  /** What is happening, or what went wrong (error, reconnecting). */
  message: z.string().optional(),
  /** ngrok's own error code (`ERR_NGROK_…`) when it gave one. */
  errorCode: z.string().optional(),
  /** What the user can do about an error. */
  hint: z.string().optional(),
  /** Which authtoken the tunnel uses; never the token itself. */
  authtokenSource: AuthtokenSource.optional(),
});
export type TunnelState = z.infer<typeof TunnelState>;

/** ngrok points of presence; unset = the one with the lowest latency (usually best). */
export const tunnelRegions = TUNNEL_REGIONS;
/** OAuth providers ngrok's edge can require a login with. */
export const tunnelOAuthProviders = [
  'google',
  'github',
  'microsoft',
  'gitlab',
  'linkedin',
  'twitch',
  'amazon',
  'facebook',
] as const;

/** A host name such as `my-app.ngrok-free.app`; `*.` in front for a wildcard domain. */
const TunnelDomain = z
  .string()
  .trim()
  .toLowerCase()
  .refine((d) => z.regexes.domain.test(d.startsWith('*.') ? d.slice(2) : d), {
    message: 'must be a host name such as my-app.ngrok-free.app (no https://, port or path)',
  });

/**
 * A CIDR range (IPv4 or IPv6, e.g. `203.0.113.0/24`, `2001:db8::/32`); syntax only here, the
 * engine checks the rest (host bits, duplicates) with node:net's BlockList.
 */
const Cidr = z
  .string()
  .trim()
  .refine((c) => z.regexes.cidrv4.test(c) || z.regexes.cidrv6.test(c), {
    message: 'must be a CIDR range such as 203.0.113.0/24 or 2001:db8::/32 (use /32 for one IPv4)',
  });

/** `user:password`, split at the first colon; ngrok wants a password of 8 to 128 characters. */
const BasicAuth = z.string().superRefine((v, ctx) => {
  const colon = v.indexOf(':');
  const fail = (message: string): void => void ctx.addIssue({ code: 'custom', message });
  if (colon === -1) return fail('basic auth must be user:password (no colon found)');
  if (colon === 0) return fail('basic auth needs a user name before the colon');
  if (/\p{Cc}/u.test(v)) return fail('basic auth cannot contain control characters');
  if (colon > 128) return fail('the basic auth user name may be at most 128 characters');
  const pass = v.length - colon - 1;
  if (pass < 8 || pass > 128) {
    fail(`the basic auth password must be 8 to 128 characters (ngrok's rule); it has ${pass}`);
  }
});

const CidrList = z.array(Cidr).max(100);

/**
 * The tunnel's options, as the engine hands them to ngrok. Secrets (the basic auth password,
 * the webhook verification secret) are stored like endpoint secrets, never in the log.
 */
export const TunnelOptions = z.object({
  /** A reserved or custom domain of the user's ngrok account; unset = ngrok picks a URL. */
  domain: TunnelDomain.optional(),
  region: z.enum(tunnelRegions).optional(),
  basicAuth: BasicAuth.optional(),
  /** Only these client ranges may connect (ngrok's edge refuses the rest). */
  allowCidrs: CidrList.optional(),
  /** These client ranges are refused at ngrok's edge. */
  denyCidrs: CidrList.optional(),
  /** ngrok checks the provider's signature at its edge and refuses bad deliveries (403). */
  webhookVerification: z
    .object({
      provider: z
        .string()
        .trim()
        .toLowerCase()
        .regex(
          /^[a-z0-9][a-z0-9_-]{0,63}$/,
          'must be an ngrok provider id such as github or stripe',
        ),
      secret: z.string().min(1).max(4096),
    })
    .strict()
    .optional(),
  /** Visitors must log in with this provider; allowEmails/allowDomains narrow who may pass. */
  oauth: z
    .object({
      provider: z.enum(tunnelOAuthProviders),
      allowEmails: z.array(z.email()).max(100).optional(),
      /** Email domains whose users may pass, e.g. `example.com`. */
      allowDomains: z
        .array(
          z
            .string()
            .trim()
            .toLowerCase()
            .regex(z.regexes.domain, 'must be an email domain such as example.com'),
        )
        .max(100)
        .optional(),
    })
    .strict()
    .optional(),
});
export type TunnelOptions = z.infer<typeof TunnelOptions>;

/**
 * A change to the saved options: a field left out is kept, `null` clears it, a value sets it.
 * `startTunnel` takes the same shape for a one-off change that is not saved.
 */
export const TunnelOptionsPatch = z
  .object({
    domain: TunnelOptions.shape.domain.unwrap().nullable().optional(),
    region: TunnelOptions.shape.region.unwrap().nullable().optional(),
    basicAuth: BasicAuth.nullable().optional(),
    allowCidrs: CidrList.nullable().optional(),
    denyCidrs: CidrList.nullable().optional(),
    webhookVerification: TunnelOptions.shape.webhookVerification.unwrap().nullable().optional(),
    oauth: TunnelOptions.shape.oauth.unwrap().nullable().optional(),
  })
  .strict();
export type TunnelOptionsPatch = z.infer<typeof TunnelOptionsPatch>;

/** The saved options as a UI sees them: the secrets are left out, only that they are set. */
export const TunnelOptionsView = z.object({
  domain: z.string().optional(),
  region: z.enum(tunnelRegions).optional(),
  /** Basic auth is on for this user (the password is never sent back). */
  basicAuthUser: z.string().optional(),
  allowCidrs: z.array(z.string()).optional(),
  denyCidrs: z.array(z.string()).optional(),
  /** Edge verification is on for this provider (the secret is never sent back). */
  webhookVerification: z.object({ provider: z.string() }).optional(),
  oauth: z
    .object({
      provider: z.enum(tunnelOAuthProviders),
      allowEmails: z.array(z.string()).optional(),
      allowDomains: z.array(z.string()).optional(),
    })
    .optional(),
});
export type TunnelOptionsView = z.infer<typeof TunnelOptionsView>;

/** An authtoken as pasted by the user: printable ASCII without spaces. */
export const AuthtokenInput = z
  .string()
  .trim()
  .min(1, 'the authtoken is empty')
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'an authtoken has no spaces or special characters');

/** The tunnel's settings as a UI sees them: never the authtoken, only where one was found. */
export const TunnelSettings = z.object({
  options: TunnelOptionsView,
  /** The saved tunnel settings' version, bumped with every save (see `Endpoint.rev`). */
  rev: z.number().int(),
  authtoken: z.object({
    /** The source that will be used, in order: settings, NGROK_AUTHTOKEN, ngrok's config. */
    source: AuthtokenSource.nullable(),
    configured: z.boolean(),
    /** The ngrok config file the token was read from (source `ngrok-config`). */
    path: z.string().optional(),
  }),
});
export type TunnelSettings = z.infer<typeof TunnelSettings>;
