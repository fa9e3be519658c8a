/** Case-insensitive read access to a raw header list (first value wins for `get`). */
export class HeaderBag {
  private readonly map = new Map<string, string[]>();

  constructor(readonly raw: [string, string][]) {
    for (const [n, v] of raw) {
      const k = n.toLowerCase();
      const list = this.map.get(k);
      if (list) list.push(v);
      else this.map.set(k, [v]);
    }
  }

  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.[0];
  }

  /** Every value of `name` in received order. */
  all(name: string): string[] {
    return this.map.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
}

/**
 * Returns `headers` with every header named in `names` removed and `set` appended, keeping the
 * order of everything else (used by sign()).
 */
export function replaceHeaders(
  headers: [string, string][],
  names: string[],
  set: [string, string][],
): [string, string][] {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return [...headers.filter(([n]) => !drop.has(n.toLowerCase())), ...set];
}
