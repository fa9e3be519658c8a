import { parseArgs } from 'node:util';
import { runBattery } from '../core/checkup/battery';
import { choosePayload } from '../core/checkup/payload';
import { Engine } from '../core/engine';
import { send } from '../core/forward/send';
import { defaultDataDir } from '../core/paths';
import { DEFAULT_BURST, type Checkup } from '../shared/checkup';
import type { Input } from '../shared/contract';
import { HookscopeError } from '../shared/errors';
import { formatReport } from './checkup-report';
import { cliInput, numeric, readSecretFiles } from './cli-input';
import { INSTANCE_OPTIONS, instanceClient, PRINT_OPTIONS } from './events-cmd';

export const CHECKUP_USAGE = `Usage: hookscope checkup --target URL --provider P --secret-file FILE [options]
       hookscope checkup --endpoint ID [--api URL --token T | --data-dir DIR] [options]

Sends your webhook handler a fixed battery of real, signed deliveries (valid, duplicate,
forged, tampered, stale, unsigned, a timed series and a burst) and grades how it answers.
Only --target is contacted. Exits 0 when every must-pass probe passes, 1 when one fails.

  --target URL          Your webhook handler (default with --endpoint: its forward target)
  --provider P          The provider to sign as, e.g. stripe, github, openai
  --secret-file FILE    Read the signing secret your handler verifies with from FILE (its one
                        non-blank line; keeps it out of the process list)
  --secret S            The same, given on the command line (visible to other local users in
                        the process list); else HOOKSCOPE_SECRET when set (not with --endpoint,
                        which signs with the endpoint's first secret)
  --sample ID           A catalogue sample (default: the provider's first, else a generic event)
  --event ID            A stored delivery as the payload (with --endpoint, --api or --data-dir)
  --burst N             Distinct deliveries in the burst (default 50)
  --concurrency C       How many of them at once (default 10)
  --latency-samples N   Deliveries timed one after the other (default 5)
  --timeout MS          Per request (default: the provider's delivery timeout, at most 30 s)
  --endpoint ID         Run for a Hookscope endpoint (its target, provider and secret) and
                        keep the run in its history: through a running instance with
                        --api URL --token T (or HOOKSCOPE_API / HOOKSCOPE_TOKEN), else in the
                        log in --data-dir DIR (default: the OS app-data folder)
  --json                Print the check-up as JSON`;

const bad = (message: string): HookscopeError => new HookscopeError('bad_input', message);

/** The runCheckup fields, by the options that set them (for the error messages). */
const FLAGS = {
  endpointId: '--endpoint',
  target: '--target',
  provider: '--provider',
  secret: '--secret',
  sample: '--sample',
  eventId: '--event',
  latencySamples: '--latency-samples',
  timeoutMs: '--timeout',
  'burst.count': '--burst',
  'burst.concurrency': '--concurrency',
};

/**
 * `hookscope checkup ...`: runs the check-up standalone (nothing stored), or through a running
 * instance or a data dir when an endpoint, event or --api is given (stored in the history).
 * Prints the report or the JSON and returns whether it passed. Throws HookscopeError
 * `bad_input` for bad usage.
 */
export async function runCheckupCommand(argv: string[]): Promise<boolean | null> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      provider: { type: 'string' },
      secret: { type: 'string' },
      'secret-file': { type: 'string' },
      sample: { type: 'string' },
      event: { type: 'string' },
      burst: { type: 'string' },
      concurrency: { type: 'string' },
      'latency-samples': { type: 'string' },
      timeout: { type: 'string' },
      endpoint: { type: 'string' },
      ...INSTANCE_OPTIONS,
      ...PRINT_OPTIONS,
    },
  });
  if (values.help) {
    process.stdout.write(`${CHECKUP_USAGE}\n`);
    return null;
  }
  const secret = checkupSecret(values.secret, values['secret-file'], values.endpoint);
  const burstCount = numeric(values.burst);
  const concurrency = numeric(values.concurrency);
  const input = cliInput(
    'runCheckup',
    {
      endpointId: values.endpoint,
      target: values.target,
      provider: values.provider,
      secret,
      sample: values.sample,
      eventId: values.event,
      latencySamples: numeric(values['latency-samples']),
      timeoutMs: numeric(values.timeout),
      ...(burstCount !== undefined || concurrency !== undefined
        ? {
            burst: {
              count: burstCount ?? DEFAULT_BURST.count,
              concurrency: concurrency ?? DEFAULT_BURST.concurrency,
            },
          }
        : {}),
    },
    FLAGS,
  );
  const instance = instanceClient(values);
  let run: Checkup;
  if (instance) {
    run = await instance.runCheckup(input as Input<'runCheckup'>);
  } else if (input.endpointId || input.eventId || values['data-dir']) {
    run = await inDataDir(values['data-dir'] ?? defaultDataDir(), input);
  } else {
    const absent = (['target', 'provider', 'secret'] as const).filter((k) => !input[k]);
    if (absent.length > 0) {
      throw bad(
        `give ${absent.map((k) => (k === 'secret' ? '--secret-file (or --secret, HOOKSCOPE_SECRET)' : `--${k}`)).join(', ')} (or --endpoint ID)`,
      );
    }
    run = await runBattery(
      {
        target: input.target!,
        provider: input.provider!,
        secret: input.secret!,
        hmac: null,
        payload: choosePayload(input.provider!, input.sample),
        endpointId: null,
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        ...(input.burst ? { burst: input.burst } : {}),
        ...(input.latencySamples !== undefined ? { latencySamples: input.latencySamples } : {}),
      },
      { send, clock: Date.now },
    );
  }
  process.stdout.write(`${values.json ? JSON.stringify(run) : formatReport(run)}\n`);
  return run.passed;
}

/**
 * The secret to sign with: `--secret`, else the one line of `--secret-file`, else
 * HOOKSCOPE_SECRET (unless an endpoint is named: it has its own). Refuses both flags at once
 * and a file that cannot be read or holds no secret or more than one.
 */
function checkupSecret(
  flag: string | undefined,
  file: string | undefined,
  endpoint: string | undefined,
): string | undefined {
  if (flag !== undefined && file !== undefined)
    throw bad('give --secret or --secret-file, not both');
  if (file !== undefined) {
    let found: string[];
    try {
      found = readSecretFiles([file]);
    } catch (err) {
      throw bad((err as Error).message);
    }
    if (found.length > 1) {
      throw bad(
        `--secret-file: ${file} holds ${found.length} lines; a check-up signs with one secret`,
      );
    }
    return found[0];
  }
  if (flag !== undefined) return flag;
  return endpoint === undefined ? process.env.HOOKSCOPE_SECRET || undefined : undefined;
}

/** Runs through an engine on the data dir, so the run lands in the endpoint's history. */
async function inDataDir(dataDir: string, input: Input<'runCheckup'>): Promise<Checkup> {
  const engine = new Engine({ dataDir });
  try {
    return await engine.client.runCheckup(input);
  } finally {
    await engine.stop();
  }
}
