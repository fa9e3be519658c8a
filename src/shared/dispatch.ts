import type { z } from 'zod';
import {
  commands,
  isCommandName,
  type CommandName,
  type Input,
  type Output,
  type ParsedInput,
  type Push,
  type PushName,
} from './contract';
import { makeClient } from './client';
import { HookscopeError } from './errors';
import { describeIssues, inputErrorMap } from './input-errors';

/** One handler per command; each receives already-parsed input. */
export type Handlers = {
  [N in CommandName]: (input: ParsedInput<N>) => Output<N> | Promise<Output<N>>;
};

/**
 * Parses `raw` with a contract schema, with messages in the user's words (inputErrorMap).
 * Every parse of user input goes through here: dispatch, the CLI's options, the forms.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown) {
  return schema.safeParse(raw, { error: inputErrorMap });
}

/**
 * The bad_input error for a failed parse: the message names each field in the user's words
 * (`overrides` renames keys, e.g. to CLI flags); `issues` keep path + message for forms.
 */
export function badInput(error: z.ZodError, overrides: Record<string, string> = {}) {
  const issues = zodIssues(error);
  return new HookscopeError('bad_input', describeIssues(issues, overrides), issues);
}

/** Maps zod issues to the wire shape (path + message). */
export function zodIssues(error: z.ZodError): { path: (string | number)[]; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
}

/**
 * Parses `rawInput` with the command's schema, then runs its handler.
 * Throws HookscopeError `unknown_command` for a name outside the contract and `bad_input`
 * (with the zod issues) when the input does not parse.
 */
export async function dispatch(
  handlers: Handlers,
  name: string,
  rawInput: unknown,
): Promise<unknown> {
  if (!isCommandName(name)) throw new HookscopeError('unknown_command', `no command "${name}"`);
  const parsed = parseInput(commands[name].input, rawInput ?? {});
  if (!parsed.success) throw badInput(parsed.error);
  const handler = handlers[name] as (input: unknown) => unknown;
  return await handler(parsed.data);
}

/** The two verbs every transport (IPC preload, HTTP + SSE) offers the UI. */
export interface Transport {
  invoke(name: CommandName, input: unknown): Promise<unknown>;
  on(event: PushName, listener: (payload: unknown) => void): () => void;
}

/** A typed client over any Transport: `client.listEvents({...})`, `client.on('events.batch', f)`. */
export type Client = {
  [N in CommandName]: (input?: Input<N>) => Promise<Output<N>>;
} & {
  on<P extends PushName>(event: P, listener: (payload: Push<P>) => void): () => void;
};

/** Builds the typed proxy (client.ts), answering only the contract's command names. */
export function createClient(transport: Transport): Client {
  return makeClient(transport, isCommandName);
}

/** The handlers of one feature's commands (`typeof eventsCommands`, …). */
export type FeatureHandlers<C> = Pick<Handlers, keyof C & CommandName>;
