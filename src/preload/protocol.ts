/**
 * The wire between main and preload, shared by both: channel names and the one argument that
 * hands the contract's names to the sandboxed preload. A sandboxed preload can require only
 * `electron`, so it cannot load the zod contract itself; main, which can, derives the names
 * from `src/shared/contract.ts` and passes them in `webPreferences.additionalArguments`.
 * This file imports nothing.
 */

/** Every IPC channel is this prefix plus a contract name (`hs:listEvents`, `hs:events.batch`). */
export const CHANNEL_PREFIX = 'hs:';

/** The IPC channel of a command or push name. */
export function channelOf(name: string): string {
  return CHANNEL_PREFIX + name;
}

const ARG = '--hookscope-contract=';
// Contract names are identifiers, dotted for pushes; anything else in the argument is refused.
const NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** The names the preload may use. */
export interface ContractNames {
  commands: string[];
  pushes: string[];
}

/** The command-line argument carrying the contract's names to the preload. */
export function encodeContractArg(names: ContractNames): string {
  for (const n of [...names.commands, ...names.pushes]) {
    if (!NAME.test(n)) throw new Error(`not a contract name: ${JSON.stringify(n)}`);
  }
  return ARG + encodeURIComponent(JSON.stringify(names));
}

/**
 * The contract's names from the preload's `process.argv`; empty lists (every call refused)
 * when the argument is missing or malformed, never a throw.
 */
export function decodeContractArg(argv: readonly string[]): ContractNames {
  const none: ContractNames = { commands: [], pushes: [] };
  const arg = argv.find((a) => a.startsWith(ARG));
  if (!arg) return none;
  try {
    const v = JSON.parse(decodeURIComponent(arg.slice(ARG.length))) as Partial<ContractNames>;
    const list = (x: unknown): string[] =>
      Array.isArray(x) ? x.filter((n): n is string => typeof n === 'string' && NAME.test(n)) : [];
    return { commands: list(v.commands), pushes: list(v.pushes) };
  } catch {
    return none;
  }
}
