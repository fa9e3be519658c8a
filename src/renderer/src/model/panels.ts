/**
 * What the dialogs and panels compute from the engine's answers, apart from how they look:
 * the diff's rows, the dead letters' actions and words, the sample dialog's endpoint choice,
 * an import's format and summary, the list's count. Plain functions, tested in Node.
 */
import type { Input, Output, Push } from '../../../shared/contract';
import type { DeadLetter, Endpoint } from '../../../shared/model';
import { formatCount } from '../format/format';
import type { ListSnapshot } from './live-list';

/** One row of the diff's table: what changed, the name, before, after. */
export type DiffRow = ['changed' | 'removed' | 'added', string, string, string];

/** The request line and header changes of a diff, as the table shows them. */
export function diffRows(diff: Output<'diffEvents'>): DiffRow[] {
  return [
    ...diff.request.map((r): DiffRow => ['changed', r.field, r.before, r.after]),
    ...diff.headers.changed.map((h): DiffRow => ['changed', h.name, h.before, h.after]),
    ...diff.headers.removed.map(([n, v]): DiffRow => ['removed', n, v, '']),
    ...diff.headers.added.map(([n, v]): DiffRow => ['added', n, '', v]),
  ];
}

const forwards = (n: number): string => `${formatCount(n)} ${n === 1 ? 'forward' : 'forwards'}`;

/** Whether any dead letter shown could be re-signed by a redrive (the checkbox shows then). */
export function canResign(items: readonly DeadLetter[] | null): boolean {
  return items?.some((d) => d.resign?.possible) ?? false;
}

/** The redrive command for some dead letters or all, re-signing where asked and possible. */
export function redriveInput(ids: number[] | 'all', resign: boolean): Input<'redriveDeadLetters'> {
  const also = resign ? { resign: true } : {};
  return ids === 'all' ? { all: true, ...also } : { ids, ...also };
}

/** What a purge did, in words. */
export function purgeSummary(purged: number): string {
  return `Purged ${forwards(purged)} from the dead letters (the events stay in the log).`;
}

/** A dead letter's last result: the status your app answered, else the error, else "failed". */
export function lastResult(d: DeadLetter): string | number {
  return d.lastStatus !== null ? d.lastStatus : (d.lastError ?? 'failed');
}

type Sample = Output<'listSamples'>['items'][number];

/**
 * Where the sample dialog sends: the endpoint chosen, else the sample's provider's endpoint
 * with a secret, else the default endpoint ('' — the empty choice; it is never picked by id),
 * and how the default endpoint is named in the list.
 */
export function sampleTarget(
  samples: readonly Sample[],
  endpoints: readonly Endpoint[],
  sample: string,
  chosen: string | null,
): { endpointId: string; defaultLabel: string } {
  const provider = samples.find((s) => s.id === sample)?.provider;
  const auto =
    endpoints.find((e) => e.provider === provider && e.secretCount > 0 && e.path !== '/')?.id ?? '';
  const byDefault = endpoints.find((e) => e.path === '/');
  const signed = byDefault !== undefined && byDefault.secretCount > 0;
  return {
    endpointId: chosen ?? auto,
    defaultLabel: `${byDefault?.name ?? 'Default endpoint'} (/${signed ? '' : ', unsigned'})`,
  };
}

export type ImportFormat = 'har' | 'ndjson';

/** The format of an export file: by its name, else by its content. */
export function importFormat(name: string, content: string): ImportFormat {
  if (/\.har$/i.test(name)) return 'har';
  if (/\.(nd)?jsonl?$/i.test(name) && !/\.json$/i.test(name)) return 'ndjson';
  return /^\s*\{\s*"log"\s*:/.test(content) ? 'har' : 'ndjson';
}

/** What an import did, in words: how many came in, how many were there already, the note. */
export function importSummary(r: Output<'importEvents'>, file: string): string {
  let what = `Imported ${r.imported} ${r.imported === 1 ? 'event' : 'events'} from ${file}.`;
  if (r.skipped) {
    what += ` ${r.skipped} ${r.skipped === 1 ? 'was' : 'were'} already in the log (the same event id) and left out.`;
  }
  return r.note ? `${what} ${r.note}` : what;
}

/**
 * What the list holds, in one number: the log's count (the one in the top bar) without a
 * filter, the engine's count of matches with one ("at least" while a search is still indexing).
 */
export function listCount(
  unfiltered: boolean,
  snap: Pick<ListSnapshot, 'total' | 'hasMore' | 'matching' | 'matchingAtLeast'>,
  logCount: number | undefined,
): string {
  if (unfiltered) {
    const n = logCount ?? snap.total;
    return `${formatCount(n)} ${n === 1 ? 'delivery' : 'deliveries'}`;
  }
  if (snap.matching === null)
    return `${formatCount(snap.total)}${snap.hasMore ? '+' : ''} matching`;
  return `${snap.matchingAtLeast ? 'at least ' : ''}${formatCount(snap.matching)} matching`;
}

/**
 * The endpoint a check-up opened from the top bar starts with: the first one that forwards
 * somewhere (its target is what gets checked), else the first one.
 */
export function pickEndpoint(endpoints: Endpoint[]): Endpoint | undefined {
  return endpoints.find((e) => e.forwardTo) ?? endpoints[0];
}

/**
 * The list with one `endpoints.changed` push applied: replaced, added, or removed; a push
 * older than what the list holds (a lower rev) is ignored. Kept in path order.
 */
export function applyEndpointChange(
  list: Endpoint[],
  change: Push<'endpoints.changed'>,
): Endpoint[] {
  const old = list.find((e) => e.id === change.id);
  if (change.endpoint && old && old.rev > change.endpoint.rev) return list;
  const rest = list.filter((e) => e.id !== change.id);
  if (!change.endpoint) return rest;
  return [...rest, change.endpoint].sort((a, b) => a.path.localeCompare(b.path));
}
