import { genericHmac } from './generic-hmac';
import { github } from './github';
import { gitlab } from './gitlab';
import { hubspot } from './hubspot';
import { intercom } from './intercom';
import { jira } from './jira';
import { linear } from './linear';
import { slack } from './slack';
import type { SignatureScheme } from './types';
import { typeform } from './typeform';
import { vercel } from './vercel';
import { zoom } from './zoom';

/** Schemes of this group, most specific detection first. */
export const gitSaasSchemes: SignatureScheme[] = [
  github,
  gitlab,
  slack,
  linear,
  zoom,
  intercom,
  typeform,
  hubspot,
  vercel,
  jira,
  genericHmac,
];
