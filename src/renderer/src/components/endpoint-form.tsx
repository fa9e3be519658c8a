import { RebaseBanner, revealBanner } from './changed-elsewhere';
import { useClient } from '../client-context';
import { useFirstErrorInView } from '../hooks/use-first-error';
import { useRebasedDraft } from '../hooks/use-rebased-draft';
import { useRef, useState } from 'react';
import { HookscopeError } from '../../../shared/errors';
import type { Endpoint } from '../../../shared/model';
import {
  ENDPOINT_FIELD_LABELS,
  ENDPOINT_FIELDS,
  fromDraft,
  toDraft,
} from '../model/endpoint-draft';
import { issuesByField } from '../../../shared/input-errors';
import { Field } from './field';
import { useUnsavedEdits } from './modal';
import { ProviderOptions } from './provider-options';

/**
 * Create or edit one endpoint; messages come from the contract's schema and the engine.
 * `endpoint` is the endpoint as it is now (kept live by pushes; undefined once deleted
 * elsewhere); the form keeps the version it was filled from and saves against it, so a change
 * made elsewhere meanwhile is never overwritten and the user's typing is never dropped: the draft
 * is rebased onto the new version (`model/rebase.ts`), asking per field where both changed; a
 * save that still raced one is refused as a conflict, saying what changed, keeping the edits.
 */
/** Providers whose signing secrets start `whsec_` (Stripe, and the Standard Webhooks family). */
const WHSEC_PROVIDERS = new Set([
  'stripe',
  'openai',
  'svix',
  'clerk',
  'resend',
  'replicate',
  'standard-webhooks',
]);

export function EndpointForm({
  endpoint,
  editing,
  onDone,
}: {
  endpoint?: Endpoint | undefined;
  /** True when editing an existing endpoint (it may have been deleted since). */
  editing?: boolean;
  /** After a save (with its warnings) or a cancel (nothing). */
  onDone: (saved?: { name: string; warnings: string[] }) => void;
}) {
  const client = useClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // The draft stands on the version it was filled from and is rebased when `endpoint` moves on.
  const form = useRebasedDraft(endpoint, toDraft, ENDPOINT_FIELDS, { blank: () => toDraft() });
  const { base, text, check } = form;
  // Escape or a click outside asks before throwing the edits away (see Modal).
  useUnsavedEdits(form.dirty);
  const d = form.draft ?? toDraft();
  const isDefault = base?.path === '/';
  const deletedElsewhere = editing === true && endpoint === undefined;
  const conflicts = form.conflicts;
  // After a failed save, the first failing field comes into view with its label, focused (or
  // the form's message when no field is at fault).
  const formRef = useFirstErrorInView(errors, '[data-testid="ep-error"]');

  // The changed-elsewhere banner: Save while its choice waits brings it into view instead.
  const banner = useRef<HTMLDivElement>(null);

  const save = async (): Promise<void> => {
    if (conflicts.length > 0) return revealBanner(banner.current);
    const { input, errors: found } = fromDraft(d);
    setErrors(found);
    if (!input) return;
    setBusy(true);
    try {
      const saved = await client.saveEndpoint(input);
      onDone({ name: saved.name, warnings: saved.warnings });
    } catch (err) {
      const e = err as Error;
      const he = err instanceof HookscopeError ? err : null;
      // A save based on an old version (its issue is about `rev`): the edits stay as typed and
      // the banner offers to reload. Other issues show at their fields (a path in use at Path).
      const stale = he?.code === 'conflict' && !!he.issues?.some((i) => i.path[0] === 'rev');
      const byField = he?.issues && !stale ? issuesByField(he.issues) : {};
      // Said once: at the fields it is about, or above the buttons when it is about none.
      setErrors(Object.keys(byField).length > 0 ? byField : { '': e.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={formRef}
      className="endpoint-form"
      data-testid="endpoint-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      {deletedElsewhere && (
        <div className="banner banner-warn" role="alert" data-testid="ep-stale">
          This endpoint was deleted elsewhere. Saving would fail; copy what you need, then cancel.
        </div>
      )}
      <RebaseBanner
        form={form}
        what="This endpoint was changed elsewhere."
        testId="ep"
        boxRef={banner}
        labels={ENDPOINT_FIELD_LABELS}
        onApplied={() => setErrors({})}
      />
      <div className="form-grid">
        <Field label="Name" error={errors.name}>
          <input {...text('name')} data-testid="ep-name" placeholder="Stripe" />
        </Field>
        <Field
          label="Path prefix"
          error={errors.path}
          hint="Deliveries to this path and below use this endpoint."
        >
          <input
            className="mono"
            {...text('path')}
            data-testid="ep-path"
            disabled={isDefault}
            placeholder="/stripe"
          />
        </Field>
        <Field label="Provider" error={errors.provider}>
          <select {...text('provider')} data-testid="ep-provider">
            <option value="auto">Detect from headers</option>
            <ProviderOptions />
          </select>
        </Field>
        <Field
          label="Tolerance (seconds)"
          error={errors.toleranceSec}
          hint="Empty: the provider's default."
        >
          <input
            inputMode="numeric"
            {...text('toleranceSec')}
            data-testid="ep-tolerance"
            placeholder="300"
          />
        </Field>
        <Field
          label="Signing secrets"
          error={errors.secrets}
          hint={
            base
              ? `${(endpoint ?? base).secretCount} configured; new ones (one per line) replace them.`
              : 'One per line; several while rotating.'
          }
        >
          <textarea
            className="mono"
            rows={2}
            {...text('secrets')}
            data-testid="ep-secrets"
            placeholder={
              WHSEC_PROVIDERS.has(d.provider)
                ? 'whsec_…'
                : "the secret from the provider's webhook settings"
            }
          />
        </Field>
        {base && (endpoint ?? base).secretCount > 0 && (
          <label className="check">
            <input type="checkbox" {...check('clearSecrets')} />
            Remove all secrets
          </label>
        )}
        <Field
          label="Forward to"
          error={errors.forwardTo}
          hint="Your local app, e.g. http://localhost:3000/webhooks."
        >
          <input
            className="mono"
            {...text('forwardTo')}
            data-testid="ep-forward"
            placeholder="http://localhost:3000/webhooks"
          />
        </Field>
        <label
          className="check"
          title="Duplicates are forwarded too unless this is off (your app should be idempotent)"
        >
          <input
            type="checkbox"
            {...check('forwardDuplicates')}
            data-testid="ep-forward-duplicates"
          />
          Forward duplicate deliveries too
        </label>
        <Field label="Response status" error={errors.response}>
          <input inputMode="numeric" {...text('responseStatus')} data-testid="ep-status" />
        </Field>
        <Field label="Response Content-Type">
          <input className="mono" {...text('responseContentType')} />
        </Field>
        <Field label="Response body">
          <textarea className="mono" rows={2} {...text('responseBody')} />
        </Field>
        <Field label="Response delay (ms)" hint="After the delivery is stored, before answering.">
          <input inputMode="numeric" {...text('responseDelayMs')} data-testid="ep-delay" />
        </Field>
        <label className="check" title="Like a production endpoint that verifies signatures">
          <input type="checkbox" {...check('rejectBadSignatures')} data-testid="ep-reject-bad" />
          Answer 401 to invalid, stale or unsigned deliveries
        </label>
        <Field
          label="Simulate failures: next N, and/or X %, with status"
          error={errors.simulate}
          hint="To see how the provider retries; the deliveries are still stored."
        >
          <span className="inline-fields">
            <input
              inputMode="numeric"
              placeholder="N"
              {...text('failNext')}
              data-testid="ep-fail-next"
            />
            <input
              inputMode="decimal"
              placeholder="%"
              {...text('failPercent')}
              data-testid="ep-fail-percent"
            />
            <input inputMode="numeric" {...text('failStatus')} data-testid="ep-fail-status" />
          </span>
        </Field>
        <Field
          label="JSON Schema"
          error={errors.jsonSchema}
          className="field-wide"
          hint="Payloads must match it (draft 2020-12, 2019-09, 07 or 06); it replaces the provider's built-in schema. Empty: none."
        >
          <textarea
            className="mono"
            rows={4}
            {...text('jsonSchema')}
            data-testid="ep-json-schema"
            spellCheck={false}
            placeholder='{"type": "object", "required": ["type"]}'
          />
        </Field>
      </div>
      {errors[''] && (
        <p className="notice notice-bad" role="alert" data-testid="ep-error">
          {errors['']}
        </p>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy}
          aria-describedby={conflicts.length > 0 ? 'ep-save-waits' : undefined}
          data-testid="ep-save"
        >
          {editing ? 'Save endpoint' : 'Create endpoint'}
        </button>
        <button type="button" className="btn" onClick={() => onDone()}>
          Cancel
        </button>
        {conflicts.length > 0 && (
          <span className="muted small" id="ep-save-waits" data-testid="ep-save-waits">
            Apply your choice above first: Apply these choices, or keep mine or theirs for all.
          </span>
        )}
      </div>
    </form>
  );
}
