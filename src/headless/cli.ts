import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/paths';
import { VERSION } from '../core/version';
import { HookscopeError } from '../shared/errors';
import { runCheckupCommand } from './checkup-cmd';
import { cliInput, readSecretFiles } from './cli-input';
import { runEvents } from './events-cmd';
import { startListening } from './listen';
import { RemoteListener, type RemoteListenOptions } from './listen-remote';
import { createOutput } from './output';
import { serve } from './serve';
import { runUsers } from './users-cmd';

const USAGE = `Usage: hookscope <command> [options]

Commands:
  serve     Receive webhooks, keep them in the local log, and serve the UI in a browser
  events    list | show | replay | export stored events (hookscope events --help)
  checkup   Grade your own webhook handler: send it signed valid, duplicate, forged,
            tampered, stale and unsigned deliveries, a timed series and a burst
            (hookscope checkup --target URL --provider P --secret-file FILE [--sample ID]
            [--burst N] [--concurrency C] [--latency-samples N] [--timeout MS] [--json];
            --endpoint ID with --api URL --token T keeps the run in the endpoint's history;
            hookscope checkup --help)
  users     add NAME [--role admin|member|viewer] | list | revoke NAME: the people who
            may use the control API, each with their own token (hookscope users --help)
  listen    Like serve, without opening a browser: forward deliveries to your app and print
            a line per delivery and per forward (like \`stripe listen\`)

Options for listen:
  --forward-to URL      Your app's webhook URL, e.g. http://localhost:3000/webhooks
  --path /PREFIX        The endpoint path to listen on (default /)
  --provider P          The provider that signs the deliveries (default: detect)
  --secret S            The signing secret (repeat for rotated secrets)
  --secret-file PATH    Read secrets from a file, one per line (keeps them out of the
                        process list, where --secret is visible to other local users)

listen --server: the laptop end of a team's Hookscope server (no local receiver):
  hookscope listen --server URL --token T --forward-to URL [--path /PREFIX]
                   [--since ISO-TIME | --from-now] [--name NAME] [--data-dir DIR] [--json]
  --server URL          The server's API URL (or HOOKSCOPE_SERVER)
  --token T             A token of that server (or HOOKSCOPE_TOKEN)
  --since ISO-TIME      Start from deliveries received at or after this time
  --from-now            Skip what arrived while this listener was not running
  --name NAME           Who you are on the server's records (default user@host)

Options for serve and listen:
  --data-dir DIR        Where the log lives (default: the OS app-data folder)
  --database URL        Keep the log in PostgreSQL (postgres://user:pass@host:5432/db),
                        shared by every instance started on it; needs
                        HOOKSCOPE_SECRET_KEY (make one: openssl rand -base64 32; the
                        same key on every instance)
  --receiver-port N     Port webhooks are sent to (default 7700, or a free one if taken;
                        0 = any free port)
  --api-port N          Port of the UI and control API (default 7701, or a
                        free one if taken; 0 = any free port)
  --host ADDR           Receiver bind address (default 127.0.0.1; 0.0.0.0 for the LAN)
  --api-host ADDR       UI/control API bind address (default 127.0.0.1). Beyond loopback
                        only over TLS: with --tls-cert FILE --tls-key FILE (PEM; served
                        over https) or --public-url https://NAME when a reverse proxy
                        terminates TLS; only that origin (and loopback) is accepted. People
                        sign in with their own tokens (hookscope users add NAME)
  --tunnel              Open a public ngrok URL to the receiver (never to the UI/API);
                        authtoken: the one saved in Hookscope, else NGROK_AUTHTOKEN, else
                        ngrok's own config file (ngrok.yml)
  --no-open             Do not open the UI in a browser
  --json                Print one JSON line when ready, then only JSON lines
  -h, --help            Show this help
  -v, --version         Show the version

Environment: HOOKSCOPE_TOKEN fixes the API token; HOOKSCOPE_DATA_DIR the data folder;
HOOKSCOPE_DATABASE_URL the PostgreSQL URL (--database wins); HOOKSCOPE_SECRET_KEY the key
that encrypts secrets stored in PostgreSQL;
NGROK_AUTHTOKEN the ngrok authtoken (get one at
https://dashboard.ngrok.com/get-started/your-authtoken); HOOKSCOPE_TRUSTED_PROXIES the
reverse proxies (IPs/CIDRs, comma-separated) whose X-Forwarded-For names the client;
HOOKSCOPE_SECRET the signing secret of \`checkup\` when no --secret or --secret-file is given.`;

/** Parses a port flag; throws with a clear message for anything but 0..65535. */
function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new Error(`${flag} must be a port number 0-65535, got "${value}"`);
  return n;
}

/** An error's message: the contract's errors name each field and what it expects. */
function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The options of `listen` that set the endpoint, by the saveEndpoint field they fill. */
const LISTEN_FLAGS = {
  path: '--path',
  provider: '--provider',
  secrets: '--secret',
  forwardTo: '--forward-to',
};

/** parseArgs' own errors (unknown option, missing value) are bad usage. */
const isUsage = (err: unknown): boolean =>
  typeof (err as { code?: unknown }).code === 'string' &&
  (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');

/** The CLI entry: `hookscope serve|listen|events|checkup ...`. Exits 2 on bad usage, 1 on failure. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'events') {
    try {
      if (!(await runEvents(argv.slice(1)))) process.exitCode = 1;
      return;
    } catch (err) {
      const usage = err instanceof HookscopeError ? err.code === 'bad_input' : isUsage(err);
      process.stderr.write(`hookscope events: ${describeError(err)}\n`);
      process.exit(usage ? 2 : 1);
    }
  }
  if (argv[0] === 'users') {
    try {
      await runUsers(argv.slice(1));
      return;
    } catch (err) {
      const usage = err instanceof HookscopeError ? err.code === 'bad_input' : isUsage(err);
      process.stderr.write(`hookscope users: ${describeError(err)}\n`);
      process.exit(usage ? 2 : 1);
    }
  }
  if (argv[0] === 'checkup') {
    let passed: boolean | null;
    try {
      passed = await runCheckupCommand(argv.slice(1));
    } catch (err) {
      const usage = err instanceof HookscopeError ? err.code === 'bad_input' : isUsage(err);
      const help = usage ? ' (hookscope checkup --help)' : '';
      process.stderr.write(`hookscope checkup: ${describeError(err)}${help}\n`);
      process.exit(usage ? 2 : 1);
    }
    if (passed === false) process.exitCode = 1;
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        'receiver-port': { type: 'string' },
        'api-port': { type: 'string' },
        'api-host': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'public-url': { type: 'string' },
        host: { type: 'string' },
        tunnel: { type: 'boolean', default: false },
        'forward-to': { type: 'string' },
        path: { type: 'string' },
        provider: { type: 'string' },
        secret: { type: 'string', multiple: true },
        'secret-file': { type: 'string', multiple: true },
        server: { type: 'string' },
        token: { type: 'string' },
        since: { type: 'string' },
        'from-now': { type: 'boolean', default: false },
        name: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`hookscope: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out = createOutput(values.json);
  if (command !== 'serve' && command !== 'listen') {
    process.stderr.write(`hookscope: unknown command "${command}"\n\n${USAGE}\n`);
    process.exit(2);
  }
  const server = values.server ?? (process.env.HOOKSCOPE_SERVER || undefined);
  if (command === 'listen' && server !== undefined) {
    return listenToServer(server, values, out);
  }
  let secrets: string[];
  let ports: { receiver: number; api: number };
  try {
    ports = {
      receiver: port(values['receiver-port'], 7700, '--receiver-port'),
      api: port(values['api-port'], 7701, '--api-port'),
    };
    secrets = [...(values.secret ?? []), ...readSecretFiles(values['secret-file'] ?? [])];
    // Checked before the banner: a bad option stops here, with nothing started.
    if (command === 'listen') {
      cliInput(
        'saveEndpoint',
        {
          name: 'listen',
          path: values.path ?? '/',
          provider: values.provider,
          secrets: secrets.length > 0 ? secrets : undefined,
          forwardTo: values['forward-to'],
        },
        LISTEN_FLAGS,
      );
    }
  } catch (err) {
    out.error(describeError(err)); // a JSON line with --json
    process.exit(2);
  }
  try {
    await serve(
      {
        dataDir: values['data-dir'],
        database: values.database ?? (process.env.HOOKSCOPE_DATABASE_URL || undefined),
        receiverPort: ports.receiver,
        apiPort: ports.api,
        api: {
          host: values['api-host'],
          tlsCert: values['tls-cert'],
          tlsKey: values['tls-key'],
          publicUrl: values['public-url'],
        },
        defaultPorts: {
          receiver: values['receiver-port'] === undefined,
          api: values['api-port'] === undefined,
        },
        host: values.host ?? '127.0.0.1',
        tunnel: values.tunnel,
        open: command === 'serve' && !values['no-open'],
        json: values.json,
        staticDir: join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer'),
      },
      out,
      command === 'listen'
        ? (engine, receiverUrl) =>
            startListening(
              engine.client,
              {
                forwardTo: values['forward-to'],
                path: values.path ?? '/',
                provider: values.provider,
                secrets,
              },
              out,
              receiverUrl,
            )
        : undefined,
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message =
      e.code === 'EADDRINUSE'
        ? `port already in use (${e.message}); choose another with --receiver-port/--api-port or 0`
        : e.message;
    out.error(message);
    process.exit(1);
  }
}

/**
 * `hookscope listen --server URL`: checks the options (exit 2 before anything starts), then
 * runs the remote listener until Ctrl+C / SIGTERM (exit 0) or a refused token (exit 1).
 */
async function listenToServer(
  server: string,
  values: {
    token?: string;
    path?: string;
    'forward-to'?: string;
    since?: string;
    'from-now'?: boolean;
    name?: string;
    'data-dir'?: string;
  },
  out: ReturnType<typeof createOutput>,
): Promise<void> {
  let opts: RemoteListenOptions;
  try {
    opts = remoteOptions(server, values);
  } catch (err) {
    out.error(describeError(err));
    process.exit(2);
  }
  let listener: RemoteListener;
  try {
    listener = new RemoteListener(opts, out);
  } catch (err) {
    out.error(`could not open the listener's file: ${describeError(err)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void listener.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await listener.run();
  } catch (err) {
    out.error(describeError(err));
    await listener.stop().catch(() => undefined);
    process.exit(1);
  }
}

/** The options of `listen --server`, checked; throws with the option and what it expects. */
function remoteOptions(
  server: string,
  values: Parameters<typeof listenToServer>[1],
): RemoteListenOptions {
  const url = URL.canParse(server) ? new URL(server) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
    throw new Error(
      `--server: expected the server's http(s) URL such as https://hookscope.example.com, got "${server}"`,
    );
  const token = values.token ?? (process.env.HOOKSCOPE_TOKEN || undefined);
  if (!token)
    throw new Error('--server needs --token (or HOOKSCOPE_TOKEN): a token of that server');
  if (values['forward-to'] === undefined)
    throw new Error(
      "--server needs --forward-to: your app's webhook URL, e.g. http://localhost:3000/webhooks",
    );
  cliInput(
    'saveEndpoint',
    { name: 'listen', path: values.path ?? '/', forwardTo: values['forward-to'] },
    LISTEN_FLAGS,
  );
  if (values.since !== undefined && values['from-now'])
    throw new Error('--since and --from-now: give one of them');
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw new Error(
      `--since: expected a time such as 2025-01-31T18:02:00Z or 2025-01-31, got "${values.since}"`,
    );
  const name = values.name ?? `${userInfo().username}@${hostname()}`;
  if (name.trim() === '' || name.length > 200)
    throw new Error('--name: expected a name of 1 to 200 characters');
  return {
    server: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    token,
    path: values.path ?? '/',
    forwardTo: values['forward-to'],
    ...(values.since !== undefined ? { since: new Date(values.since).toISOString() } : {}),
    fromNow: values['from-now'] ?? false,
    name,
    dataDir: values['data-dir'] ?? defaultDataDir(),
  };
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`hookscope: unhandled rejection: ${String(reason)}\n`);
});

void main(process.argv.slice(2));
