import { describe, expect, it } from 'vitest';
import { signatureHelp, signaturePill } from '../../src/renderer/src/format/signature-help';
import { SignatureStatus } from '../../src/shared/model';

describe('signature wording', () => {
  it('says "from the future (clock skew)" for a future timestamp and "too old" only for old ones', () => {
    const future = signatureHelp('future', 'stripe');
    expect(future.title).toBe('Signature from the future (clock skew)');
    expect(`${future.label} ${future.meaning} ${future.action}`).not.toMatch(/too old|stale/i);
    expect(signaturePill('future')).toEqual({ label: 'signature from the future', tone: 'warn' });
    expect(signatureHelp('stale', 'stripe').title).toBe('Stale signature (too old)');
    expect(signatureHelp('stale', 'stripe').meaning).toContain('older than');
  });

  it('names each verdict with one word on the pill, the filter and the card (issue 14 #9)', () => {
    expect(signaturePill('invalid')?.label).toBe('invalid signature');
    expect(signatureHelp('invalid', 'stripe')).toMatchObject({
      label: 'invalid signature',
      title: 'Invalid signature',
    });
    for (const status of SignatureStatus.options) {
      const pill = signaturePill(status);
      const help = signatureHelp(status, null);
      if (pill) expect(pill.label).toBe(help.label);
      expect(help.title.toLowerCase()).toContain(help.label);
    }
  });

  it('has words for every status', () => {
    for (const status of SignatureStatus.options) {
      expect(signatureHelp(status, null).title.length).toBeGreaterThan(3);
    }
  });
});
