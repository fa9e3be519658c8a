import { describe, expect, it } from 'vitest';
import {
  cidrProblem,
  ipBytes,
  validateTunnelOptions,
} from '../../../src/core/tunnel/validate-options';
import { HookscopeError } from '../../../src/shared/errors';
import { TunnelOptions, TunnelOptionsPatch } from '../../../src/shared/model';

function issues(input: unknown): string[] {
  const r = TunnelOptionsPatch.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('tunnel option syntax (zod)', () => {
  it('accepts a full, valid set', () => {
    const ok = {
      domain: '*.dev.example.com',
      region: 'us-cal-1',
      basicAuth: 'user:pa:ss:word',
      allowCidrs: ['0.0.0.0/0', '::/0'],
      denyCidrs: ['198.51.100.0/24'],
      webhookVerification: { provider: 'stripe', secret: 'whsec_x' },
      oauth: { provider: 'github', allowEmails: ['a@example.com'], allowDomains: ['example.com'] },
    };
    expect(issues(ok)).toEqual([]);
    expect(TunnelOptions.safeParse(ok).success).toBe(true);
  });

  it.each([
    [{ domain: 'https://x.ngrok.app' }, 'domain: must be a host name'],
    [{ domain: 'x.ngrok.app/path' }, 'domain: must be a host name'],
    [{ domain: 'localhost' }, 'domain: must be a host name'],
    [{ domain: 'x.ngrok.app:443' }, 'domain: must be a host name'],
    [{ allowCidrs: ['10.0.0.0'] }, 'allowCidrs.0: must be a CIDR range'],
    [{ allowCidrs: ['10.0.0.0/33'] }, 'allowCidrs.0: must be a CIDR range'],
    [{ denyCidrs: ['300.1.1.1/8'] }, 'denyCidrs.0: must be a CIDR range'],
    [{ denyCidrs: ['2001:db8::/129'] }, 'denyCidrs.0: must be a CIDR range'],
    [{ basicAuth: 'justuser' }, 'basicAuth: basic auth must be user:password (no colon found)'],
    [{ basicAuth: ':password123' }, 'basicAuth: basic auth needs a user name'],
    [{ basicAuth: 'u:short' }, 'basicAuth: the basic auth password must be 8 to 128 characters'],
    [{ basicAuth: `u:${'x'.repeat(129)}` }, 'basicAuth: the basic auth password must be 8 to 128'],
    [{ region: 'mars' }, 'region:'],
    [{ oauth: { provider: 'myspace' } }, 'oauth.provider:'],
    [{ oauth: { provider: 'google', allowEmails: ['not-an-email'] } }, 'oauth.allowEmails.0:'],
    [{ oauth: { provider: 'google', allowDomains: ['*.example.com'] } }, 'must be an email domain'],
    [
      { webhookVerification: { provider: 'Git Hub!', secret: 's' } },
      'webhookVerification.provider:',
    ],
    [{ webhookVerification: { provider: 'github', secret: '' } }, 'webhookVerification.secret:'],
    [{ subdomain: 'x' }, 'Unrecognized key'],
  ])('rejects %j', (input, message) => {
    expect(issues(input).join('\n')).toContain(message);
  });
});

describe('tunnel option checks (node:net)', () => {
  it('points out bits set past the prefix, with the range meant', () => {
    expect(cidrProblem('10.0.0.1/8')).toBe(
      '10.0.0.1/8 has address bits set past /8; the range is 10.0.0.0/8',
    );
    expect(cidrProblem('2001:db8::1/32')).toBe(
      '2001:db8::1/32 has address bits set past /32; the range is 2001:db8::/32',
    );
    expect(cidrProblem('203.0.113.0/24')).toBeNull();
    expect(cidrProblem('::ffff:192.0.2.0/120')).toBeNull();
    expect(cidrProblem('0.0.0.0/0')).toBeNull();
  });

  it('reads IPv6 forms to bytes', () => {
    expect(ipBytes('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(ipBytes('::ffff:1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(ipBytes('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(ipBytes('1::2::3')).toBeNull();
  });

  it('rejects duplicates and a range both allowed and denied, all at once', () => {
    let err: unknown;
    try {
      validateTunnelOptions(
        {
          allowCidrs: ['10.0.0.0/8', '10.0.0.0/8', '2001:db8::/32'],
          denyCidrs: ['2001:0db8:0::/32', '192.168.1.1/24'],
        },
        ['options'],
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HookscopeError);
    expect((err as HookscopeError).code).toBe('bad_input');
    expect((err as HookscopeError).issues).toEqual([
      { path: ['options', 'allowCidrs', 1], message: '10.0.0.0/8 is listed twice' },
      {
        path: ['options', 'denyCidrs', 0],
        message: '2001:0db8:0::/32 is in both allowCidrs and denyCidrs',
      },
      {
        path: ['options', 'denyCidrs', 1],
        message: '192.168.1.1/24 has address bits set past /24; the range is 192.168.1.0/24',
      },
    ]);
  });
});
