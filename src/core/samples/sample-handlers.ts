import type { FeatureHandlers } from '../../shared/dispatch';
import type { samplesCommands } from '../../shared/samples-contract';
import { SAMPLES } from './catalogue';
import { sendSample } from './send-sample';

/** The sample deliveries: listed, and sent signed to an endpoint through the receiver. */
export function createSampleHandlers(
  deps: Parameters<typeof sendSample>[0],
): FeatureHandlers<typeof samplesCommands> {
  return {
    listSamples: () => ({
      items: SAMPLES.map(({ id, provider, title }) => ({ id, provider, title })),
    }),
    sendSample: (input) => sendSample(deps, input),
  };
}
