import type { EventSummary } from '../../src/shared/model';
import { eventSummary } from '../helpers/model';

/** A summary with defaults; `seq` doubles as rev unless given. */
export function summary(seq: number, over: Partial<EventSummary> = {}): EventSummary {
  return eventSummary({
    id: `e${seq}`,
    seq,
    rev: seq,
    receivedAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    path: `/p/${seq}`,
    signature: { status: 'none', provider: null },
    ...over,
  });
}

/** Summaries for seqs from `top` down to `bottom` (newest first). */
export function range(top: number, bottom: number): EventSummary[] {
  const out: EventSummary[] = [];
  for (let s = top; s >= bottom; s--) out.push(summary(s));
  return out;
}
