import {
  TunnelOptionsView,
  type TunnelOptions,
  type TunnelOptionsPatch,
  type TunnelSettings,
} from '../../shared/model';
import type { SecretStore } from '../secrets';
import type { MetaRepo } from '../store/ports';
import { resolveAuthtoken, type AuthtokenLookup, type ResolvedAuthtoken } from './authtoken';
import { validateTunnelOptions } from './validate-options';
import { tunnelSettingsConflict } from '../store/conflict';

/**
 * Reserved SecretStore keys. Endpoint ids are UUIDs, so these never collide with one. The
 * secrets live where endpoint secrets do (docs/ARCHITECTURE.md §6), never in the SQLite log.
 */
export const TUNNEL_SECRET_KEYS = {
  authtoken: '__ngrok_authtoken',
  basicAuthPassword: '__ngrok_basic_auth_password',
  webhookSecret: '__ngrok_webhook_secret',
} as const;

const META_KEY = 'tunnel';
const REV_KEY = 'tunnel_rev';

/**
 * The tunnel's saved settings: the options without their secrets as one JSON document in the
 * `meta` table, the authtoken and the option secrets in the SecretStore.
 */
export class TunnelSettingsStore {
  constructor(
    private readonly meta: MetaRepo,
    private readonly secrets: SecretStore,
    private readonly lookup: () => AuthtokenLookup,
  ) {}

  /** What a UI may see: the options without secrets and where the authtoken comes from. */
  view(): TunnelSettings {
    const found = this.authtoken();
    return {
      options: toView(this.options()),
      rev: this.rev(),
      authtoken: {
        source: found?.source ?? null,
        configured: found !== null,
        ...(found?.path ? { path: found.path } : {}),
      },
    };
  }

  /** The saved settings' version, bumped with every save. */
  rev(): number {
    const value = this.meta.get(REV_KEY);
    return value !== undefined ? Number(value) || 1 : 1;
  }

  /** The saved options with their secrets (engine-internal). */
  options(): TunnelOptions {
    const value = this.meta.get(META_KEY);
    const parsed = value !== undefined ? TunnelOptionsView.safeParse(JSON.parse(value)) : null;
    const view = parsed?.success ? parsed.data : {};
    const { basicAuthUser, webhookVerification, ...plain } = view;
    const options: TunnelOptions = { ...plain };
    const password = this.secrets.get(TUNNEL_SECRET_KEYS.basicAuthPassword)[0];
    if (basicAuthUser && password) options.basicAuth = `${basicAuthUser}:${password}`;
    const secret = this.secrets.get(TUNNEL_SECRET_KEYS.webhookSecret)[0];
    if (webhookVerification && secret) {
      options.webhookVerification = { provider: webhookVerification.provider, secret };
    }
    return options;
  }

  /**
   * The saved options with `patch` applied (not saved), checked as a whole. Throws
   * HookscopeError `bad_input` when the result is not usable.
   */
  withPatch(patch: TunnelOptionsPatch | undefined): TunnelOptions {
    return validateTunnelOptions(applyPatch(this.options(), patch), ['options']);
  }

  /** The authtoken to use and its source (settings, NGROK_AUTHTOKEN, ngrok.yml), or null. */
  authtoken(): ResolvedAuthtoken | null {
    const saved = this.secrets.get(TUNNEL_SECRET_KEYS.authtoken)[0] ?? null;
    return resolveAuthtoken(saved, this.lookup());
  }

  /**
   * Saves the authtoken (`null` forgets it) and an options patch, with a new version. Checks
   * everything before it writes anything; throws HookscopeError `bad_input` for unusable
   * options, `conflict` when `rev` is given and is not the current version.
   */
  async save(input: {
    authtoken?: string | null | undefined;
    options?: TunnelOptionsPatch | undefined;
    rev?: number | undefined;
  }): Promise<TunnelSettings> {
    const current = this.rev();
    if (input.rev !== undefined && input.rev !== current) {
      throw tunnelSettingsConflict(current, input.rev);
    }
    const next = this.withPatch(input.options);
    const entries: Record<string, string> = { [REV_KEY]: String(current + 1) };
    if (input.options !== undefined) entries[META_KEY] = JSON.stringify(toView(next));
    await this.meta.put(entries, () => {
      if (input.options !== undefined) {
        this.setSecret(
          TUNNEL_SECRET_KEYS.basicAuthPassword,
          next.basicAuth?.slice(next.basicAuth.indexOf(':') + 1),
        );
        this.setSecret(TUNNEL_SECRET_KEYS.webhookSecret, next.webhookVerification?.secret);
      }
      if (input.authtoken !== undefined) {
        this.setSecret(TUNNEL_SECRET_KEYS.authtoken, input.authtoken ?? undefined);
      }
    });
    return this.view();
  }

  private setSecret(key: string, value: string | undefined): void {
    if (value) {
      if (this.secrets.get(key)[0] !== value) this.secrets.set(key, [value]);
    } else if (this.secrets.get(key).length > 0) {
      this.secrets.delete(key);
    }
  }
}

/** Options with a patch applied: a field left out is kept, `null` clears it. */
export function applyPatch(
  base: TunnelOptions,
  patch: TunnelOptionsPatch | undefined,
): TunnelOptions {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    if (value === null || (Array.isArray(value) && value.length === 0)) delete out[key];
    else out[key] = value;
  }
  return out as TunnelOptions;
}

/** The options without their secrets. */
function toView(o: TunnelOptions): TunnelOptionsView {
  const { basicAuth, webhookVerification, ...plain } = o;
  const view: TunnelOptionsView = { ...plain };
  if (basicAuth) view.basicAuthUser = basicAuth.slice(0, basicAuth.indexOf(':'));
  if (webhookVerification) view.webhookVerification = { provider: webhookVerification.provider };
  return view;
}
