import { DEFAULT_SETTINGS } from '../../../shared/defaults';
import { Settings } from '../../../shared/model';

const MB = 1024 * 1024;

/** The settings form as typed: every number a string in the unit the form shows. */
export interface SettingsDraft {
  maxEvents: string;
  maxAgeDays: string;
  paused: boolean;
  concurrency: string;
  forwardTimeoutSec: string;
  maxAttempts: string;
  maxBodyMb: string;
  maxHeaders: string;
  maxHeaderKb: string;
  headersTimeoutSec: string;
  requestTimeoutSec: string;
  keepAliveSec: string;
  maxConnections: string;
  maxConnectionsPerClient: string;
  rateLimited: boolean;
  perSecond: string;
  burst: string;
  minFreeDiskMb: string;
}

/** Each form field: its path in Settings and the factor from the form's unit to the stored one. */
const FIELDS: Record<
  Exclude<keyof SettingsDraft, 'paused' | 'rateLimited'>,
  {
    path: [keyof Settings, string] | [keyof Settings, string, string];
    factor: number;
    optional?: boolean;
  }
> = {
  maxEvents: { path: ['retention', 'maxEvents'], factor: 1, optional: true },
  maxAgeDays: { path: ['retention', 'maxAgeDays'], factor: 1, optional: true },
  concurrency: { path: ['forwarding', 'concurrency'], factor: 1 },
  forwardTimeoutSec: { path: ['forwarding', 'timeoutMs'], factor: 1000 },
  maxAttempts: { path: ['forwarding', 'maxAttempts'], factor: 1 },
  maxBodyMb: { path: ['receiver', 'maxBodyBytes'], factor: MB },
  maxHeaders: { path: ['receiver', 'maxHeaders'], factor: 1 },
  maxHeaderKb: { path: ['receiver', 'maxHeaderBytes'], factor: 1024 },
  headersTimeoutSec: { path: ['receiver', 'headersTimeoutMs'], factor: 1000 },
  requestTimeoutSec: { path: ['receiver', 'requestTimeoutMs'], factor: 1000 },
  keepAliveSec: { path: ['receiver', 'keepAliveTimeoutMs'], factor: 1000 },
  maxConnections: { path: ['receiver', 'maxConnections'], factor: 1 },
  maxConnectionsPerClient: { path: ['receiver', 'maxConnectionsPerClient'], factor: 1 },
  perSecond: { path: ['receiver', 'rateLimit', 'perSecond'], factor: 1 },
  burst: { path: ['receiver', 'rateLimit', 'burst'], factor: 1 },
  minFreeDiskMb: { path: ['receiver', 'minFreeDiskBytes'], factor: MB },
};
type NumberField = keyof typeof FIELDS;

/** Each field in the form's words (the Settings panel's labels; messages start with them). */
export const SETTINGS_FIELD_LABELS: Record<keyof SettingsDraft, string> = {
  maxEvents: 'Keep at most (events)',
  maxAgeDays: 'Keep for (days)',
  paused: 'Forwarding paused',
  concurrency: 'Forwards at once',
  forwardTimeoutSec: 'Timeout per attempt (s)',
  maxAttempts: 'Attempts before the dead-letter list',
  maxBodyMb: 'Largest body (MB)',
  maxHeaders: 'Most header fields',
  maxHeaderKb: 'Header bytes (KB)',
  headersTimeoutSec: 'Headers within (s)',
  requestTimeoutSec: 'Whole request within (s)',
  keepAliveSec: 'Idle keep-alive (s)',
  maxConnections: 'Open connections',
  maxConnectionsPerClient: 'Open connections per client IP',
  rateLimited: 'Rate-limit each client IP',
  perSecond: 'Requests per second per IP',
  burst: 'Burst per IP',
  minFreeDiskMb: 'Free disk space to keep (MB)',
};
export const SETTINGS_FIELDS = Object.keys(SETTINGS_FIELD_LABELS) as (keyof SettingsDraft)[];

/** The contract's bounds of a stored setting (its zod number schema, under nullable/default). */
function bounds(path: readonly string[]): { min: number | null; max: number | null; int: boolean } {
  let schema: unknown = Settings;
  for (const k of path) {
    schema = unwrap(schema);
    schema = (schema as { shape?: Record<string, unknown> }).shape?.[k];
  }
  const n = unwrap(schema) as {
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
  };
  const finite = (v: number | null | undefined): number | null =>
    v !== null && v !== undefined && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : null;
  return { min: finite(n.minValue), max: finite(n.maxValue), int: n.isInt === true };
}

function unwrap(schema: unknown): unknown {
  let s = schema as { unwrap?: () => unknown; def?: { innerType?: unknown } } | undefined;
  for (let i = 0; i < 4 && s; i++) {
    const inner = s.def?.innerType;
    if (!inner) break;
    s = inner as typeof s;
  }
  return s;
}

const words = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

/**
 * What a number field takes, in its own unit: "Keep at most (events): a whole number of at
 * least 1, or blank for no limit", "Largest body (MB): a number from 0.001 to 1,024".
 */
export function expected(field: NumberField): string {
  const f = FIELDS[field];
  const b = bounds(f.path);
  const inUnit = (v: number): number => Math.round((v / f.factor) * 1000) / 1000;
  const kind = b.int && f.factor === 1 ? 'a whole number' : 'a number';
  const lo = b.min === null ? null : words(inUnit(b.min));
  const hi = b.max === null ? null : words(inUnit(b.max));
  const range =
    lo !== null && hi !== null
      ? ` from ${lo} to ${hi}`
      : lo !== null
        ? ` of at least ${lo}`
        : hi !== null
          ? ` of at most ${hi}`
          : '';
  const blank = f.optional
    ? `, or blank for ${field === 'maxAgeDays' ? 'forever' : 'no limit'}`
    : '';
  return `${SETTINGS_FIELD_LABELS[field]}: ${kind}${range}${blank}`;
}

/** The value typed in a number field is within the contract's bounds (in stored units). */
function fits(field: NumberField, stored: number): boolean {
  const b = bounds(FIELDS[field].path);
  if (b.int && FIELDS[field].factor === 1 && !Number.isInteger(stored)) return false;
  return (b.min === null || stored >= b.min) && (b.max === null || stored <= b.max);
}

function read(s: Settings, path: string[]): unknown {
  let v: unknown = s;
  for (const k of path) v = v === null || v === undefined ? v : (v as Record<string, unknown>)[k];
  return v;
}

function write(target: Record<string, unknown>, path: string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path.at(-1)!] = value;
}

/** Shows stored values in the form's units (rounded for display, e.g. 25 MB). */
export function toDraft(s: Settings): SettingsDraft {
  const rate = s.receiver.rateLimit;
  const d = { paused: s.forwarding.paused, rateLimited: rate !== null } as SettingsDraft;
  for (const [field, f] of Object.entries(FIELDS) as [
    NumberField,
    (typeof FIELDS)[NumberField],
  ][]) {
    const v = read(s, f.path);
    d[field] = typeof v === 'number' ? String(Math.round((v / f.factor) * 1000) / 1000) : '';
  }
  const offered = DEFAULT_SETTINGS.receiver.rateLimit;
  if (!rate && offered) {
    d.perSecond = String(offered.perSecond);
    d.burst = String(offered.burst);
  }
  return d;
}

/**
 * Reads the form back into settings, over `base` (the settings the form was filled from), so a
 * field the form does not show keeps its value: a number field must hold a number (blank means
 * "unlimited" where that is allowed), then the contract's schema checks the ranges. Errors are
 * keyed by form field.
 */
export function fromDraft(
  d: SettingsDraft,
  base: Settings,
): {
  settings: Settings | null;
  errors: Partial<Record<keyof SettingsDraft, string>>;
} {
  const errors: Partial<Record<keyof SettingsDraft, string>> = {};
  const { retention, forwarding, receiver } = structuredClone(base);
  const out: Record<string, unknown> = { retention, forwarding, receiver };
  for (const [field, f] of Object.entries(FIELDS) as [
    NumberField,
    (typeof FIELDS)[NumberField],
  ][]) {
    if (f.path[2] !== undefined && !d.rateLimited) continue;
    const raw = d[field].trim();
    if (raw === '' && f.optional) {
      write(out, f.path, null);
      continue;
    }
    const n = Number(raw.replaceAll(',', ''));
    // Stored units are whole bytes and ms except the rate and the age in days.
    const value = f.factor === 1 ? n : Math.round(n * f.factor);
    // Every field is checked in this one round, each saying what it takes.
    if (raw === '' || !Number.isFinite(n) || !fits(field, value)) {
      errors[field] = expected(field);
      continue;
    }
    write(out, f.path, value);
  }
  write(out, ['forwarding', 'paused'], d.paused);
  if (!d.rateLimited) write(out, ['receiver', 'rateLimit'], null);
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  const parsed = Settings.safeParse(out);
  if (parsed.success) return { settings: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.');
    const field = (Object.keys(FIELDS) as NumberField[]).find(
      (k) => FIELDS[k].path.join('.') === key,
    );
    errors[field ?? 'maxEvents'] ??= field ? expected(field) : issue.message;
  }
  return { settings: null, errors };
}
