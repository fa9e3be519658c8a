import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { discord } from '../../../../src/core/signatures/discord';
import { header, withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

export const SIG = 'X-Signature-Ed25519';
export const TS = 'X-Signature-Timestamp';

export const mine = generateKeyPairSync('ed25519');
export const theirs = generateKeyPairSync('ed25519');
/** The developer portal shows the application's public key as 64 hex digits (raw key). */
export const hex = (k: KeyObject) =>
  k.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
export const secret = hex(mine.publicKey);
export const other = hex(theirs.publicKey);
export const body = JSON.stringify({
  id: '1186744735513862234',
  application_id: '1080000000000000000',
  type: 2,
  token: 'aW50ZXJhY3Rpb246MTE4Njc0NDczNTUxMzg2MjIzNA',
  data: { id: '1', name: 'ping', type: 1 },
  version: 1,
});

/** Signed independently with node:crypto (Ed25519 over timestamp + body, hex). */
export function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const ts = String(Math.floor(at / 1000));
  const key = (which === 'secret' ? mine : theirs).privateKey;
  return input({
    body,
    headers: [
      ['Content-Type', 'application/json'],
      [SIG, cryptoSign(null, Buffer.from(ts + body), key).toString('hex')],
      [TS, ts],
      ['User-Agent', 'Discord-Interactions/1.0 (+https://discord.com)'],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: discord,
  secret,
  other,
  signed,
  padded: ` ${secret.toUpperCase()}\r\n`,
  unsign: (req) => withHeader(withHeader(req, SIG, null), TS, null),
  malformed: {
    make: (req) => withHeader(req, SIG, header(req, SIG).slice(2)),
    reason: '128 hex digits',
  },
};
