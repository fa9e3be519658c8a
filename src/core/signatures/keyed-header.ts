import { fromHex } from './crypto';

/** A `t=<unix s>,v1=<hex>` style signature header, read. */
export interface KeyedSignatureHeader {
  ts: string | undefined;
  /** The timestamp in ms when it is Unix seconds, else undefined. */
  tsMs: number | undefined;
  /** Well-formed HMAC-SHA256 signatures (32 bytes each); several while a secret rotates. */
  signatures: Buffer[];
  /** What is wrong with the header, in words; undefined when it can be checked. */
  malformed: string | undefined;
}

/**
 * Reads the timestamped header Stripe (`t=…,v1=…`) and Paddle (`ts=…;h1=…`) use: `key=value`
 * items split on `separator`, the timestamp under `tsKey`, each signature (64 hex digits)
 * under `sigKey`; unknown keys (Stripe's test-mode v0) are ignored. Strict, like their SDKs.
 */
export function parseKeyedSignatureHeader(
  header: string,
  o: { separator: string; tsKey: string; sigKey: string },
): KeyedSignatureHeader {
  const example = `${o.tsKey}=<unix seconds>${o.separator}${o.sigKey}=<hex>`;
  let ts: string | undefined;
  const signatures: Buffer[] = [];
  const bad: string[] = [];
  for (const item of header.split(o.separator)) {
    const eq = item.indexOf('=');
    if (eq === -1) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === o.tsKey) ts = value;
    else if (key === o.sigKey) {
      const sig = fromHex(value);
      if (sig && sig.length === 32) signatures.push(sig);
      else bad.push(JSON.stringify(value.slice(0, 40)));
    }
  }
  const okTs = ts !== undefined && /^\d{1,12}$/.test(ts);
  let malformed: string | undefined;
  if (ts === undefined) malformed = `no ${o.tsKey}=<timestamp> in it (expected "${example}")`;
  else if (!okTs) {
    malformed = `${o.tsKey}= must be Unix seconds, got ${JSON.stringify(ts.slice(0, 40))}`;
  } else if (signatures.length === 0) {
    malformed =
      bad.length > 0
        ? `${o.sigKey}= must be 64 hex digits, got ${bad.slice(0, 3).join(', ')}`
        : `no ${o.sigKey}=<signature> in it (expected "${example}")`;
  }
  return { ts, tsMs: okTs ? Number(ts) * 1000 : undefined, signatures, malformed };
}
