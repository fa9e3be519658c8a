import { Webhook } from 'standardwebhooks';
import type { SignatureScheme } from '../../../../src/core/signatures/types';
import { input } from '../helpers';
import { header, withHeader, type VerdictFixture } from '../verdict-suite';

const secret = 'whsec_' + Buffer.from('a-32-byte-test-secret-for-hooks!').toString('base64');
const other = 'whsec_' + Buffer.from('another-32-byte-secret-for-hooks').toString('base64');
const body = '{"id":"evt_1","type":"batch.completed","data":{"id":"batch_1"}}';

/**
 * A Standard Webhooks delivery signed by the standardwebhooks library (the spec's reference
 * implementation), under `webhook-` or Svix's `svix-` headers.
 */
export function standardFixture(
  scheme: SignatureScheme,
  prefix: 'webhook' | 'svix',
): VerdictFixture {
  const sig = `${prefix}-signature`;
  return {
    scheme,
    secret,
    other,
    signed: (at, which = 'secret') =>
      input({
        body,
        headers: [
          [`${prefix}-id`, 'msg_2b6Wq3ZtQ1'],
          [`${prefix}-timestamp`, String(Math.floor(at / 1000))],
          [
            sig,
            new Webhook(which === 'secret' ? secret : other).sign(
              'msg_2b6Wq3ZtQ1',
              new Date(at),
              body,
            ),
          ],
          ['Content-Type', 'application/json'],
        ],
      }),
    unsign: (req) => withHeader(req, sig, null),
    malformed: { make: (req) => withHeader(req, sig, 'v1,@@@'), reason: sig },
    extraSignature: (req) =>
      withHeader(req, sig, `v1,${Buffer.alloc(32).toString('base64')} ${header(req, sig)}`),
  };
}
