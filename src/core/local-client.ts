import { createClient, dispatch, type Client, type Handlers } from '../shared/dispatch';
import type { LiveBus } from './live-bus';

/**
 * The engine's client in process: the same typed `Client` the UI has over IPC or HTTP, with
 * each command's input parsed by the contract (defaults applied, bad input a `bad_input`
 * error) and `on` subscribed to the live bus.
 */
export function localClient(handlers: Handlers, bus: LiveBus): Client {
  return createClient({
    invoke: (name, input) => dispatch(handlers, name, input),
    on: (event, listener) =>
      bus.subscribe((push) => {
        if (push.name === event) listener(push.payload);
      }),
  });
}
