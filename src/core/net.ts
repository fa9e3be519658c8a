import { BlockList, isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix (`::ffff:1.2.3.4` → `1.2.3.4`); null for non-IPs. */
export function normalizeIp(ip: string | null): string | null {
  if (!ip) return null;
  const v = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(v) ? v : null;
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

/** True for 127.0.0.0/8 and ::1 (this machine). */
export function isLoopback(ip: string | null): boolean {
  return ip !== null && (ip === '::1' || ip.startsWith('127.'));
}
