import type { Handlers } from '../../shared/dispatch';
import { SAMPLES } from './catalogue';
import { sendSample } from './send-sample';

/** The sample deliveries: listed, and sent signed to an endpoint through the receiver. */
export function createSampleHandlers(
  deps: Parameters<typeof sendSample>[0],
): Pick<Handlers, 'listSamples' | 'sendSample'> {
  return {
    listSamples: () => ({
      items: SAMPLES.map(({ id, provider, title }) => ({ id, provider, title })),
    }),
    sendSample: (input) => sendSample(deps, input),
  };
}
