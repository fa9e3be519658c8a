import type { Output } from '../../../shared/contract';
import { formatCount } from '../format/format';

const forwards = (n: number): string => `${formatCount(n)} ${n === 1 ? 'forward' : 'forwards'}`;

/**
 * What a redrive did, in words: how many were queued again and where each went (the
 * endpoint's forward target as it is now), which were refused again and why, which are
 * re-signed, and which go with an original signature that may be stale.
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
  const resigned = r.items.filter((i) => i.resigned).length;
  if (resigned > 0) {
    text += ` ${resigned === r.items.length ? (resigned === 1 ? 'It is' : 'All are') : `${forwards(resigned)} ${resigned === 1 ? 'is' : 'are'}`} signed again with the endpoint's secret at each attempt.`;
  }
  const warnings = new Map<string, number>();
  for (const i of r.items)
    if (i.warning) warnings.set(i.warning, (warnings.get(i.warning) ?? 0) + 1);
  // Each warning is about one delivery ("its signature"): a group is named, then the warning.
  for (const [warning, n] of warnings) {
    const who = n === 1 ? (r.items.length === 1 ? 'It is' : `${forwards(1)} is`) : null;
    text += who
      ? ` ${who} ${warning}.`
      : ` ${n === r.items.length ? 'Each' : `Each of ${formatCount(n)}`} is ${warning}.`;
  }
  return text;
}
