import { parseArgs } from 'node:util';
import { Engine } from '../core/engine';
import { defaultDataDir } from '../core/paths';
import { LogOpenError } from '../core/store/open-log';
import { createClient, dispatch, type Client } from '../shared/dispatch';
import { HookscopeError } from '../shared/errors';
import type { User } from '../shared/users-contract';
import { cliInput } from './cli-input';
import { instanceClient, PRINT_OPTIONS } from './events-cmd';

export const USERS_USAGE = `Usage: hookscope users <add|list|revoke> [options]

  add NAME [--role admin|member|viewer]   A person and their token (default role: member),
                                          shown once
  list                                    Everyone who has or had a token
  revoke NAME                             Their token stops working at once; their open
                                          streams close

Roles: viewer reads only; member also changes things and sends requests (endpoints,
settings, replay, delete, redrive, import, samples, check-ups, the tunnel); admin also
manages people.

Where:
  --database URL     The PostgreSQL database of a team server (or HOOKSCOPE_DATABASE_URL;
                     with HOOKSCOPE_SECRET_KEY, as serve): every running instance hears of
                     the change at once
  --data-dir DIR     A SQLite log no Hookscope is running on (default: the OS app-data folder)
  --api URL --token T
                     Through a running Hookscope's control API (HOOKSCOPE_API /
                     HOOKSCOPE_TOKEN): the local token it printed, or an admin's token. A
                     SQLite log in use by \`hookscope serve\` can only be changed this way.
--json prints JSON instead of lines.`;

const FLAGS = { name: 'NAME', role: '--role' };

/** A person in one line: name, role, since when, and whether their token works. */
export function userLine(u: User): string {
  const state = u.revokedAt === null ? 'active' : `revoked ${new Date(u.revokedAt).toISOString()}`;
  return `${u.name.padEnd(20)} ${u.role.padEnd(7)} added ${new Date(u.createdAt).toISOString()}  ${state}`;
}

/**
 * `hookscope users add|list|revoke`: through a running instance's API (`--api`), on the
 * PostgreSQL database (`--database`), or on a SQLite log nobody runs on (`--data-dir`).
 * Throws HookscopeError for bad usage; the CLI exits 2 for those, 1 for the rest.
 */
export async function runUsers(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
      database: { type: 'string' },
      role: { type: 'string' },
      ...PRINT_OPTIONS,
    },
  });
  const [action, name, extra] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(`${USERS_USAGE}\n`);
    return;
  }
  if (extra !== undefined) {
    throw new HookscopeError('bad_input', `one name at a time, got "${name}" and "${extra}"`);
  }
  // Checked before anything is opened or sent.
  let run: (c: Client) => Promise<void>;
  const print = (v: unknown, line: string): void => {
    process.stdout.write((values.json ? JSON.stringify(v) : line) + '\n');
  };
  if (action === 'add') {
    const input = cliInput('addUser', { name: name ?? '', role: values.role }, FLAGS);
    run = async (c) => {
      const { user, token } = await c.addUser(input);
      print(
        { user, token },
        [
          `Added ${user.name} (${user.role}). Their token:`,
          '',
          `  ${token}`,
          '',
          'It will not be shown again: give it to them now (it is stored only as a hash).',
        ].join('\n'),
      );
    };
  } else if (action === 'revoke') {
    const input = cliInput('revokeUser', { name: name ?? '' }, FLAGS);
    run = async (c) => {
      const { user } = await c.revokeUser(input);
      print({ user }, `Revoked ${user.name}'s token: it no longer works.`);
    };
  } else if (action === 'list') {
    run = async (c) => {
      const { items } = await c.listUsers({});
      if (!values.json && items.length === 0) print(null, 'Nobody yet (hookscope users add NAME).');
      for (const u of items) print(u, userLine(u));
    };
  } else {
    throw new HookscopeError('bad_input', `unknown users command "${action}"\n\n${USERS_USAGE}`);
  }
  if (values.role !== undefined && action !== 'add') {
    throw new HookscopeError('bad_input', '--role goes with add only');
  }

  const api = instanceClient(values);
  if (api) return run(api);
  const database = values.database ?? (process.env.HOOKSCOPE_DATABASE_URL || undefined);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let engine: Engine;
  try {
    engine = await Engine.open({
      dataDir,
      ...(database
        ? { database: { url: database, secretKey: process.env.HOOKSCOPE_SECRET_KEY } }
        : {}),
    });
  } catch (err) {
    if (err instanceof LogOpenError && err.code === 'in_use') {
      throw new Error(
        `${err.message.split('. ')[0]}. While it runs, manage people through it: hookscope users ${action}${name ? ` ${name}` : ''} --api <its UI/API URL> --token <the token it printed>`,
        { cause: err },
      );
    }
    throw err;
  }
  const e = engine;
  try {
    await run(
      createClient({
        invoke: (n, input) => dispatch(e.handlers, n, input),
        on: () => () => undefined,
      }),
    );
  } finally {
    await e.stop();
  }
}
