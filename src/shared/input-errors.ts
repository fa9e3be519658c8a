import type { z } from 'zod';

/**
 * Every input field of the contract in the user's words (as the UI, README and CLI name it),
 * by its key. A path reads as its keys' labels joined with " › " ("Duplicate response › Status").
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  a: 'First event',
  b: 'Second event',
  afterRev: 'After change',
  afterSeq: 'After',
  algorithm: 'Algorithm',
  all: 'All',
  allowCidrs: 'Allowed IP ranges',
  allowDomains: 'Allowed email domains',
  allowEmails: 'Allowed emails',
  authtoken: 'ngrok authtoken',
  basicAuth: 'Basic auth',
  beforeId: 'Before',
  beforeSeq: 'Before',
  attempt: 'Attempt',
  at: 'Time',
  body: 'Body',
  by: 'Sent by',
  burst: 'Burst',
  ca: 'CA certificate',
  concurrency: 'Concurrency',
  content: 'File content',
  count: 'Count',
  delayMs: 'Delay (ms)',
  denyCidrs: 'Denied IP ranges',
  domain: 'Domain',
  durationMs: 'Duration (ms)',
  duplicateResponse: 'Duplicate response',
  duplicatesOnly: 'Duplicates only',
  edits: 'Edits',
  encoding: 'Encoding',
  endpointId: 'Endpoint',
  eventId: 'Event',
  error: 'Error',
  eventType: 'Event type',
  failNext: 'Fail next',
  failPercent: 'Fail percent',
  format: 'Format',
  forwardDuplicates: 'Forward duplicates',
  forwardStatus: 'Forward status',
  forwardTo: 'Forward target',
  forwarding: 'Forwarding',
  header: 'Signature header',
  headers: 'Headers',
  headersTimeoutMs: 'Headers timeout (ms)',
  hmac: 'HMAC settings',
  id: 'Id',
  ids: 'Ids',
  invalidSignatureResponse: 'Invalid-signature response',
  jobId: 'Job',
  jsonSchema: 'JSON Schema',
  keepAliveTimeoutMs: 'Keep-alive timeout (ms)',
  leaving: 'Leaving',
  latencySamples: 'Latency samples',
  length: 'Length',
  limit: 'Limit',
  maxAgeDays: 'Max age (days)',
  maxAttempts: 'Max attempts',
  maxBodyBytes: 'Max body size (bytes)',
  maxConnections: 'Max connections',
  maxConnectionsPerClient: 'Max connections per client',
  maxEvents: 'Max events',
  maxHeaderBytes: 'Max header size (bytes)',
  maxHeaders: 'Max header fields',
  method: 'Method',
  minFreeDiskBytes: 'Min free disk (bytes)',
  name: 'Name',
  newDeliveryId: 'New delivery id',
  oauth: 'OAuth',
  offset: 'Offset',
  options: 'Tunnel options',
  order: 'Order',
  path: 'Path',
  paused: 'Paused',
  perSecond: 'Per second',
  prefix: 'Prefix',
  provider: 'Provider',
  query: 'Search',
  rateLimit: 'Rate limit',
  receiver: 'Receiver limits',
  refusedOnly: 'Refused only',
  region: 'Region',
  requestTimeoutMs: 'Request timeout (ms)',
  resign: 'Re-sign',
  response: 'Response',
  rev: 'Version',
  retention: 'Retention',
  role: 'Role',
  sample: 'Sample',
  secret: 'Secret',
  secrets: 'Secrets',
  separator: 'Separator',
  signatureStatus: 'Signature status',
  signed: 'Signed content',
  simulate: 'Simulate failures',
  status: 'Status',
  target: 'Target',
  targetUrl: 'Target URL',
  timeoutMs: 'Timeout (ms)',
  timestampHeader: 'Timestamp header',
  timestampUnit: 'Timestamp unit',
  toleranceSec: 'Tolerance (seconds)',
  token: 'Access token',
  url: 'Server address',
  via: 'Send via',
  webhookVerification: 'Webhook verification',
  withTotal: 'Count all',
};

type Path = readonly PropertyKey[];

/** The parts of a [name, value] pair, in a path such as headers.2.0. */
const PAIR = ['name', 'value'];

/**
 * A path in the user's words: "Forward target", "Secrets #2", "Response › Status".
 * `overrides` names fields by their dotted key path instead (e.g. CLI flags: `burst.count` →
 * `--burst`).
 */
export function fieldLabel(path: Path, overrides: Record<string, string> = {}): string {
  const own = overrides[path.filter((p) => typeof p === 'string').join('.')];
  if (own !== undefined) return own;
  let label = '';
  path.forEach((seg, i) => {
    if (typeof seg === 'number') {
      label += typeof path[i - 1] === 'number' ? ` › ${PAIR[seg] ?? seg + 1}` : ` #${seg + 1}`;
    } else {
      const key = String(seg);
      const words = FIELD_LABELS[key] ?? key;
      label = label ? `${label} › ${words}` : words;
    }
  });
  return label;
}

/** Issues in the user's words, each "<field>: <what is expected>", joined with "; ". */
export function describeIssues(
  issues: readonly { path: Path; message: string }[],
  overrides: Record<string, string> = {},
): string {
  return issues
    .map((i) => (i.path.length ? `${fieldLabel(i.path, overrides)}: ${i.message}` : i.message))
    .join('; ');
}

/** Fields whose value must never be quoted back (secrets are write-only). */
const SECRET_FIELD = /secret|authtoken|basicauth|password|token/i;

/** The value as shown after "got": short strings quoted, anything else by kind. */
function shown(input: unknown): string {
  if (typeof input === 'string') {
    return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
  }
  if (Number.isNaN(input)) return 'something that is not a number';
  if (typeof input === 'number' || typeof input === 'boolean' || input === null) {
    return String(input);
  }
  if (input === undefined) return 'nothing';
  return Array.isArray(input) ? 'a list' : `a ${typeof input}`;
}

const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

/** Bounds a number or size check may carry: the schema's own, else the issue's. */
interface Bounds {
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  minLength?: number | null;
  maxLength?: number | null;
}

/** "a whole number from 1 to 500", "a number of at least 0", ... */
function numberRange(b: Bounds, fallback: { min?: number; max?: number }, int = false): string {
  const kind = b.isInt || int ? 'a whole number' : 'a number';
  const min = b.minValue ?? fallback.min;
  const max = b.maxValue ?? fallback.max;
  // zod's int() adds the safe-integer bounds: those are no limit a person set.
  const set = (n: number | undefined): n is number =>
    n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  const lo = set(min) ? min : null;
  const hi = set(max) ? max : null;
  if (lo !== null && hi !== null) return `${kind} from ${lo} to ${hi}`;
  if (lo !== null) return `${kind} of at least ${lo}`;
  if (hi !== null) return `${kind} of at most ${hi}`;
  return kind;
}

/**
 * What a union expected, from each alternative's first issue: "one of a, b, c" when they are
 * values, "an object or true or false" when they are kinds.
 */
function alternatives(errors: readonly (readonly z.core.$ZodIssue[])[]): string {
  const values: string[] = [];
  const kinds = new Set<string>();
  for (const [i] of errors) {
    if (i?.code === 'invalid_value') values.push(...i.values.map(String));
    else if (i?.code === 'invalid_type') kinds.add(KINDS[i.expected] ?? i.expected);
    else kinds.add('another form');
  }
  if (values.length > 0) kinds.add(`one of ${values.join(', ')}`);
  return [...kinds].join(' or ');
}

type RawIssue = z.core.$ZodRawIssue & { path?: PropertyKey[]; schema?: Bounds };

/**
 * The zod error map of every contract parse: says what is expected in plain words (the range,
 * the allowed values, an example URL) and what was sent, never a secret. Schema-level messages
 * (set with the schema, e.g. the path's rule) take precedence over it, as zod orders them.
 */
export const inputErrorMap: z.core.$ZodErrorMap = (raw) => {
  const iss = raw as RawIssue;
  const secret = (iss.path ?? []).some((p) => SECRET_FIELD.test(String(p)));
  const got = secret ? '' : `, got ${shown(iss.input)}`;
  const b: Bounds = iss.schema ?? {};
  switch (iss.code) {
    case 'invalid_type': {
      // The schema's bounds are getters: read them off the schema, do not spread it.
      const kind =
        iss.expected === 'number' || iss.expected === 'int'
          ? numberRange(b, {}, iss.expected === 'int')
          : (KINDS[iss.expected] ?? iss.expected);
      return iss.input === undefined ? `required: expected ${kind}` : `expected ${kind}${got}`;
    }
    case 'invalid_format':
      if (iss.format === 'url') {
        return `expected an http(s) URL such as http://localhost:3000/webhooks${got}`;
      }
      if (iss.format === 'email') return `expected an email address such as dev@example.com${got}`;
      return `expected ${iss.format === 'regex' ? 'text of another form' : `a valid ${iss.format}`}${got}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map(String).join(', ')} (got ${secret ? 'another value' : shown(iss.input)})`;
    case 'invalid_union':
      return `expected ${alternatives(iss.errors)} (got ${secret ? 'another value' : shown(iss.input)})`;
    case 'too_small':
    case 'too_big': {
      const n = Number(iss.code === 'too_small' ? iss.minimum : iss.maximum);
      const bound = iss.code === 'too_small' ? { min: n } : { max: n };
      if (iss.origin === 'number' || iss.origin === 'int') {
        return `expected ${numberRange(b, bound)}${got}`;
      }
      const unit = iss.origin === 'string' ? 'characters' : 'items';
      const size = (iss.input as { length?: number } | null)?.length;
      const has = typeof size === 'number' ? ` (it has ${size})` : '';
      if (iss.code === 'too_small' && n === 1) return `must not be empty`;
      return `expected ${iss.code === 'too_small' ? 'at least' : 'at most'} ${n} ${unit}${has}`;
    }
    case 'unrecognized_keys': {
      const known = Object.keys((iss.inst as { shape?: object } | undefined)?.shape ?? {});
      const list = iss.keys.map((k) => JSON.stringify(k)).join(', ');
      const only = known.length ? `; expected only ${known.join(', ')}` : '';
      return `unknown field${iss.keys.length > 1 ? 's' : ''} ${list}${only}`;
    }
    case 'not_multiple_of':
      return `expected a multiple of ${String(iss.divisor)}${got}`;
    case 'invalid_key':
      return 'has a key of the wrong form';
    case 'invalid_element':
      return 'has a value of the wrong form';
    default:
      return `is not valid${got}`;
  }
};

/**
 * Groups issues by their first path element (the form field); '' for form-wide ones. `entry`
 * names a list's entry as typed (the second range "#2 (banana)"), when the form knows it.
 */
export function issuesByField(
  issues: { path: (string | number)[]; message: string }[],
  entry?: (field: string, index: number) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const field = String(i.path[0] ?? '');
    const name = (k: string | number): string => {
      if (typeof k !== 'number') return FIELD_LABELS[k] ?? k;
      const typed = entry?.(field, k);
      return typed !== undefined ? `#${k + 1} (${typed})` : `#${k + 1}`;
    };
    // The part of the field it is about, in the form's words ("Status", "Secret #2").
    const where = i.path.length > 1 ? `${i.path.slice(1).map(name).join(' › ')}: ` : '';
    out[field] = out[field] ? `${out[field]}; ${where}${i.message}` : `${where}${i.message}`;
  }
  return out;
}
