/** The URL a delivery was sent to: the public one it came in on, else the local receiver's. */
export function fullUrl(
  e: { publicUrl: string | null; path: string; query: string },
  receiverUrl: string,
): string {
  return e.publicUrl ?? `${receiverUrl}${e.path}${e.query ? `?${e.query}` : ''}`;
}

/**
 * Where the sender sent it, as shown in the Overview: the public URL it came in on, else the
 * Host it named (the instance or the proxy that received it, which on a team server need not
 * be the one showing it), else the local receiver's. Display only: what the sender claimed.
 */
export function sentToUrl(
  e: { publicUrl: string | null; path: string; query: string; headers: [string, string][] },
  receiverUrl: string,
): string {
  if (e.publicUrl) return e.publicUrl;
  const header = (name: string): string | undefined =>
    e.headers.find(([k]) => k.toLowerCase() === name)?.[1]?.trim();
  const host = header('host');
  if (!host || /[\s/\\@?#]/.test(host)) return fullUrl(e, receiverUrl);
  const proto = header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'https' ? 'https' : 'http';
  return `${scheme}://${host}${e.path}${e.query ? `?${e.query}` : ''}`;
}
