import type { EventCounts, SignatureStatus } from '../../../shared/model';

/** Which pill a count is for. */
export type Pill =
  | { endpoint: string }
  | { signature: SignatureStatus[] }
  | { toggle: 'duplicatesOnly' | 'refusedOnly' | 'failedForwardsOnly' };

const NUMBER = new Intl.NumberFormat('en-US');

/** How many events a pill matches, from countEvents. */
export function pillTotal(counts: EventCounts, pill: Pill): number {
  if ('endpoint' in pill) return counts.endpoints[pill.endpoint] ?? 0;
  if ('signature' in pill) return pill.signature.reduce((n, s) => n + counts.signature[s], 0);
  if (pill.toggle === 'duplicatesOnly') return counts.duplicates;
  if (pill.toggle === 'refusedOnly') return counts.refused;
  return counts.failedForwards;
}

/** The count shown after a pill's label (" · 1,234"); '' until the counts are known. */
export function pillCount(counts: EventCounts | undefined, pill: Pill): string {
  return counts ? ` · ${NUMBER.format(pillTotal(counts, pill))}` : '';
}
