/** Writes human lines or, with --json, one JSON object per line. */
export interface Output {
  json: boolean;
  info(event: string, fields: Record<string, unknown>, human: string): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Builds the stdout/stderr writer for `--json` or human output. */
export function createOutput(json: boolean): Output {
  return {
    json,
    info(event, fields, human) {
      process.stdout.write(json ? JSON.stringify({ event, ...fields }) + '\n' : human + '\n');
    },
    error(message, fields = {}) {
      if (json) process.stdout.write(JSON.stringify({ event: 'error', message, ...fields }) + '\n');
      else process.stderr.write(`hookscope: ${message}\n`);
    },
  };
}
