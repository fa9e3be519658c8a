import type { Client } from '../shared/dispatch';
import { HookscopeError } from '../shared/errors';

/**
 * The endpoint `events trigger SAMPLE` sends to without --endpoint: the first one of the
 * sample's provider that has a secret (so the sample is signed), else the first of that
 * provider, else the default endpoint. `note` says which was chosen and why, for the output.
 */
export async function endpointForSample(
  client: Client,
  sampleId: string,
): Promise<{ endpointId: string | null; note: string }> {
  const sample = (await client.listSamples({})).items.find((s) => s.id === sampleId);
  if (!sample) {
    throw new HookscopeError(
      'not_found',
      `no sample "${sampleId}" (hookscope events samples lists them)`,
    );
  }
  const same = (await client.listEndpoints({})).items.filter((e) => e.provider === sample.provider);
  const signed = same.filter((e) => e.secretCount > 0);
  const chosen = signed[0] ?? same[0];
  if (!chosen) {
    return {
      endpointId: null,
      note: ` (no ${sample.provider} endpoint: the default endpoint; create one with its secret to sign)`,
    };
  }
  const others = (signed.length > 0 ? signed : same).length - 1;
  const why =
    signed.length > 0
      ? `the ${sample.provider} endpoint with a secret`
      : `the ${sample.provider} endpoint, which has no secret`;
  const more = others > 0 ? `; ${others} more match, give --endpoint ID for another` : '';
  return { endpointId: chosen.id, note: ` (endpoint "${chosen.name}": ${why}${more})` };
}
