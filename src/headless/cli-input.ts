import { readFileSync } from 'node:fs';
import { commands, type CommandName, type ParsedInput } from '../shared/contract';
import { badInput, parseInput } from '../shared/dispatch';

/**
 * Command-line options checked as a contract command's input before anything starts (no
 * banner, no data folder opened): a bad value is a bad_input error naming the flag, e.g.
 * `--limit: expected a whole number from 1 to 500, got "ten"`. `flags` maps input fields
 * (dotted for nested ones) to the options that set them; options left out are dropped.
 */
export function cliInput<N extends CommandName>(
  name: N,
  raw: Record<string, unknown>,
  flags: Record<string, string>,
): ParsedInput<N> {
  const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = parseInput(commands[name].input, input);
  if (!parsed.success) throw badInput(parsed.error, flags);
  return parsed.data as ParsedInput<N>;
}

/** An option's text as a number when it is one, else the text (so the error can quote it). */
export function numeric(value: string | undefined): number | string | undefined {
  return value !== undefined && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** Secrets from `--secret-file` files: one per line, blank lines and surrounding space ignored. */
export function readSecretFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(
        `--secret-file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: err },
      );
    }
    const found = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (found.length === 0) throw new Error(`--secret-file: ${path} holds no secret`);
    return found;
  });
}
