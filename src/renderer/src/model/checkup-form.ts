import { DEFAULT_BURST, MAX_BURST, type Checkup } from '../../../shared/checkup';
import type { Input } from '../../../shared/contract';
import { providerIds, type Endpoint, type ProviderId } from '../../../shared/model';

/** The burst the issue asks for by default: 50 distinct deliveries, 10 at a time. */

/** The payload choice: the provider's default sample, a catalogue sample, or a stored event. */
export type PayloadChoice =
  { kind: 'default' } | { kind: 'sample'; id: string } | { kind: 'event' };

/** What the check-up form holds, as typed (numbers stay strings until validated). */
export interface CheckupForm {
  target: string;
  /** Empty when the endpoint detects its provider ('auto') and none was chosen yet. */
  provider: ProviderId | '';
  payload: PayloadChoice;
  /** The stored delivery's id, used when `payload.kind` is 'event'. */
  eventId: string;
  /** Empty: the endpoint's first secret. Never stored in a run. */
  secret: string;
  burstCount: string;
  burstConcurrency: string;
}

export type CheckupField = keyof CheckupForm;
export type RunInput = Input<'runCheckup'>;
/** A sample from `listSamples`. */
export interface SampleInfo {
  id: string;
  provider: ProviderId;
  title: string;
}

const isProviderId = (p: string | null | undefined): p is ProviderId =>
  !!p && (providerIds as readonly string[]).includes(p);

/**
 * The form for a check-up of `endpoint`: its forward target and provider (or `providerHint`,
 * e.g. the provider detected on a delivery, when the endpoint detects its own), the default
 * burst, and the stored delivery `eventId` as the payload when given.
 */
export function initialForm(
  endpoint: Endpoint | undefined,
  opts: { eventId?: string | undefined; providerHint?: string | null | undefined } = {},
): CheckupForm {
  const own = endpoint?.provider;
  const provider = isProviderId(own)
    ? own
    : isProviderId(opts.providerHint)
      ? opts.providerHint
      : '';
  return {
    target: endpoint?.forwardTo ?? '',
    provider,
    payload: opts.eventId ? { kind: 'event' } : { kind: 'default' },
    eventId: opts.eventId ?? '',
    secret: '',
    burstCount: String(DEFAULT_BURST.count),
    burstConcurrency: String(DEFAULT_BURST.concurrency),
  };
}

/**
 * The form after its endpoint changed elsewhere (a push): the target and provider the user
 * has not touched (still as filled from `before`) follow the endpoint as it is `now`.
 */
export function followEndpoint(
  form: CheckupForm,
  before: Endpoint | undefined,
  now: Endpoint | undefined,
): CheckupForm {
  if (!before || !now || before.id !== now.id || before.rev === now.rev) return form;
  const filled = initialForm(before);
  const next = initialForm(now);
  return {
    ...form,
    ...(form.target === filled.target ? { target: next.target } : {}),
    ...(form.provider === filled.provider && next.provider !== ''
      ? { provider: next.provider }
      : {}),
  };
}

/** The catalogue samples of one provider, in catalogue order. */
export function samplesFor(samples: SampleInfo[], provider: ProviderId | ''): SampleInfo[] {
  return samples.filter((s) => s.provider === provider);
}

/** The form with another provider; a catalogue sample of the old provider falls back to default. */
export function withProvider(
  form: CheckupForm,
  provider: ProviderId | '',
  samples: SampleInfo[],
): CheckupForm {
  const { payload } = form;
  const keep =
    payload.kind !== 'sample' || samplesFor(samples, provider).some((s) => s.id === payload.id);
  return { ...form, provider, payload: keep ? payload : { kind: 'default' } };
}

/** The payload choice as a `<select>` value, and back. */
export const payloadValue = (p: PayloadChoice): string =>
  p.kind === 'sample' ? `sample:${p.id}` : p.kind;
export function parsePayloadValue(v: string): PayloadChoice {
  if (v.startsWith('sample:')) return { kind: 'sample', id: v.slice('sample:'.length) };
  return v === 'event' ? { kind: 'event' } : { kind: 'default' };
}

const EVENT_PREFIX = 'event:';

/** A run's `sample` field: a catalogue id, or `event:<id>` for a stored delivery. */
export function parseSampleRef(sample: string): { eventId: string } | { sample: string } {
  return sample.startsWith(EVENT_PREFIX)
    ? { eventId: sample.slice(EVENT_PREFIX.length) }
    : { sample };
}

function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function httpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The `runCheckup` input for the form, or a message per field that is wrong (the engine
 * checks again; this only saves a round trip and says it next to the field). The secret is
 * sent only when typed, and a missing one is an error only when the endpoint has none either.
 */
export function toRunInput(
  endpoint: Endpoint | undefined,
  form: CheckupForm,
): { input: RunInput } | { errors: Partial<Record<CheckupField, string>> } {
  const errors: Partial<Record<CheckupField, string>> = {};
  const target = form.target.trim();
  if (!target) errors.target = 'Give the URL of your receiver, e.g. http://localhost:3000/webhooks';
  else if (!httpUrl(target)) errors.target = 'An http:// or https:// URL';
  if (!form.provider) errors.provider = 'Choose the provider whose signatures your receiver checks';
  const secret = form.secret.trim();
  if (!secret && (endpoint?.secretCount ?? 0) === 0) {
    errors.secret = 'This endpoint has no signing secret: give the one your receiver verifies with';
  }
  const eventId = form.eventId.trim();
  if (form.payload.kind === 'event' && !eventId) errors.eventId = 'The id of a stored delivery';
  const count = wholeNumber(form.burstCount, 1, MAX_BURST.count);
  if (count === null) errors.burstCount = `A whole number from 1 to ${MAX_BURST.count}`;
  const concurrency = wholeNumber(form.burstConcurrency, 1, MAX_BURST.concurrency);
  if (concurrency === null) {
    errors.burstConcurrency = `A whole number from 1 to ${MAX_BURST.concurrency}`;
  }
  if (Object.keys(errors).length > 0 || !form.provider || count === null || concurrency === null) {
    return { errors };
  }
  return {
    input: {
      ...(endpoint ? { endpointId: endpoint.id } : {}),
      target,
      provider: form.provider,
      ...(secret ? { secret } : {}),
      ...(form.payload.kind === 'sample' ? { sample: form.payload.id } : {}),
      ...(form.payload.kind === 'event' ? { eventId } : {}),
      burst: { count, concurrency },
    },
  };
}

/**
 * The form with a stored run's inputs (target, provider, payload, burst size from its burst
 * probe), for "Re-run". The secret typed in the form is kept (runs never store it), and so
 * is the concurrency, which a run does not record.
 */
export function formFromCheckup(run: Checkup, form: CheckupForm): CheckupForm {
  const ref = parseSampleRef(run.sample);
  const burst = run.probes.find((p) => p.id === 'burst')?.stats;
  return {
    ...form,
    target: run.target,
    provider: run.provider,
    payload: 'eventId' in ref ? { kind: 'event' } : { kind: 'sample', id: ref.sample },
    eventId: 'eventId' in ref ? ref.eventId : form.eventId,
    burstCount: burst ? String(burst.count) : form.burstCount,
  };
}

export { pickEndpoint } from './panels';
