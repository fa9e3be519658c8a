import { BlockList, isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (a zone id is dropped), or null. */
function ipv6Groups(ip: string): number[] | null {
  const bare = ip.split('%')[0]!;
  if (isIP(bare) !== 6) return null;
  let head = bare;
  const tail: number[] = [];
  const lastColon = bare.lastIndexOf(':');
  if (bare.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 address (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two groups.
    const [a, b, c, d] = bare
      .slice(lastColon + 1)
      .split('.')
      .map(Number) as number[];
    tail.push((a! << 8) | b!, (c! << 8) | d!);
    head = bare.slice(0, bare.endsWith('::', lastColon + 1) ? lastColon + 1 : lastColon);
  }
  const hex = (s: string): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const gap = head.indexOf('::');
  if (gap === -1) return [...hex(head), ...tail];
  const left = hex(head.slice(0, gap));
  const right = [...hex(head.slice(gap + 2)), ...tail];
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:0:0/96`, any spelling) stands for. */
function mappedIpv4(groups: number[]): string | null {
  if (groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) return null;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * An IPv4-mapped IPv6 address as the IPv4 address it stands for (`::ffff:1.2.3.4` and
 * `::ffff:102:304` → `1.2.3.4`); other addresses as given; null for non-IPs.
 */
export function normalizeIp(ip: string | null): string | null {
  if (!ip) return null;
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return ip;
  if (family !== 6) return null;
  return mappedIpv4(ipv6Groups(ip)!) ?? ip;
}

/**
 * What per-client limits count a client address against: an IPv4 address, or the /64 an IPv6
 * address is in (one host or site gets a whole /64 and can rotate through it at will).
 * IPv4-mapped IPv6 addresses count as their IPv4 address. Null for non-IPs.
 */
export function clientKey(ip: string | null): string | null {
  const v = normalizeIp(ip);
  if (v === null || isIP(v) === 4) return v;
  const groups = ipv6Groups(v)!;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The larger IPv6 prefixes a client is also counted against, each with its share of the
 * per-client rate (×2 for the /56, ×4 for the /48): a site gets a /48 or /56 and could rotate
 * through its 65,536 or 256 /64s. Empty for IPv4 (and IPv4-mapped) addresses and non-IPs.
 */
export const CLIENT_GROUPS = [
  { bits: 56, share: 2 },
  { bits: 48, share: 4 },
] as const;

/** The `CLIENT_GROUPS` an address is in, as keys (`2001:db8:77::/48`) with their shares. */
export function clientGroups(ip: string | null): { key: string; share: number }[] {
  const v = normalizeIp(ip);
  if (v === null || isIP(v) === 4) return [];
  const groups = ipv6Groups(v)!;
  return CLIENT_GROUPS.map(({ bits, share }) => {
    const kept = groups.slice(0, Math.ceil(bits / 16));
    const last = kept.length - 1;
    if (bits % 16) kept[last] = kept[last]! & (0xffff << (16 - (bits % 16)));
    return { key: `${kept.map((g) => g.toString(16)).join(':')}::/${bits}`, share };
  });
}

const cache = new Map<string, BlockList>();

/** Builds a matcher for IPs and CIDRs (v4 and v6); throws on a malformed entry. */
export function blockList(entries: string[]): BlockList {
  const key = entries.join(',');
  const hit = cache.get(key);
  if (hit) return hit;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`"${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`"${entry}" has an invalid prefix length`);
      }
      list.addSubnet(addr!, prefix, type);
    }
  }
  cache.set(key, list);
  return list;
}

/** True when `ip` is one of the trusted proxies (IPs or CIDRs). */
export function isTrusted(ip: string, trusted: string[]): boolean {
  if (trusted.length === 0) return false;
  return blockList(trusted).check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** True for 127.0.0.0/8 and ::1, however spelled (this machine). */
export function isLoopback(ip: string | null): boolean {
  const v = normalizeIp(ip);
  if (v === null) return false;
  if (isIP(v) === 4) return v.startsWith('127.');
  return ipv6Groups(v)!.every((g, i) => g === (i === 7 ? 1 : 0));
}
