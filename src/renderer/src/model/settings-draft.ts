import { DEFAULT_SETTINGS } from '../../../shared/defaults';
import type { z } from 'zod';
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
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) {
      errors[field] = f.optional ? 'a number, or blank for no limit' : 'a number';
      continue;
    }
    // Stored units are whole bytes and ms except the rate and the age in days.
    const value = n * f.factor;
    write(out, f.path, f.factor === 1 ? value : Math.round(value));
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
    errors[field ?? 'maxEvents'] ??= describe(issue, field ? FIELDS[field].factor : 1);
  }
  return { settings: null, errors };
}

/** A range issue in the form's unit ("at least 0.001" for 1024 bytes shown in MB). */
function describe(issue: z.core.$ZodIssue, factor: number): string {
  const inUnit = (n: number | bigint): number => Math.round((Number(n) / factor) * 1000) / 1000;
  if (issue.code === 'too_small') return `at least ${inUnit(issue.minimum)}`;
  if (issue.code === 'too_big') return `at most ${inUnit(issue.maximum)}`;
  return issue.message;
}
