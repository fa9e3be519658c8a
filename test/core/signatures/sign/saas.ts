import { createHmac } from 'node:crypto';
import { genericHmac } from '../../../../src/core/signatures/generic-hmac';
import { github } from '../../../../src/core/signatures/github';
import { gitlab } from '../../../../src/core/signatures/gitlab';
import { hubspot } from '../../../../src/core/signatures/hubspot';
import { intercom } from '../../../../src/core/signatures/intercom';
import { jira } from '../../../../src/core/signatures/jira';
import { linear } from '../../../../src/core/signatures/linear';
import { slack } from '../../../../src/core/signatures/slack';
import { typeform } from '../../../../src/core/signatures/typeform';
import type { SignatureInput, SignatureScheme } from '../../../../src/core/signatures/types';
import { vercel } from '../../../../src/core/signatures/vercel';
import { zoom } from '../../../../src/core/signatures/zoom';
import type { GenericHmacConfig } from '../../../../src/shared/model';
import { input } from '../helpers';
import { header, withHeader, type VerdictFixture } from '../verdict-suite';

// Fixtures of the shared verdict suite for the git/SaaS providers: each delivery is signed by
// the provider's documented recipe (node:crypto), independently of the scheme's own sign().

const body = '{"id":"evt_1","event_id":"ev_1","type":"thing.happened","text":"héllo ✓"}';
const SECRET = 'provider-secret-0123456789';
const OTHER = 'another-secret-9876543210';
const keyOf = (which: 'secret' | 'other' = 'secret') => (which === 'secret' ? SECRET : OTHER);
const mac = (alg: string, key: string, data: string, enc: 'hex' | 'base64' = 'hex') =>
  createHmac(alg, key).update(data).digest(enc);

/** A provider that signs the raw body into one header (`prefix` + digest), with no timestamp. */
function bodyFixture(
  scheme: SignatureScheme,
  o: {
    sig: string;
    alg: string;
    prefix: string;
    enc?: 'hex' | 'base64';
    extra?: [string, string][];
  },
): VerdictFixture {
  return {
    scheme,
    secret: SECRET,
    other: OTHER,
    signed: (_at, which) =>
      input({
        body,
        headers: [
          ...(o.extra ?? []),
          [o.sig, `${o.prefix}${mac(o.alg, keyOf(which), body, o.enc)}`],
        ],
      }),
    unsign: (req) => withHeader(req, o.sig, null),
    malformed: { make: (req) => withHeader(req, o.sig, `${o.prefix}zz`), reason: o.sig },
    extraSignature: (req) =>
      withHeader(
        req,
        o.sig,
        `${o.prefix}${'0'.repeat(o.alg === 'sha1' ? 40 : 64)},${header(req, o.sig)}`,
      ),
  };
}

/** Slack's and Zoom's `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`, timestamp in seconds. */
function v0Fixture(scheme: SignatureScheme, sig: string, ts: string): VerdictFixture {
  return {
    scheme,
    secret: SECRET,
    other: OTHER,
    signed: (at, which) => {
      const t = String(Math.floor(at / 1000));
      return input({
        body,
        headers: [
          [ts, t],
          [sig, `v0=${mac('sha256', keyOf(which), `v0:${t}:${body}`)}`],
        ],
      });
    },
    unsign: (req) => withHeader(req, sig, null),
    malformed: { make: (req) => withHeader(req, sig, 'v1=abc'), reason: sig },
    extraSignature: (req) => withHeader(req, sig, `v0=${'0'.repeat(64)},${header(req, sig)}`),
  };
}

const linearBody = (ms: number) =>
  JSON.stringify({ action: 'create', type: 'Issue', data: { id: 'a' }, webhookTimestamp: ms });

const hubspotUrl = 'https://abc123.ngrok.app/hubspot/webhook?portal=62515';

/** Generic HMAC settings like GitHub's: `sha256=` + hex HMAC-SHA256 of the body in X-Signature. */
export const bodyOnly: GenericHmacConfig = {
  header: 'X-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  signed: 'body',
  separator: '.',
  timestampUnit: 's',
};

const gitlabToken = (req: SignatureInput, t: string | null) => withHeader(req, 'X-Gitlab-Token', t);

export const saasFixtures = {
  github: bodyFixture(github, {
    sig: 'X-Hub-Signature-256',
    alg: 'sha256',
    prefix: 'sha256=',
    extra: [
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
    ],
  }),
  gitlab: {
    scheme: gitlab,
    secret: 'glpat-like-secret-token',
    other: 'some-other-token',
    signed: (_at, which) =>
      gitlabToken(
        input({ body, headers: [['X-Gitlab-Event', 'Push Hook']] }),
        which === 'other' ? 'some-other-token' : 'glpat-like-secret-token',
      ),
    // A plain token: it covers nothing, so there is nothing to tamper with.
    tamper: null,
    unsign: (req) => gitlabToken(req, null),
    malformed: { make: (req) => gitlabToken(req, ' '), reason: 'it is empty' },
  },
  slack: v0Fixture(slack, 'X-Slack-Signature', 'X-Slack-Request-Timestamp'),
  zoom: v0Fixture(zoom, 'x-zm-signature', 'x-zm-request-timestamp'),
  linear: {
    scheme: linear,
    secret: SECRET,
    other: OTHER,
    signed: (at, which) => {
      const b = linearBody(at);
      return input({ body: b, headers: [['Linear-Signature', mac('sha256', keyOf(which), b)]] });
    },
    unsign: (req) => withHeader(req, 'Linear-Signature', null),
    malformed: {
      make: (req) => withHeader(req, 'Linear-Signature', 'zz'),
      reason: 'Linear-Signature',
    },
  },
  intercom: bodyFixture(intercom, {
    sig: 'X-Hub-Signature',
    alg: 'sha1',
    prefix: 'sha1=',
    extra: [['User-Agent', 'Intercom-Webhooks-Bot']],
  }),
  typeform: bodyFixture(typeform, {
    sig: 'Typeform-Signature',
    alg: 'sha256',
    prefix: 'sha256=',
    enc: 'base64',
  }),
  hubspot: {
    scheme: hubspot,
    secret: SECRET,
    other: OTHER,
    signed: (at, which) => {
      const ts = String(at);
      return input({
        body,
        url: hubspotUrl,
        headers: [
          [
            'X-HubSpot-Signature-v3',
            mac('sha256', keyOf(which), `POST${hubspotUrl}${body}${ts}`, 'base64'),
          ],
          ['X-HubSpot-Request-Timestamp', ts],
        ],
      });
    },
    unsign: (req) => withHeader(req, 'X-HubSpot-Signature-v3', null),
    malformed: {
      make: (req) => withHeader(req, 'X-HubSpot-Signature-v3', '@@'),
      reason: 'X-HubSpot-Signature-v3',
    },
  },
  vercel: bodyFixture(vercel, { sig: 'x-vercel-signature', alg: 'sha1', prefix: '' }),
  jira: bodyFixture(jira, {
    sig: 'X-Hub-Signature',
    alg: 'sha256',
    prefix: 'sha256=',
    extra: [['X-Atlassian-Webhook-Identifier', '1234-5678-abcd']],
  }),
  'generic-hmac': {
    ...bodyFixture(genericHmac, { sig: 'X-Signature', alg: 'sha256', prefix: 'sha256=' }),
    hmac: bodyOnly,
    weakness: 'no timestamp is signed, so a captured request can be replayed',
  },
} satisfies Record<string, VerdictFixture>;
