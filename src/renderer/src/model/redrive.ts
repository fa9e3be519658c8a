import type { Output } from '../../../shared/contract';
import { formatCount } from '../format/format';

const forwards = (n: number): string => `${formatCount(n)} ${n === 1 ? 'forward' : 'forwards'}`;

/**
 * What a redrive did, in words: how many were queued again and where each went (the
 * endpoint's forward target as it is now), and which were refused again and why.
 */
export function redriveSummary(r: Output<'redriveDeadLetters'>): string {
  const byTarget = new Map<string, number>();
  const byReason = new Map<string, number>();
  for (const i of r.items) {
    if (i.refused === null) byTarget.set(i.targetUrl, (byTarget.get(i.targetUrl) ?? 0) + 1);
    else byReason.set(i.refused, (byReason.get(i.refused) ?? 0) + 1);
  }
  const to = [...byTarget].map(([url, n]) =>
    r.items.length === 1 ? `to ${url}` : `${n} to ${url}`,
  );
  let text = `Queued ${forwards(r.redriven)} again${to.length > 0 ? `: ${to.join(', ')}` : ''}.`;
  for (const [reason, n] of byReason) {
    text += ` ${n === r.items.length ? (n === 1 ? 'It was' : 'All were') : forwards(n)} refused again: ${reason}.`;
  }
  return text;
}
