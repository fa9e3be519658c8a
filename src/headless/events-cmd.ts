import { wholeDetail } from '../shared/event-body';
import { parseArgs } from 'node:util';
import { Engine } from '../core/engine';
import { defaultDataDir } from '../core/paths';
import { streamExport } from '../core/transfer/export-stream';
import { createClient, dispatch, type Client } from '../shared/dispatch';
import { HookscopeError, isErrorBody } from '../shared/errors';
import { cliInput, numeric } from './cli-input';
import { readImport } from './events-import';
import { endpointForSample } from './events-trigger';
import { exportSink } from './export-sink';
import { deliveryLine, forwardLine } from './listen-lines';

export const EVENTS_USAGE = `Usage: hookscope events <list|show|replay|export|import|samples|trigger> [options]

  list                  The newest events   [--limit N] [--query TEXT]
  show ID               One event with its headers and body
  replay ID             Send it again       [--to URL] [--resign] [--new-id]
                        (--to is a base, like a forward target: the path after the
                        endpoint's prefix and the query go under it)
                        (exits 1 unless the target answers 2xx)
  export                HAR or NDJSON       [--format har|ndjson] [--limit N] [--out FILE]
                        (the newest N, default 1000, streamed: any size)
  import FILE           Bring events back from a HAR or NDJSON file (marked imported)
                        [--format har|ndjson]  (default: from the file name or its content)
  samples               The sample deliveries that trigger can send
  trigger SAMPLE        Send a fresh sample, signed with the endpoint's secret
                        [--endpoint ID] [--public]  (e.g. trigger openai.batch.completed);
                        without --endpoint: the endpoint of the sample's provider that has
                        a secret. Exits 1 unless the receiver answers 2xx.

Against a running instance: --api URL --token T (or HOOKSCOPE_API / HOOKSCOPE_TOKEN);
otherwise the log in --data-dir DIR (default: the OS app-data folder) is opened directly.
--json prints JSON instead of lines.`;

/** The options naming where a command runs: a running instance's API, or a data dir. */
export const INSTANCE_OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** --json (print JSON instead of lines) and --help. */
export const PRINT_OPTIONS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * A client over the running instance named by --api (or HOOKSCOPE_API) with --token (or
 * HOOKSCOPE_TOKEN), or null when none is named. Throws bad_input for one without a token.
 */
export function instanceClient(values: { api?: string; token?: string }): Client | null {
  const apiUrl = values.api ?? process.env.HOOKSCOPE_API;
  if (!apiUrl) return null;
  const token = values.token ?? process.env.HOOKSCOPE_TOKEN;
  if (!token) throw new HookscopeError('bad_input', '--api needs --token (or HOOKSCOPE_TOKEN)');
  return apiClient(apiUrl, token);
}

/** A client over the control API of a running `hookscope serve|listen`. */
export function apiClient(apiUrl: string, token: string): Client {
  return createClient({
    async invoke(name, input) {
      const res = await fetch(`${apiUrl.replace(/\/$/, '')}/api/${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await res.json()) as { error?: unknown };
      if (res.ok) return body;
      throw isErrorBody(body.error) ? body.error : new Error(`HTTP ${res.status}`);
    },
    on: () => () => undefined,
  });
}

/**
 * `hookscope events ...`: list, show, replay, export and import stored events, and trigger
 * samples, through a running instance's API or straight from a data dir. Options are checked
 * before anything is opened; throws HookscopeError for bad usage. Resolves false when the
 * command ran but what it sent was not answered 2xx (replay, trigger): the CLI exits 1.
 */
export async function runEvents(argv: string[]): Promise<boolean> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...INSTANCE_OPTIONS,
      limit: { type: 'string' },
      query: { type: 'string' },
      to: { type: 'string' },
      resign: { type: 'boolean', default: false },
      'new-id': { type: 'boolean', default: false },
      format: { type: 'string' },
      out: { type: 'string' },
      endpoint: { type: 'string' },
      public: { type: 'boolean', default: false },
      ...PRINT_OPTIONS,
    },
  });
  const [action, id] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(`${EVENTS_USAGE}\n`);
    return true;
  }
  // Checked before a data folder is opened or anything is sent.
  const listInput =
    action === 'list'
      ? cliInput('listEvents', { limit: numeric(values.limit), query: values.query }, FLAGS)
      : null;
  const replayInput =
    action === 'replay' && id
      ? cliInput(
          'replayEvent',
          {
            id,
            targetUrl: values.to,
            resign: values.resign || undefined,
            newDeliveryId: values['new-id'] || undefined,
          },
          FLAGS,
        )
      : null;
  const importInput = action === 'import' && id ? readImport(id, values.format) : null;
  let engine: Engine | null = null;
  let client = instanceClient(values);
  if (!client) {
    const e = new Engine({ dataDir: values['data-dir'] ?? defaultDataDir() });
    engine = e;
    client = createClient({
      invoke: (name, input) => dispatch(e.handlers, name, input),
      on: () => () => undefined,
    });
  }
  const print = (v: unknown, line: string): void => {
    process.stdout.write((values.json ? JSON.stringify(v) : line) + '\n');
  };
  const limit = values.limit !== undefined ? Number(values.limit) : undefined;
  try {
    if (listInput) {
      const page = await client.listEvents(listInput);
      // Hookscope's id first: the one `events show` and `events replay` take (the line's [..]
      // is the provider's delivery id where it sent one).
      for (const e of page.items) print(e, `${e.id}  ${deliveryLine(e)}`);
    } else if (action === 'show' && id) {
      const e = await wholeDetail(client, await client.getEvent({ id }));
      const head = `${e.method} ${e.path}${e.query ? `?${e.query}` : ''}\n${e.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}`;
      const body = e.body.text ?? `(${e.body.size} bytes, not UTF-8; base64: ${e.body.base64})`;
      print(e, `${head}\n\n${body}\n\nsignature ${e.signature.status}: ${e.signature.reason}`);
    } else if (replayInput) {
      const a = await client.replayEvent(replayInput);
      print(a, forwardLine(a));
      if (!answered2xx(a.status)) {
        process.stderr.write(`hookscope events: replay not accepted: ${answer(a)}\n`);
        return false;
      }
    } else if (action === 'export') {
      const format = values.format ?? 'har';
      if (format !== 'har' && format !== 'ndjson') {
        throw new HookscopeError('bad_input', `--format must be har or ndjson, got "${format}"`);
      }
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
        throw new HookscopeError('bad_input', `--limit must be a whole number above 0`);
      }
      // Streamed event by event: any number and size of bodies in bounded memory.
      const out = exportSink(values.out);
      const count = await streamExport(client, { format, limit: limit ?? 1000 }, out.write);
      await out.end();
      if (values.out) {
        print({ count, out: values.out }, `exported ${count} events to ${values.out}`);
      }
    } else if (importInput) {
      const { imported, skipped } = await client.importEvents(importInput.input);
      print(
        { imported, ...(skipped ? { skipped } : {}), file: id, format: importInput.input.format },
        `imported ${imported} events from ${id} (${importInput.input.format})${skipped ? `; ${skipped} already in the log (the same event id), left out` : ''}`,
      );
    } else if (action === 'samples') {
      for (const x of (await client.listSamples({})).items) {
        print(x, `${x.id.padEnd(34)} ${x.title}`);
      }
    } else if (action === 'trigger' && id) {
      const target = values.endpoint
        ? { endpointId: values.endpoint, note: '' }
        : await endpointForSample(client, id);
      const r = await client.sendSample({
        sample: id,
        ...(target.endpointId ? { endpointId: target.endpointId } : {}),
        ...(values.public ? { via: 'public' as const } : {}),
      });
      const what = r.status !== null ? `[${r.status}]` : `[failed: ${r.error ?? 'no answer'}]`;
      const how = r.signed ? 'signed' : 'unsigned (the endpoint has no secret)';
      print({ ...r, ...target }, `sent ${id} to ${r.url}${target.note} ${what} ${how}`);
      return answered2xx(r.status);
    } else {
      throw new HookscopeError(
        'bad_input',
        `unknown or incomplete events command\n\n${EVENTS_USAGE}`,
      );
    }
  } finally {
    await engine?.stop();
  }
  return true;
}

/** The fields of the events commands' inputs, by the options that set them. */
const FLAGS = {
  id: 'ID',
  limit: '--limit',
  query: '--query',
  targetUrl: '--to',
  format: '--format',
};

const answered2xx = (status: number | null): boolean =>
  status !== null && status >= 200 && status < 300;

/** What the target did, in words: "http://... answered 400" or "http://...: <error>". */
function answer(a: { status: number | null; error: string | null; targetUrl: string }): string {
  return a.status !== null
    ? `${a.targetUrl} answered ${a.status}`
    : `${a.targetUrl}: ${a.error ?? 'no answer'}`;
}
