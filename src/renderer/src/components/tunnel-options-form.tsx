import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useClient } from '../client-context';
import type { TunnelOptionsPatch, TunnelSettings } from '../../../shared/model';
import { TUNNEL_REGIONS as tunnelRegions } from '../../../shared/values';
import { errorText } from '../format/error-text';
import { HookscopeError } from '../../../shared/errors';
import { issuesByField } from '../../../shared/input-errors';
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
  // Refusals about one option, shown at its field (by the option's name).
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<OptionField, string>>>({});

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
      setFieldErrors({});
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
      // Said once: at the fields it is about, or above the form when it is about none.
      const byField = optionIssues(err, { allowCidrs: list(allow), denyCidrs: list(deny) });
      if (Object.keys(byField).length > 0) setFieldErrors(byField);
      else setError(errorText(err));
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
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (error) errorBox.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  useEffect(() => {
    formRef.current?.querySelector('.field-error')?.scrollIntoView({ block: 'nearest' });
  }, [fieldErrors]);
  const msg = (f: OptionField) =>
    fieldErrors[f] ? (
      <span className="field-msg" role="alert" data-testid={`tunnel-${f}-error`}>
        {fieldErrors[f]}
      </span>
    ) : null;
  const cls = (f: OptionField) => `field${fieldErrors[f] ? ' field-error' : ''}`;

  return (
    <form
      ref={formRef}
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
      <label className={cls('domain')}>
        <span className="field-label">Reserved domain</span>
        <input
          className="mono"
          value={domain}
          placeholder="hooks.example.ngrok.app"
          onChange={(e) => setDomain(e.target.value)}
          data-testid="tunnel-domain"
        />
        {msg('domain')}
      </label>
      <label className={cls('region')}>
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
        {msg('region')}
      </label>
      <label className={cls('allowCidrs')}>
        <span className="field-label">Allow only these client IP ranges (CIDR)</span>
        <input
          className="mono"
          value={allow}
          placeholder="203.0.113.0/24, 198.51.100.7/32"
          onChange={(e) => setAllow(e.target.value)}
          data-testid="tunnel-allow"
        />
        {msg('allowCidrs')}
      </label>
      <label className={cls('denyCidrs')}>
        <span className="field-label">Deny these client IP ranges (CIDR)</span>
        <input
          className="mono"
          value={deny}
          onChange={(e) => setDeny(e.target.value)}
          data-testid="tunnel-deny"
        />
        {msg('denyCidrs')}
      </label>
      <label className={cls('basicAuth')}>
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
        {msg('basicAuth') ?? (
          <span className="field-hint">For sharing with people; providers cannot log in.</span>
        )}
      </label>
      <label className={cls('webhookVerification')}>
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
        {msg('webhookVerification')}
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

const OPTION_FIELDS = [
  'domain',
  'region',
  'allowCidrs',
  'denyCidrs',
  'basicAuth',
  'webhookVerification',
] as const;
type OptionField = (typeof OPTION_FIELDS)[number];

/**
 * The refusal's issues about one option each (`options.allowCidrs.0`), by option, in the
 * form's words: "#2 (banana): must be a CIDR range" for the second range of a list as typed.
 */
function optionIssues(
  err: unknown,
  typed: Partial<Record<OptionField, string[]>>,
): Partial<Record<OptionField, string>> {
  if (!(err instanceof HookscopeError) || !err.issues) return {};
  const ours = err.issues
    .filter((i) => i.path[0] === 'options' && OPTION_FIELDS.some((f) => f === i.path[1]))
    .map((i) => ({ ...i, path: i.path.slice(1) }));
  return issuesByField(ours, (field, k) => typed[field as OptionField]?.[k]);
}
