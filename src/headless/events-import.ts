import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { ParsedInput } from '../shared/contract';
import { HookscopeError } from '../shared/errors';
import { cliInput } from './cli-input';

/** The most `importEvents` takes at once (the contract's limit on `content`). */
const MAX_BYTES = 100_000_000;

/** The format a file's name says, else the one its start shows (a HAR log is `{"log": ...`). */
function formatOf(file: string, text: string): 'har' | 'ndjson' {
  const ext = extname(file).toLowerCase();
  if (ext === '.har') return 'har';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return /^\s*\{\s*"log"\s*:/.test(text.slice(0, 200)) ? 'har' : 'ndjson';
}

/**
 * `hookscope events import FILE [--format har|ndjson]`: the file read and checked as the
 * importEvents input, before any data folder is opened. Throws bad_input naming the file.
 */
export function readImport(
  file: string,
  format: string | undefined,
): { input: ParsedInput<'importEvents'> } {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_BYTES) {
      throw new HookscopeError(
        'bad_input',
        `${file}: ${Math.ceil(size / 1e6)} MB; at most ${MAX_BYTES / 1e6} MB can be imported at once (split the file)`,
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof HookscopeError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new HookscopeError('bad_input', `${file}: cannot read it (${code})`);
  }
  const input = cliInput(
    'importEvents',
    { format: format ?? formatOf(file, text), content: text },
    { format: '--format', content: file },
  );
  return { input };
}
