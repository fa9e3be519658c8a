import { z } from 'zod';
import { boundedArray, checkWithZod, isObject, issue, preview, type SchemaResult } from './issues';

// OpenAI's webhook events, after the openai SDK (6.30) types in
// node_modules/openai/resources/webhooks/webhooks.d.ts (`UnwrapWebhookEvent`). Unknown fields
// are allowed (OpenAI may add some); only what the SDK types require is required. The SDK marks
// `object` optional, so it is checked only when present.

/** Payload of the events about one job: its id. */
const JobData = z.object({ id: z.string() });

/** Payload of `realtime.call.incoming`: the call and the SIP INVITE's headers. */
const RealtimeCallData = z.object({
  call_id: z.string(),
  sip_headers: boundedArray(z.object({ name: z.string(), value: z.string() })),
});

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({
    id: z.string(),
    object: z.literal('event').optional(),
    /** Unix seconds. */
    created_at: z.number(),
    type: z.literal(type),
    data,
  });

/** One schema per event type the SDK knows, keyed by `type`. */
export const openAiEventSchemas = {
  'batch.cancelled': envelope('batch.cancelled', JobData),
  'batch.completed': envelope('batch.completed', JobData),
  'batch.expired': envelope('batch.expired', JobData),
  'batch.failed': envelope('batch.failed', JobData),
  'eval.run.canceled': envelope('eval.run.canceled', JobData),
  'eval.run.failed': envelope('eval.run.failed', JobData),
  'eval.run.succeeded': envelope('eval.run.succeeded', JobData),
  'fine_tuning.job.cancelled': envelope('fine_tuning.job.cancelled', JobData),
  'fine_tuning.job.failed': envelope('fine_tuning.job.failed', JobData),
  'fine_tuning.job.succeeded': envelope('fine_tuning.job.succeeded', JobData),
  'realtime.call.incoming': envelope('realtime.call.incoming', RealtimeCallData),
  'response.cancelled': envelope('response.cancelled', JobData),
  'response.completed': envelope('response.completed', JobData),
  'response.failed': envelope('response.failed', JobData),
  'response.incomplete': envelope('response.incomplete', JobData),
} as const;

/** An OpenAI webhook event type known to this build. */
export type OpenAiEventType = keyof typeof openAiEventSchemas;
/** The known event types, in the SDK's order. */
export const openAiEventTypes = Object.keys(openAiEventSchemas) as OpenAiEventType[];

/** The OpenAI webhook event envelope: a discriminated union over `type`. */
export const OpenAiEvent = z.discriminatedUnion(
  'type',
  Object.values(openAiEventSchemas) as [
    (typeof openAiEventSchemas)[OpenAiEventType],
    ...(typeof openAiEventSchemas)[OpenAiEventType][],
  ],
);
export type OpenAiEvent = z.infer<typeof OpenAiEvent>;

/** The envelope without a fixed type, to report its other issues beside an unknown type. */
const AnyEnvelope = envelope('', z.object({})).extend({ type: z.string() });

const knownTypes = new Set<string>(openAiEventTypes);

/**
 * Checks an OpenAI webhook body. The name is `OpenAI <type>` for a known type, else
 * `OpenAI event`. A missing type is invalid; so is an unknown one, with the known ones listed.
 */
export function checkOpenAi(json: unknown): SchemaResult {
  const type = isObject(json) ? json.type : undefined;
  if (typeof type === 'string' && knownTypes.has(type)) {
    return checkWithZod(`OpenAI ${type}`, openAiEventSchemas[type as OpenAiEventType], json);
  }
  if (typeof type !== 'string') return checkWithZod('OpenAI event', AnyEnvelope, json);
  const known = openAiEventTypes.join(', ');
  const unknown = `unknown OpenAI event type ${preview(type)} (known: ${known})`;
  return checkWithZod('OpenAI event', AnyEnvelope, json, [issue('type', unknown)]);
}

/** What an OpenAI event is about: the family of the job it reports on. */
export type OpenAiJobKind = 'batch' | 'response' | 'fine_tuning.job' | 'eval.run' | 'realtime.call';

/** The event type and the id of the job it reports on, to match it to the request. */
export interface OpenAiJob {
  type: string;
  /** `data.id`, or `data.call_id` for realtime calls; null when absent. */
  jobId: string | null;
  kind: OpenAiJobKind | null;
}

const kinds: OpenAiJobKind[] = [
  'batch',
  'response',
  'fine_tuning.job',
  'eval.run',
  'realtime.call',
];

/**
 * The type, job kind and job id of an OpenAI webhook body, or null when the body has no
 * string `type`. Lenient: works on types newer than this build (the kind comes from the
 * type's prefix, e.g. `batch.in_progress` → batch). Never throws.
 */
export function openAiJob(json: unknown): OpenAiJob | null {
  if (!isObject(json) || typeof json.type !== 'string') return null;
  const type = json.type;
  const kind = kinds.find((k) => type.startsWith(`${k}.`)) ?? null;
  const data = isObject(json.data) ? json.data : {};
  const id = kind === 'realtime.call' ? (data.call_id ?? data.id) : data.id;
  return { type, jobId: typeof id === 'string' ? id : null, kind };
}
