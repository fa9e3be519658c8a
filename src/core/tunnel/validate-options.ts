import { BlockList, isIPv4 } from 'node:net';
import { HookscopeError } from '../../shared/errors';
import type { TunnelOptions } from '../../shared/model';

type Issue = { path: (string | number)[]; message: string };

/**
 * Checks what the zod schema cannot: each CIDR is accepted by node:net's BlockList, has no
 * bits set past its prefix (`10.0.0.1/8` is almost always a typo for `10.0.0.0/8`, and ngrok
 * would silently widen it), and appears once, in one list only. Throws HookscopeError
 * `bad_input` (HTTP 400) listing every problem; returns the options unchanged otherwise.
 */
export function validateTunnelOptions(options: TunnelOptions, at: string[] = []): TunnelOptions {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const list of ['allowCidrs', 'denyCidrs'] as const) {
    (options[list] ?? []).forEach((cidr, i) => {
      const path = [...at, list, i];
      const problem = cidrProblem(cidr);
      if (problem) return void issues.push({ path, message: problem });
      const key = canonicalCidr(cidr);
      const before = seen.get(key);
      if (before === list) issues.push({ path, message: `${cidr} is listed twice` });
      else if (before) {
        issues.push({ path, message: `${cidr} is in both allowCidrs and denyCidrs` });
      }
      seen.set(key, list);
    });
  }
  if (issues.length > 0) {
    throw new HookscopeError(
      'bad_input',
      `invalid tunnel options: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  return options;
}

/** Why `cidr` is not a usable network range, or null when it is. */
export function cidrProblem(cidr: string): string | null {
  const slash = cidr.lastIndexOf('/');
  const addr = cidr.slice(0, slash);
  const prefix = Number(cidr.slice(slash + 1));
  const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
  try {
    new BlockList().addSubnet(addr, prefix, type);
  } catch (err) {
    return `${cidr} is not a valid range: ${(err as Error).message}`;
  }
  const bytes = ipBytes(addr);
  if (!bytes) return `${cidr} is not a valid range`;
  const network = maskBytes(bytes, prefix);
  if (network.some((b, i) => b !== bytes[i])) {
    return `${cidr} has address bits set past /${prefix}; the range is ${formatIp(network, type)}/${prefix}`;
  }
  return null;
}

/** One spelling per range, so `2001:db8::/32` and `2001:0db8:0::/32` compare equal. */
function canonicalCidr(cidr: string): string {
  const slash = cidr.lastIndexOf('/');
  const addr = cidr.slice(0, slash);
  return `${(ipBytes(addr) ?? []).join('.')}/${cidr.slice(slash + 1)}`;
}

/** The 4 or 16 bytes of an IP address; null when it is not one. */
export function ipBytes(ip: string): number[] | null {
  if (isIPv4(ip)) return ip.split('.').map(Number);
  let text = ip;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    if (!isIPv4(v4[1]!)) return null;
    tail.push(...v4[1]!.split('.').map(Number));
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const all = [...head, ...Array<string>(fill).fill('0'), ...rest];
  const out: number[] = [];
  for (const w of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(w)) return null;
    const n = parseInt(w, 16);
    out.push(n >> 8, n & 0xff);
  }
  if (tail.length) out.splice(12, 4, ...tail);
  return out;
}

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

function formatIp(bytes: number[], type: 'ipv4' | 'ipv6'): string {
  if (type === 'ipv4') return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero words, as RFC 5952 asks.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at === -1) return words.join(':');
  const left = words.slice(0, best.at).join(':');
  const right = words.slice(best.at + best.len).join(':');
  return `${left}::${right}`;
}
