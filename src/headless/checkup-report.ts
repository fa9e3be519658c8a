import type { Checkup, ProbeVerdict } from '../shared/checkup';

const MARK: Record<ProbeVerdict, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };
const WIDTH = 100;
const INDENT = ' '.repeat(14);

/** Words of `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/**
 * The check-up as a terminal report: target and score, then one line per probe
 * (✓ pass, ✗ fail, ! warn, – skipped) with what happened, and the fix under each problem.
 */
export function formatReport(c: Checkup): string {
  const failed = c.probes.filter((p) => p.mustPass && p.verdict === 'fail').map((p) => p.id);
  const seconds = ((c.finishedAt - c.startedAt) / 1000).toFixed(1);
  const out = [
    `Check-up of ${c.target} as ${c.provider} (sample ${c.sample})`,
    `Score ${c.score}/100 · ${c.passed ? 'PASSED' : `FAILED (must pass: ${failed.join(', ')})`} · ${c.requests} requests in ${seconds} s`,
    '',
  ];
  for (const p of c.probes) {
    const head = `${MARK[p.verdict]} ${p.id.padEnd(10)}  `;
    out.push(wrap(`${p.title} — ${p.summary}`, INDENT).replace(INDENT, head));
    if (p.fix) out.push(wrap(`Fix: ${p.fix}`, INDENT));
  }
  return out.join('\n');
}
