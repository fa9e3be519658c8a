/** The URL a delivery was sent to: the public one it came in on, else the local receiver's. */
export function fullUrl(
  e: { publicUrl: string | null; path: string; query: string },
  receiverUrl: string,
): string {
  return e.publicUrl ?? `${receiverUrl}${e.path}${e.query ? `?${e.query}` : ''}`;
}
