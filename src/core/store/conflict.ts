import { HookscopeError } from '../../shared/errors';
import type { Endpoint, Settings } from '../../shared/model';

/**
 * Versions of one entity kept in memory by rev, so a refused save can say what changed since
 * the version it was based on. Only the last few are kept; older ones give a general message.
 */
export class RevHistory<T> {
  private readonly byRev = new Map<number, T>();

  constructor(private readonly keep = 32) {}

  remember(rev: number, value: T): void {
    this.byRev.set(rev, value);
    if (this.byRev.size > this.keep) this.byRev.delete(this.byRev.keys().next().value!);
  }

  at(rev: number): T | undefined {
    return this.byRev.get(rev);
  }
}

/** A value as a person reads it in a message: short scalars as they are, others not at all. */
function shown(v: unknown): string | null {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'string') return v.length <= 200 ? v : null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

type Change = [label: string, now: unknown];

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const to = (now: unknown): string => {
  const v = shown(now);
  return v === null ? '' : ` to ${v}`;
};

/**
 * The changes in words: "Forward target was changed elsewhere to http://…" or, for several,
 * "Forward target was changed elsewhere to http://…, and name to Orders"; null for none.
 */
function describeChanges(changes: Change[]): string | null {
  if (changes.length === 0) return null;
  const [[label, now], ...rest] = changes as [Change, ...Change[]];
  const first = `${capital(label)} was changed elsewhere${to(now)}`;
  if (rest.length === 0) return first;
  return `${first}, and ${rest.map(([l, n]) => `${l}${to(n)}`).join(', ')}`;
}

/** The endpoint fields a user edits, as the endpoint form names them. */
const ENDPOINT_FIELDS: [keyof Endpoint, string][] = [
  ['name', 'name'],
  ['path', 'path prefix'],
  ['provider', 'provider'],
  ['secretCount', 'signing secrets'],
  ['toleranceSec', 'tolerance'],
  ['forwardTo', 'forward target'],
  ['forwardDuplicates', 'forward duplicates'],
  ['response', 'response'],
  ['invalidSignatureResponse', 'invalid-signature response'],
  ['duplicateResponse', 'duplicate response'],
  ['hmac', 'HMAC settings'],
  ['jsonSchema', 'JSON Schema'],
  ['simulate', 'failure simulation'],
];

/**
 * The `conflict` for a save of endpoint `current` based on version `basedOn` (the old copy
 * when still known), in words: "Forward target was changed elsewhere to http://…. Your changes
 * were not saved; save them again on the current version."
 */
export function endpointConflict(
  current: Endpoint,
  basedOnRev: number,
  basedOn: Endpoint | undefined,
): HookscopeError {
  const changed: Change[] = basedOn
    ? ENDPOINT_FIELDS.filter(([k]) => !same(basedOn[k], current[k])).map(([k, label]) =>
        // Secrets are never shown, only how many there are.
        k === 'secretCount' ? [`${label} (${current.secretCount} now)`, {}] : [label, current[k]],
      )
    : [];
  const what =
    describeChanges(changed) ??
    `Endpoint "${current.name}" was changed elsewhere (version ${basedOnRev} was edited, it is at ${current.rev} now)`;
  return new HookscopeError(
    'conflict',
    `${what}. Your changes were not saved; save them again on the current version.`,
    [{ path: ['rev'], message: `version ${basedOnRev} is not the current one (${current.rev})` }],
  );
}

/** Settings fields as the Settings panel names them, by `section.field`. */
const SETTINGS_LABELS: Record<string, string> = {
  'retention.maxEvents': 'keep at most (events)',
  'retention.maxAgeDays': 'keep for (days)',
  'forwarding.paused': 'forwarding paused',
  'forwarding.concurrency': 'forwards at once',
  'forwarding.timeoutMs': 'forward timeout (ms)',
  'forwarding.maxAttempts': 'attempts before the dead-letter list',
  'receiver.maxBodyBytes': 'largest body (bytes)',
  'receiver.maxHeaders': 'most header fields',
  'receiver.maxHeaderBytes': 'header bytes',
  'receiver.headersTimeoutMs': 'headers timeout (ms)',
  'receiver.requestTimeoutMs': 'request timeout (ms)',
  'receiver.keepAliveTimeoutMs': 'idle keep-alive (ms)',
  'receiver.maxConnections': 'open connections',
  'receiver.maxConnectionsPerClient': 'open connections per client',
  'receiver.rateLimit': 'rate limit per client',
  'receiver.minFreeDiskBytes': 'free disk space to keep (bytes)',
};

/** A settings field in words (`forwarding.maxAttempts` → "attempts before the dead-letter list"). */
export function settingLabel(path: string): string {
  return SETTINGS_LABELS[path] ?? path;
}

/** Every `section.field` of settings with its value. */
function leaves(s: Settings): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [section, fields] of Object.entries(s) as [string, Record<string, unknown>][]) {
    for (const [k, v] of Object.entries(fields)) out.set(`${section}.${k}`, v);
  }
  return out;
}

/** The `conflict` for a settings save based on an old version, saying what changed. */
export function settingsConflict(
  current: Settings,
  currentRev: number,
  basedOnRev: number,
  basedOn: Settings | undefined,
): HookscopeError {
  const changed: Change[] = [];
  if (basedOn) {
    const before = leaves(basedOn);
    for (const [path, now] of leaves(current)) {
      if (!same(before.get(path), now)) changed.push([settingLabel(path), now]);
    }
  }
  const what =
    describeChanges(changed) ??
    `The settings were changed elsewhere (version ${basedOnRev} was edited, they are at ${currentRev} now)`;
  return new HookscopeError(
    'conflict',
    `${what}. Your changes were not saved; save them again on the current version.`,
    [{ path: ['rev'], message: `version ${basedOnRev} is not the current one (${currentRev})` }],
  );
}

/** The `conflict` for a tunnel settings save based on an old version. */
export function tunnelSettingsConflict(currentRev: number, basedOnRev: number): HookscopeError {
  return new HookscopeError(
    'conflict',
    'The tunnel settings were changed elsewhere; reload to see them. Your changes were not saved.',
    [{ path: ['rev'], message: `version ${basedOnRev} is not the current one (${currentRev})` }],
  );
}
