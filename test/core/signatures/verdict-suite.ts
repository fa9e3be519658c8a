import { expect, it } from 'vitest';
import { HeaderBag } from '../../../src/core/signatures/headers';
import type { SignatureInput, SignatureScheme } from '../../../src/core/signatures/types';
import type { GenericHmacConfig } from '../../../src/shared/model';
import { NOW, verify } from './helpers';

/** `req` with header `name` set to `value` (replacing every spelling), or removed when null. */
export function withHeader(
  req: SignatureInput,
  name: string,
  value: string | null,
): SignatureInput {
  const rest = req.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  return { ...req, headers: value === null ? rest : [...rest, [name, value]] };
}

/** The value of header `name` in `req` (case-insensitive). */
export function header(req: SignatureInput, name: string): string {
  const v = new HeaderBag(req.headers).get(name);
  if (v === undefined) throw new Error(`no ${name} header`);
  return v;
}

/** `req` with one byte appended to the body. */
export function tamperBody(req: SignatureInput): SignatureInput {
  return { ...req, body: Buffer.concat([req.body, Buffer.from(' ')]) };
}

export interface VerdictFixture {
  scheme: SignatureScheme;
  /** The configured secret (for Ed25519/ECDSA providers: the public key). */
  secret: string;
  /** A different, well-formed secret that did not sign anything. */
  other: string;
  /**
   * A delivery signed at `at` (ms) with `secret` (or `other`), produced independently of the
   * scheme's own sign() (by the provider's SDK or the documented recipe).
   */
  signed: (at: number, which?: 'secret' | 'other') => SignatureInput;
  /**
   * Changes what the signature covers; defaults to appending a byte to the body. `null` for a
   * plain token that covers nothing (GitLab's X-Gitlab-Token).
   */
  tamper?: ((req: SignatureInput) => SignatureInput) | null;
  /** The weakness verdicts state, where the settings decide it (generic-hmac); else the scheme's. */
  weakness?: string;
  /** The endpoint's generic HMAC settings (generic-hmac only). */
  hmac?: GenericHmacConfig;
  /** Removes the signature. */
  unsign: (req: SignatureInput) => SignatureInput;
  /** Makes the signature unparseable; `reason` is a fragment the verdict must contain. */
  malformed: { make: (req: SignatureInput) => SignatureInput; reason: string | RegExp };
  /** Adds a second, wrong signature next to the real one, where the scheme allows several. */
  extraSignature?: (req: SignatureInput) => SignatureInput;
  /** The secret with surrounding whitespace as pasted (defaults to spaces and a newline). */
  padded?: string;
}

/**
 * The verdict checks every provider must pass, run for every scheme of the catalogue by
 * verdicts.test.ts (valid, invalid, stale, missing, malformed...). */
export function verdictSuite(f: VerdictFixture): void {
  const { scheme } = f;
  const tol = scheme.defaultToleranceSec;
  const weakness = f.weakness ?? scheme.weakness;
  const check = (
    req: SignatureInput,
    secrets: string[],
    opts: { now?: number; toleranceSec?: number } = {},
  ) => verify(scheme, req, secrets, { ...opts, hmac: f.hmac ?? null });

  it('valid with the right secret, naming no rotation', () => {
    const v = check(f.signed(NOW), [f.secret]);
    expect(v.status).toBe('valid');
    expect(v.reason).toContain('the configured secret');
    if (weakness) expect(v.reason).toContain(weakness);
  });

  const tamper = f.tamper === undefined ? tamperBody : f.tamper;
  if (tamper) {
    it('invalid when the signed content was changed', () => {
      const v = check(tamper(f.signed(NOW)), [f.secret]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toMatch(/No signature in .* matches the configured secret/);
    });
  } else {
    it('a plain token covers nothing: a changed body stays valid, and the weakness says so', () => {
      const v = check(tamperBody(f.signed(NOW)), [f.secret]);
      expect(v.status).toBe('valid');
      expect(v.reason).toContain('Weak scheme: a plain token');
    });
  }

  it('invalid with the wrong secret', () => {
    const v = check(f.signed(NOW), [f.other]);
    expect(v.status).toBe('invalid');
    expect(check(f.signed(NOW, 'other'), [f.other]).status).toBe('valid');
  });

  it('valid with rotated secrets when the second matches, and the reason names it', () => {
    const v = check(f.signed(NOW), [f.other, f.secret]);
    expect(v).toMatchObject({ status: 'valid', reason: expect.stringContaining('secret #2 of 2') });
    const none = check(f.signed(NOW), [f.other, f.other]);
    expect(none.status).toBe('invalid');
    expect(none.reason).toContain('any of the 2 configured secrets');
  });

  it('verifies a secret pasted with surrounding whitespace (trimmed like the inspector)', () => {
    const padded = f.padded ?? `  ${f.secret}\n`;
    expect(check(f.signed(NOW), [padded]).status).toBe('valid');
  });

  if (f.extraSignature) {
    const extra = f.extraSignature;
    it('accepts any of several signatures in one delivery', () => {
      const req = extra(f.signed(NOW));
      expect(check(req, [f.secret]).status).toBe('valid');
      expect(check(req, [f.other]).status).toBe('invalid');
    });
  }

  if (tol !== null) {
    it(`stale when too old, future (clock skew) when ahead, with the age and the ${tol} s tolerance`, () => {
      const ageSec = tol + 300;
      const old = check(f.signed(NOW - ageSec * 1000), [f.secret]);
      expect(old.status).toBe('stale');
      expect(old.reason).toContain(`${ageSec} s old`);
      expect(old.reason).toContain(`${tol} s tolerance`);
      const future = check(f.signed(NOW + ageSec * 1000), [f.secret]);
      expect(future.status).toBe('future');
      expect(future.reason).toContain('from the future (clock skew)');
      expect(future.reason).toContain(`${ageSec} s in the future`);
      expect(future.reason).not.toMatch(/too old|stale/);
      // Inside the tolerance, and with a wider endpoint tolerance, it is valid.
      expect(check(f.signed(NOW - tol * 1000), [f.secret]).status).toBe('valid');
      expect(
        check(f.signed(NOW - ageSec * 1000), [f.secret], { toleranceSec: ageSec }).status,
      ).toBe('valid');
    });

    it('a stale delivery with the wrong secret is invalid and still mentions the age', () => {
      const v = check(f.signed(NOW - (tol + 300) * 1000), [f.other]);
      expect(v.status).toBe('invalid');
      expect(v.reason).toContain(`${tol + 300} s old`);
    });
  } else {
    it('has no timestamp: an old delivery stays valid and the weakness is stated', () => {
      expect(check(f.signed(NOW - 86_400_000), [f.secret]).status).toBe('valid');
      expect(weakness).toMatch(f.tamper === null ? /plain token/ : /no timestamp/);
    });
  }

  it('missing when the signature is absent', () => {
    const v = check(f.unsign(f.signed(NOW)), [f.secret]);
    expect(v.status).toBe('missing');
    expect(v.reason.length).toBeGreaterThan(10);
  });

  it('no-secret when signed but nothing is configured (blank secrets count as none)', () => {
    expect(check(f.signed(NOW), []).status).toBe('no-secret');
    expect(check(f.signed(NOW), ['   ']).status).toBe('no-secret');
  });

  it('invalid with a reason for a malformed signature', () => {
    const v = check(f.malformed.make(f.signed(NOW)), [f.secret]);
    expect(v.status).toBe('invalid');
    expect(v.reason).toMatch(/^Malformed /);
    if (typeof f.malformed.reason === 'string') expect(v.reason).toContain(f.malformed.reason);
    else expect(v.reason).toMatch(f.malformed.reason);
  });
}
