import { shownDatabaseUrl } from '../core/store/database-url';
import { randomBytes } from 'node:crypto';
import { Engine } from '../core/engine';
import { defaultDataDir } from '../core/paths';
import { blockList } from '../core/net';
import { VERSION } from '../core/version';
import { ApiServer } from './api-server';
import { openUi } from './open-url';
import type { Client } from '../shared/dispatch';
import type { Output } from './output';
import { startTunnelWithOutput } from './tunnel-output';

export interface ServeOptions {
  dataDir?: string | undefined;
  /** A PostgreSQL URL: the log shared with other instances (HOOKSCOPE_DATABASE_URL). */
  database?: string | undefined;
  receiverPort: number;
  apiPort: number;
  /** The ports were defaults, not asked for: take free ones when they are busy. */
  defaultPorts: { receiver: boolean; api: boolean };
  host: string;
  tunnel: boolean;
  open: boolean;
  json: boolean;
  staticDir: string;
}

/**
 * HOOKSCOPE_TRUSTED_PROXIES: comma-separated IPs/CIDRs of reverse proxies in front of the
 * receiver (e.g. Caddy on the LAN) whose X-Forwarded-For names the client. Throws on a bad
 * entry so a typo is not silently ignored.
 */
export function trustedProxies(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  try {
    blockList(entries);
  } catch (err) {
    throw new Error(`HOOKSCOPE_TRUSTED_PROXIES: ${(err as Error).message}`, { cause: err });
  }
  return entries;
}

/**
 * HOOKSCOPE_FORWARD_LEASE_MARGIN_MS: how long after a forward's timeout another instance may
 * take over a job a stopped or killed instance had claimed (whole milliseconds, 0 to 3,600,000);
 * unset, the engine's default. A bad value stops the start, saying what is expected.
 */
export function forwardLeaseMargin(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0 || n > 3_600_000) {
    throw new Error(
      `HOOKSCOPE_FORWARD_LEASE_MARGIN_MS is "${raw}": write a whole number of milliseconds from 0 to 3600000 (the default is 60000).`,
    );
  }
  return n;
}

/**
 * Prints once when the log cannot be written (disk full, I/O error) and once when it can again,
 * not once per delivery: `receiver.health` is pushed only when the state changes.
 */
export function reportStoreHealth(client: Client, out: Output): void {
  let failing = false;
  client.on('receiver.health', (h) => {
    const now = h.storeFailed === true;
    if (now === failing) return;
    failing = now;
    if (now) out.info('store_failed', { message: h.message }, `Error: ${h.message}`);
    else
      out.info(
        'store_recovered',
        {},
        'The log can be written again: deliveries are stored and background work resumed.',
      );
  });
}

/** A database URL as printed: without its password. */
function shownDatabase(url: string): string {
  return shownDatabaseUrl(url);
}

/**
 * `hookscope serve`: the engine plus the control API and UI, until SIGINT/SIGTERM, then a
 * clean shutdown (deliveries in flight committed and answered, database closed).
 */
export async function serve(
  opts: ServeOptions,
  out: Output,
  /** Runs after the ready line, before the tunnel (e.g. `listen` configuring its endpoint). */
  setup?: (engine: Engine, receiverUrl: string) => Promise<unknown>,
): Promise<void> {
  const dataDir = opts.dataDir ?? defaultDataDir();
  // Prefixed so it never starts with "-": `--token <value>` would read such a value as an option.
  const token = process.env.HOOKSCOPE_TOKEN || `hs_${randomBytes(24).toString('base64url')}`;
  const margin = forwardLeaseMargin(process.env.HOOKSCOPE_FORWARD_LEASE_MARGIN_MS);
  const leaseMargin = margin === undefined ? {} : { forwardLeaseMarginMs: margin };
  const engine = await Engine.open({
    dataDir,
    ...(opts.database
      ? { database: { url: opts.database, secretKey: process.env.HOOKSCOPE_SECRET_KEY } }
      : {}),
    receiverHost: opts.host,
    receiverPort: opts.receiverPort,
    fallbackToFreePort: opts.defaultPorts.receiver,
    trustedProxies: trustedProxies(process.env.HOOKSCOPE_TRUSTED_PROXIES),
    ...leaseMargin,
  });
  let api: ApiServer | null = null;
  try {
    const { receiverUrl } = await engine.start();
    const created = new ApiServer(engine, token, opts.staticDir);
    api = created;
    const { url: apiUrl } = await created.listen(opts.apiPort).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !opts.defaultPorts.api) throw err;
      return created.listen(0);
    });
    const uiUrl = `${apiUrl}/#token=${token}`;
    out.info(
      'ready',
      {
        receiverUrl,
        apiUrl,
        token,
        dataDir,
        ...(opts.database ? { database: shownDatabase(opts.database) } : {}),
        version: VERSION,
      },
      [
        `Hookscope ${VERSION}`,
        `  Receiver  ${receiverUrl}   (send webhooks here)`,
        `  UI        ${uiUrl}`,
        `  Data      ${dataDir}`,
        ...(opts.database ? [`  Database  ${shownDatabase(opts.database)}   (shared)`] : []),
        'Press Ctrl+C to stop.',
      ].join('\n'),
    );
    for (const n of engine.notices) out.info('notice', { ...n }, `Warning: ${n.message}`);
    reportStoreHealth(engine.client, out);
    if (setup) await setup(engine, receiverUrl);
    // After the ready line, so a tunnel that cannot start never holds up or breaks local use.
    if (opts.tunnel) startTunnelWithOutput(engine.client, out, receiverUrl);
    if (opts.open) openUi(uiUrl, (m) => out.error(m));
  } catch (err) {
    await api?.close();
    await engine.stop();
    throw err;
  }

  const server = api;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    (async () => {
      await server.close();
      await engine.stop();
      out.info('stopped', { signal }, 'Hookscope stopped.');
      process.exit(0);
    })().catch((err: unknown) => {
      out.error(`shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
