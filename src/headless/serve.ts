import { shownDatabaseUrl } from '../core/store/database-url';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Engine } from '../core/engine';
import { defaultDataDir } from '../core/paths';
import { blockList, isLoopback } from '../core/net';
import { VERSION } from '../core/version';
import { ApiServer, type ApiServerOptions } from './api-server';
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
  /** Where the control API is reached (default: loopback only, plain http). */
  api?: ApiFlags;
  /** The ports were defaults, not asked for: take free ones when they are busy. */
  defaultPorts: { receiver: boolean; api: boolean };
  host: string;
  tunnel: boolean;
  open: boolean;
  json: boolean;
  staticDir: string;
}

/** The control API's flags: --api-host, --tls-cert, --tls-key, --public-url. */
export interface ApiFlags {
  host?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  publicUrl?: string | undefined;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The control API beyond loopback only deliberately, and then only over TLS: its own
 * certificate (--tls-cert/--tls-key, served with node:https) or a reverse proxy terminating
 * TLS in front of it (--public-url https://…). Throws one line saying what to give otherwise.
 */
export function apiExposure(f: ApiFlags = {}): Omit<ApiServerOptions, 'signIns'> {
  const host = f.host ?? '127.0.0.1';
  if (/[\s/]/.test(host) || host === '') {
    throw new Error(`--api-host must be an address or host name to bind, got "${host}"`);
  }
  if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) {
    throw new Error(
      '--tls-cert and --tls-key go together: give the certificate and its private key (PEM files)',
    );
  }
  const read = (flag: string, file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: err },
      );
    }
  };
  const tls =
    f.tlsCert !== undefined && f.tlsKey !== undefined
      ? { cert: read('--tls-cert', f.tlsCert), key: read('--tls-key', f.tlsKey) }
      : undefined;
  let publicOrigin: string | undefined;
  if (f.publicUrl !== undefined) {
    let url: URL | null;
    try {
      url = new URL(f.publicUrl);
    } catch {
      url = null;
    }
    if (
      !url ||
      url.protocol !== 'https:' ||
      url.username ||
      url.password ||
      url.pathname !== '/' ||
      url.search ||
      url.hash
    ) {
      throw new Error(
        `--public-url must be the https:// address people open, without a path, e.g. https://hooks.example.com (got "${f.publicUrl}")`,
      );
    }
    publicOrigin = url.origin;
  }
  const local = host === 'localhost' || isLoopback(host.replace(/^\[|\]$/g, ''));
  if (!local && !tls && !publicOrigin) {
    throw new Error(
      `--api-host ${host} serves the control API beyond this machine: only over TLS, give its certificate (--tls-cert FILE --tls-key FILE) or the https:// address of the reverse proxy in front of it (--public-url https://…)`,
    );
  }
  if (WILDCARDS.has(host) && !publicOrigin) {
    throw new Error(
      `--api-host ${host} listens on every address: give --public-url https://NAME[:PORT], the address people open (requests for other names are refused)`,
    );
  }
  return {
    host: host.replace(/^\[|\]$/g, ''),
    ...(tls ? { tls } : {}),
    ...(publicOrigin ? { publicOrigin } : {}),
  };
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
  // Checked before anything starts: a bad flag stops here, with nothing opened.
  const exposure = apiExposure(opts.api);
  const proxies = trustedProxies(process.env.HOOKSCOPE_TRUSTED_PROXIES);
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
    trustedProxies: proxies,
    ...leaseMargin,
  });
  let api: ApiServer | null = null;
  try {
    const { receiverUrl } = await engine.start();
    const created = new ApiServer(engine, token, opts.staticDir, {
      ...exposure,
      trustedProxies: proxies,
    });
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
        ...(created.publicOrigin ? { publicUrl: created.publicOrigin } : {}),
        version: VERSION,
      },
      [
        `Hookscope ${VERSION}`,
        `  Receiver  ${receiverUrl}   (send webhooks here)`,
        `  UI        ${uiUrl}`,
        ...(created.publicOrigin
          ? [
              `  Public    ${created.publicOrigin}   (people open ${created.publicOrigin}/#token=<their token>; hookscope users add NAME)`,
            ]
          : []),
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
