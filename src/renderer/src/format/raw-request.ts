/**
 * The request as it arrived on the wire: request line, headers in received order, a blank
 * line, then the body text (or a note for binary bodies, which the hex view shows).
 */
export function rawRequest(e: {
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  body: { size: number; text?: string | undefined };
}): string {
  const target = e.query ? `${e.path}?${e.query}` : e.path;
  const head = [`${e.method} ${target} HTTP/1.1`, ...e.headers.map(([n, v]) => `${n}: ${v}`)];
  const body =
    e.body.text ?? (e.body.size > 0 ? `[${e.body.size} bytes of binary data: see Body]` : '');
  return `${head.join('\n')}\n\n${body}`;
}
