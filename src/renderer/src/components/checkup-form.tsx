import type { Endpoint } from '../../../shared/model';
import {
  parsePayloadValue,
  payloadValue,
  samplesFor,
  withProvider,
  type CheckupField,
  type CheckupForm as Form,
  type SampleInfo,
} from '../model/checkup-form';
import { Field } from './field';
import { ProviderOptions } from './provider-options';

/**
 * The check-up's inputs: target URL (the endpoint's forward target, editable), provider,
 * payload (a catalogue sample of that provider, its default, or a stored delivery), an
 * optional secret and the burst size; submitting runs it. Controlled: the panel owns the form.
 */
export function CheckupForm({
  endpoint,
  form,
  samples,
  errors,
  running,
  onChange,
  onRun,
}: {
  endpoint: Endpoint | undefined;
  form: Form;
  samples: SampleInfo[];
  errors: Partial<Record<CheckupField, string>>;
  running: boolean;
  onChange: (form: Form) => void;
  onRun: () => void;
}) {
  const set = (patch: Partial<Form>): void => onChange({ ...form, ...patch });
  const own = samplesFor(samples, form.provider);
  const chosen = form.payload.kind === 'sample' ? form.payload.id : null;
  const unknownSample = chosen !== null && !own.some((s) => s.id === chosen) ? chosen : null;
  const secrets = endpoint?.secretCount ?? 0;
  return (
    <form
      className="checkup-form"
      data-testid="checkup-form"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        if (!running) onRun();
      }}
    >
      <div className="checkup-fields">
        <Field
          label="Target URL"
          error={errors.target}
          className="checkup-target"
          hint="Your receiver. Only this URL is contacted."
        >
          <input
            className="mono"
            value={form.target}
            data-testid="checkup-target"
            placeholder="http://localhost:3000/webhooks"
            spellCheck={false}
            autoFocus
            onChange={(e) => set({ target: e.target.value })}
          />
        </Field>
        <Field label="Provider" error={errors.provider}>
          <select
            value={form.provider}
            data-testid="checkup-provider"
            onChange={(e) =>
              onChange(withProvider(form, e.target.value as Form['provider'], samples))
            }
          >
            {form.provider === '' && <option value="">Choose…</option>}
            <ProviderOptions />
          </select>
        </Field>
        <Field label="Payload">
          <select
            value={payloadValue(form.payload)}
            data-testid="checkup-sample"
            onChange={(e) => set({ payload: parsePayloadValue(e.target.value) })}
          >
            <option value="default">Default sample</option>
            {own.map((s) => (
              <option key={s.id} value={`sample:${s.id}`}>
                {s.title}
              </option>
            ))}
            {unknownSample && <option value={`sample:${unknownSample}`}>{unknownSample}</option>}
            <option value="event">A stored delivery…</option>
          </select>
        </Field>
        {form.payload.kind === 'event' && (
          <Field label="Delivery id" error={errors.eventId}>
            <input
              className="mono"
              value={form.eventId}
              data-testid="checkup-event-id"
              spellCheck={false}
              onChange={(e) => set({ eventId: e.target.value })}
            />
          </Field>
        )}
        <Field
          label="Secret"
          error={errors.secret}
          hint={
            secrets > 0 ? 'Empty: the endpoint’s secret.' : 'The endpoint has none: give yours.'
          }
        >
          <input
            type="password"
            className="mono"
            value={form.secret}
            autoComplete="off"
            data-testid="checkup-secret"
            placeholder={secrets > 0 ? '(the endpoint’s)' : ''}
            onChange={(e) => set({ secret: e.target.value })}
          />
        </Field>
        <Field
          label="Burst"
          error={errors.burstCount ?? errors.burstConcurrency}
          hint="Deliveries, and how many at once."
        >
          <span className="inline-fields">
            <input
              inputMode="numeric"
              value={form.burstCount}
              aria-label="Burst deliveries"
              data-testid="checkup-burst-count"
              onChange={(e) => set({ burstCount: e.target.value })}
            />
            <input
              inputMode="numeric"
              value={form.burstConcurrency}
              aria-label="Burst concurrency"
              data-testid="checkup-burst-concurrency"
              onChange={(e) => set({ burstConcurrency: e.target.value })}
            />
          </span>
        </Field>
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={running}
          data-testid="checkup-run"
        >
          {running ? 'Running…' : 'Run check-up'}
        </button>
        <span className="muted small checkup-note">
          Sends real, signed requests: valid, duplicate, forged, tampered, stale and unsigned
          deliveries, a timed series and the burst.
        </span>
      </div>
    </form>
  );
}
