import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useClient } from '../client-context';
import type { TunnelOptionsPatch, TunnelSettings } from '../../../shared/model';
import { TUNNEL_REGIONS as tunnelRegions } from '../../../shared/values';
import { errorText } from '../format/error-text';
import { useLoad } from '../hooks/use-load';

/** Splits a comma/space/newline separated list; undefined → empty. */
const list = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

/** What the popover asks of the options form before it starts the tunnel. */
export interface TunnelOptionsHandle {
  /** True when the form holds edits not saved yet. */
  unsaved: () => boolean;
  /** Saves them; false when refused (the form shows why, in view). */
  /** Saves the typed options; `forStart`: a start follows at once and uses them. */
  save: (forStart?: boolean) => Promise<boolean>;
}

/**
 * The tunnel's saved options: domain, region, client IP allow/deny lists, basic auth and
 * ngrok's edge webhook verification. Secrets (password, verification secret) are write-only:
 * the engine reports only that they are set. Errors are the contract's, field by field.
 * `ref`: lets "Save and start" above save what was typed here first, so the start uses it.
 */
export function TunnelOptionsForm({
  onSaved,
  ref,
}: {
  onSaved: (m: string) => void;
  ref?: Ref<TunnelOptionsHandle>;
}) {
  const client = useClient();
  const [domain, setDomain] = useState('');
  const [region, setRegion] = useState('');
  const [allow, setAllow] = useState('');
  const [deny, setDeny] = useState('');
  const [basicAuth, setBasicAuth] = useState('');
  const [basicUser, setBasicUser] = useState<string | undefined>();
  const [verifyProvider, setVerifyProvider] = useState('');
  const [verifySecret, setVerifySecret] = useState('');
  const [error, setError] = useState<string | null>(null);

  // The version the form was filled from, and the newest one pushed (saved elsewhere).
  const [rev, setRev] = useState<number | undefined>();
  const [liveRev, setLiveRev] = useState<number | undefined>();
  const base = useRef<TunnelSettings | null>(null);
  const fill = (t: TunnelSettings): void => {
    const o = t.options;
    base.current = t;
    setRev(t.rev);
    setDomain(o.domain ?? '');
    setRegion(o.region ?? '');
    setAllow((o.allowCidrs ?? []).join(', '));
    setDeny((o.denyCidrs ?? []).join(', '));
    setBasicUser(o.basicAuthUser);
    setVerifyProvider(o.webhookVerification?.provider ?? '');
  };
  const [pushed, setPushed] = useState<TunnelSettings | null>(null);

  useLoad(() => client.getTunnelSettings({}), [client], { onData: fill, onError: setError });
  useEffect(
    () =>
      client.on('tunnelSettings.changed', (t) => {
        // A change that left the options as this form was filled from (the authtoken saved
        // from the same popover) is no conflict: the form moves to its version.
        if (base.current && sameOptions(t, base.current)) {
          base.current = t;
          setRev(t.rev);
          return;
        }
        setPushed(t);
        setLiveRev(t.rev);
      }),
    [client],
  );
  const stale = rev !== undefined && liveRev !== undefined && liveRev > rev;

  const save = async (forStart = false): Promise<boolean> => {
    const patch: TunnelOptionsPatch = {
      domain: domain.trim() || null,
      region: (region || null) as TunnelOptionsPatch['region'],
      allowCidrs: list(allow).length ? list(allow) : null,
      denyCidrs: list(deny).length ? list(deny) : null,
      // Left out when untouched, so a saved password or secret is kept.
      ...(basicAuth.trim() ? { basicAuth: basicAuth.trim() } : {}),
      ...(verifyProvider.trim() && verifySecret
        ? { webhookVerification: { provider: verifyProvider.trim(), secret: verifySecret } }
        : !verifyProvider.trim()
          ? { webhookVerification: null }
          : {}),
    };
    try {
      setError(null);
      const saved = await client.saveTunnelSettings({
        options: patch,
        ...(rev !== undefined ? { rev } : {}),
      });
      base.current = saved;
      setRev(saved.rev);
      setBasicAuth('');
      setVerifySecret('');
      onSaved(
        forStart
          ? 'Tunnel options saved and used for this start.'
          : 'Tunnel options saved: they apply at the next start.',
      );
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  };
  useImperativeHandle(ref, () => ({
    unsaved: () => {
      const o = base.current?.options;
      if (!o) return false;
      return (
        domain.trim() !== (o.domain ?? '') ||
        region !== (o.region ?? '') ||
        list(allow).join(',') !== (o.allowCidrs ?? []).join(',') ||
        list(deny).join(',') !== (o.denyCidrs ?? []).join(',') ||
        basicAuth.trim() !== '' ||
        verifyProvider.trim() !== (o.webhookVerification?.provider ?? '') ||
        verifySecret !== ''
      );
    },
    save,
  }));
  // A refusal shows where the user looks, also when "Save and start" above asked for the save.
  const errorBox = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (error) errorBox.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);

  return (
    <form
      className="tunnel-options"
      data-testid="tunnel-options"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      <h3 className="tunnel-options-head">Tunnel options</h3>
      {stale && pushed && (
        <p className="notice notice-warn" role="alert" data-testid="tunnel-options-stale">
          The tunnel options were changed elsewhere.{' '}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              fill(pushed);
              setError(null);
            }}
          >
            Reload
          </button>
        </p>
      )}
      {error && (
        <p
          ref={errorBox}
          className="notice notice-bad"
          role="alert"
          data-testid="tunnel-options-error"
        >
          {error}
        </p>
      )}
      <label className="field">
        <span className="field-label">Reserved domain</span>
        <input
          className="mono"
          value={domain}
          placeholder="hooks.example.ngrok.app"
          onChange={(e) => setDomain(e.target.value)}
          data-testid="tunnel-domain"
        />
      </label>
      <label className="field">
        <span className="field-label">Region</span>
        <select
          value={region}
          onChange={(e) => setRegion(e.target.value)}
          data-testid="tunnel-region"
        >
          <option value="">nearest</option>
          {tunnelRegions.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Allow only these client IP ranges (CIDR)</span>
        <input
          className="mono"
          value={allow}
          placeholder="203.0.113.0/24, 198.51.100.7/32"
          onChange={(e) => setAllow(e.target.value)}
          data-testid="tunnel-allow"
        />
      </label>
      <label className="field">
        <span className="field-label">Deny these client IP ranges (CIDR)</span>
        <input
          className="mono"
          value={deny}
          onChange={(e) => setDeny(e.target.value)}
          data-testid="tunnel-deny"
        />
      </label>
      <label className="field">
        <span className="field-label">
          Basic auth (user:password){basicUser ? ` — on for ${basicUser}` : ''}
        </span>
        <input
          className="mono"
          type="password"
          autoComplete="off"
          value={basicAuth}
          onChange={(e) => setBasicAuth(e.target.value)}
          data-testid="tunnel-basic-auth"
        />
        <span className="field-hint">For sharing with people; providers cannot log in.</span>
      </label>
      <label className="field">
        <span className="field-label">Edge webhook verification: provider and secret</span>
        <input
          className="mono"
          value={verifyProvider}
          placeholder="github, stripe, …"
          onChange={(e) => setVerifyProvider(e.target.value)}
          data-testid="tunnel-verify-provider"
        />
        <input
          className="mono"
          type="password"
          autoComplete="off"
          value={verifySecret}
          placeholder="signing secret"
          onChange={(e) => setVerifySecret(e.target.value)}
          data-testid="tunnel-verify-secret"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="btn" data-testid="tunnel-options-save">
          Save options
        </button>
      </div>
    </form>
  );
}

/** Whether two versions of the tunnel settings hold the same options (secrets are not in them). */
function sameOptions(a: TunnelSettings, b: TunnelSettings): boolean {
  return JSON.stringify(a.options) === JSON.stringify(b.options);
}
