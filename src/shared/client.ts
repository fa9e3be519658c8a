import type { CommandName, PushName } from './contract';
import type { Client, Transport } from './dispatch';
import { HookscopeError, isErrorBody } from './errors';

/**
 * Builds the typed proxy over a Transport; errors from the transport are rethrown as
 * HookscopeError. Free of zod (only types from the contract), so the UI's first screen does
 * not load the schemas; `isCommand` tells a command name from anything else asked of the
 * proxy (dispatch.ts's `createClient` passes the contract's own check).
 */
export function makeClient(
  transport: Transport,
  isCommand: (name: string) => boolean = (name) => name !== 'then',
): Client {
  return new Proxy({} as Client, {
    get(_target, prop) {
      if (prop === 'on') {
        return (event: PushName, listener: (payload: unknown) => void) =>
          transport.on(event, listener);
      }
      if (typeof prop !== 'string' || !isCommand(prop)) return undefined;
      return async (input?: unknown) => {
        try {
          return await transport.invoke(prop as CommandName, input ?? {});
        } catch (err) {
          if (err instanceof HookscopeError) throw err;
          if (isErrorBody(err)) throw new HookscopeError(err.code, err.message, err.issues);
          throw err;
        }
      };
    },
  });
}
