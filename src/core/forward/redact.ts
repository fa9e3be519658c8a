import type { SendResult } from './send';

/** What a secret is replaced with in anything a target answered. */
export const REDACTED = '[secret]';

/** The shortest start of a secret that is still taken out where an answer was cut off. */
const MIN_TAIL = 4;

/**
 * Takes every configured secret out of what a target answered before it is stored or returned:
 * a handler that echoes its request (headers, a token it was sent) must not put a GitLab token
 * or any other endpoint secret into the log, an answer or a push. One mechanism for check-up
 * answers, forward and replay attempts.
 */
export class Redactor {
  /** Each secret as it may come back: as set, trimmed, URL-encoded, JSON-escaped; longest first. */
  private readonly forms: string[];
  private readonly bytes: Buffer[];

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const s of secrets) {
      for (const v of [s, s.trim()]) {
        if (!v) continue;
        forms.add(v);
        forms.add(encodeURIComponent(v));
        forms.add(JSON.stringify(v).slice(1, -1));
      }
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    this.bytes = this.forms.map((f) => Buffer.from(f));
  }

  /** `text` with every secret replaced by `[secret]`. */
  text(text: string): string {
    let out = text;
    for (const f of this.forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }

  /**
   * `body` with every secret replaced; when the body was cut off (`truncated`), a start of a
   * secret at its very end (at least 4 bytes) goes too.
   */
  body(body: Buffer, truncated: boolean): Buffer {
    let out = body;
    for (const f of this.bytes) out = replaceAll(out, f);
    if (!truncated) return out;
    for (const f of this.bytes) {
      for (let n = Math.min(f.length - 1, out.length); n >= MIN_TAIL; n--) {
        if (out.subarray(out.length - n).equals(f.subarray(0, n))) {
          return Buffer.concat([out.subarray(0, out.length - n), Buffer.from(REDACTED)]);
        }
      }
    }
    return out;
  }

  /** A target's answer with every secret taken out of its headers, body and error. */
  result(r: SendResult): SendResult {
    if (this.forms.length === 0) return r;
    return {
      ...r,
      error: r.error === null ? null : this.text(r.error),
      headers: r.headers.map(([n, v]) => [this.text(n), this.text(v)]),
      body: this.body(r.body, r.truncated),
    };
  }
}

function replaceAll(haystack: Buffer, needle: Buffer): Buffer {
  let at = haystack.indexOf(needle);
  if (at === -1) return haystack;
  const parts: Buffer[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(haystack.subarray(from, at), Buffer.from(REDACTED));
    from = at + needle.length;
    at = haystack.indexOf(needle, from);
  }
  parts.push(haystack.subarray(from));
  return Buffer.concat(parts);
}
