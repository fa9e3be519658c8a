import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who asked for what the engine does now (issue 18, "who did what"): the person whose token
 * called the control API, for the length of that command (AsyncLocalStorage, so no handler's
 * signature carries it). Outside a person's command (the desktop app, the local token, the
 * engine's own work) there is none: `currentPerson()` is null and nothing is attributed.
 */
const people = new AsyncLocalStorage<string>();

/** Runs `fn` as `person` (their name). */
export function asPerson<T>(person: string, fn: () => T): T {
  return people.run(person, fn);
}

/** The person the current command runs for, or null (local use). */
export function currentPerson(): string | null {
  return people.getStore() ?? null;
}
